"""Runs the evaluation set through blokhub's generator (any provider) and scores it with ``evals.ai.scorer``.

The product is used as a client would: ``blokhub.ai.generate`` with the configured model (or none: offline), the
draft checked by ``blokhub.blok.validate``. Edits replay the conversation: the base prompt, earlier messages, then
the edit, each applied to the previous draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from blokhub.ai import GenerationError, GenerationRequest, GroundingExample, LLMClient, generate
from blokhub.blok import validate
from evals.ai.scorer import Draft, Report, Score, score

HERE = Path(__file__).resolve().parent


def load(name: str) -> list[dict[str, Any]]:
    cases = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    assert isinstance(cases, list)
    return cases


def load_set(kind: str) -> list[dict[str, Any]]:
    """The whole set of one kind ("prompts" or "edits"): the main file, then every held-out batch file after it."""
    cases = load(f"{kind}.yaml")
    for path in sorted(HERE.glob(f"{kind}_heldout_*.yaml")):
        cases += load(path.name)
    return cases


async def no_examples(query: str) -> list[GroundingExample]:
    """The search tool outside the product: there is no corpus here, so it finds nothing (the call still happens)."""
    return []


async def draft(prompt: str, current: dict[str, Any] | None, llm: LLMClient | None) -> Draft:
    try:
        result = await generate(GenerationRequest(prompt=prompt, current=current), llm=llm, search=no_examples)
    except GenerationError as exc:
        return Draft({}, "", False, f"{exc.code}: {exc.message}")
    return Draft(result.workflow, result.explanation, validate(result.workflow).valid)


async def run_prompts(cases: Sequence[dict[str, Any]], llm: LLMClient | None) -> Report:
    scores: list[Score] = []
    for case in cases:
        scores.append(score(case, await draft(case["prompt"], None, llm)))
    return Report("prompts", scores)


async def run_edits(cases: Sequence[dict[str, Any]], llm: LLMClient | None) -> Report:
    scores: list[Score] = []
    for case in cases:
        base = await draft(case["base"], None, llm)
        for message in case.get("before", []):
            if base.error is None:
                base = await draft(message, base.workflow, llm)
        if base.error is not None:
            scores.append(score(case, Draft({}, "", False, f"the base draft failed: {base.error}")))
            continue
        edited = await draft(case["edit"], base.workflow, llm)
        scores.append(score(case, edited, base.workflow))
    return Report("edits", scores)
