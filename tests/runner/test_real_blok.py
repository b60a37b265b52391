"""The demo corpus and AI drafts speak real Blok: every node name resolves (a runner built-in, a template example,
a real npm package, a Python runtime node or a local node marked as such), and a Blok line runs the trigger.

One exception remains: a cron or manual trigger (only the @blokjs line has one) together with v1's `set_var` (which
the @blokjs loader refuses) is something only a v2 document can say. Half of those lineages are written as v2 in
the corpus (655 of 2000 waited before it carried v2; about 320 still do), the rest stay v1 as their authors wrote them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from blokhub.blok.requirements import requirements
from blokhub.blok.walk import iter_steps
from blokhub.seed.corpus import generate_workflows
from tests.runner.drafts import offline_drafts

SEED, COUNT, USERS = 20260811, 2000, 100
CLI_SEED = 42  # `blokhub seed` default


def _awaits_v2(doc: dict[str, Any]) -> bool:
    found = requirements(doc)
    return found.trigger in ("cron", "manual") and any(ref.step.get("set_var") for ref in iter_steps(doc))


def _problems(doc: dict[str, Any]) -> list[str]:
    found = requirements(doc)
    problems = [f"{n.node} ({n.type}) resolves nowhere" for n in found.nodes if n.origin == "unresolved"]
    if not found.lines and not _awaits_v2(doc):
        problems.append(f"no Blok line runs it (trigger {found.trigger}, lines for it {found.trigger_lines})")
    return problems


def test_every_demo_workflow_names_nodes_that_resolve_and_a_line_runs_it() -> None:
    """2,000 workflows at the suite's seed and 1,000 at the CLI's default seed."""
    corpus = list(generate_workflows(SEED, COUNT, USERS))
    default = list(generate_workflows(CLI_SEED, 1000, 50))  # what `blokhub seed` loads by default, and more
    assert not {w.index: p for w in default if (p := _problems(w.definition))}
    problems = {w.index: p for w in corpus if (p := _problems(w.definition))}
    assert not problems
    lines = Counter(line for w in corpus for line in requirements(w.definition).lines[:1])
    # Every line is represented; http workflows keep their era's names where that line runs them.
    assert set(lines) == {"nanoservice-ts", "blok-ts", "blokjs"}, lines
    waiting = sum(_awaits_v2(w.definition) for w in corpus)
    assert waiting < COUNT * 0.2
    v2 = [w for w in corpus if requirements(w.definition).dialect == "v2"]
    assert 0.15 * COUNT <= len(v2) <= 0.27 * COUNT
    assert all(requirements(w.definition).lines == ("blokjs",) for w in v2)  # every v2 workflow has a line to run on


def test_every_ai_draft_names_nodes_that_resolve_and_a_line_runs_it() -> None:
    """The batch of offline drafts (the suite's prompts and the evaluation set's; the API path is exercised by
    tests/runner/test_api_exports_and_drafts.py)."""
    drafts = offline_drafts()
    assert len(drafts) >= 250
    problems = {key: found for key, doc in drafts.items() if (found := _problems(doc))}
    assert not problems
