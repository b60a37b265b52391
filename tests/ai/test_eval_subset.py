"""The AI evaluation set (evals/ai) in the suite: the issue-15 targets, offline on every case, and a subset through
the OpenAI-compatible test server (json_schema, search tool calls, repairs) to show the model path keeps them.

Targets: >= 95% of prompts and >= 90% of edits fully right, every draft valid, no step reading data its trigger
does not provide, and every explanation naming exactly the env vars, services and values that are in the draft.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from blokhub.ai import LLMClient
from evals.ai.run import load_set, run_edits, run_prompts
from evals.ai.scorer import Report
from tests.ai.fake_model import offline_model
from tests.ai.fake_openai import FakeOpenAI

PROMPTS = load_set("prompts")  # the main set and every held-out batch
EDITS = load_set("edits")
# Through the test server: every 16th case, fewer than before, so the suite takes about as long with the held-out batches offline.
STRIDE = 16


def _assert_targets(report: Report, accuracy: float) -> None:
    failures = [f"{s.case_id}: {'; '.join(s.failures)}" for s in report.scores if s.failures]
    assert report.accuracy >= accuracy, "\n".join([*report.lines(), *failures])
    assert report.valid_rate == 1.0
    assert report.data_flow_failures == 0
    mismatched = [f"{s.case_id}: {s.explanation_failures}" for s in report.scores if s.explanation_failures]
    assert mismatched == []


def test_the_set_is_as_large_as_promised_and_covers_every_kind_of_edit() -> None:
    assert len(PROMPTS) >= 150 and len(EDITS) >= 80
    kinds = {case["category"] for case in EDITS}
    assert {"replace", "add", "remove", "condition", "schedule", "trigger", "rename", "unsupported"} <= kinds
    assert len({c["id"] for c in PROMPTS}) == len(PROMPTS) and len({c["id"] for c in EDITS}) == len(EDITS)
    assert {"issue-readme-country", "issue-every-hour-form", "issue-email-address"} <= {
        c["id"] for c in PROMPTS + EDITS
    }


async def test_offline_prompts_meet_the_targets() -> None:
    _assert_targets(await run_prompts(PROMPTS, None), 0.95)


async def test_offline_edits_meet_the_targets() -> None:
    _assert_targets(await run_edits(EDITS, None), 0.90)


@pytest.mark.parametrize("kind", ["prompts", "edits"])
async def test_a_subset_through_the_openai_compatible_server(
    kind: str, fake: FakeOpenAI, make_llm: Callable[..., LLMClient]
) -> None:
    fake.responder = offline_model()
    llm = make_llm(timeout=5.0)
    if kind == "prompts":
        report = await run_prompts(PROMPTS[::STRIDE], llm)
    else:
        report = await run_edits(EDITS[::STRIDE], llm)
    _assert_targets(report, 0.90)
    asked = [r for r in fake.requests if "response_format" in r]
    assert asked and all(r["response_format"]["type"] == "json_schema" for r in asked)
    assert any(m["role"] == "tool" for r in fake.requests for m in r["messages"])  # the search tool was used
    assert any("could not be used" in (m.get("content") or "") for r in fake.requests for m in r["messages"])
