"""A deterministic sample of the demo corpus through Blok's runner: load verdicts agree with `requirements`, and
the workflows it can serve as they are (built-in nodes, http trigger) answer with what the API they call returned."""

from __future__ import annotations

import json

import pytest

from blokhub.blok.requirements import PUBLISHED_RUNNER, requirements
from blokhub.seed.corpus import SeedWorkflow, generate_workflows
from tests.runner.oracle import load_all
from tests.runner.runs import run_all, runnable
from tests.runner.stub import stub_api
from tests.runner.predict import loads_in_project

SEED, SAMPLE, USERS = 20260811, 300, 40


@pytest.fixture(scope="module")
def sample() -> list[SeedWorkflow]:
    return list(generate_workflows(SEED, SAMPLE, USERS))


def test_demo_sample_load_verdicts_agree_with_requirements(sample: list[SeedWorkflow]) -> None:
    verdicts = load_all((str(w.index), json.dumps(w.definition)) for w in sample)
    disagreements = [
        (w.index, verdicts[str(w.index)].error)
        for w in sample
        if verdicts[str(w.index)].ok != loads_in_project(w.definition)
    ]
    assert not disagreements
    assert sum(v.ok for v in verdicts.values()) >= 10


def test_demo_workflows_the_published_runner_serves_answer_with_the_api_reply(sample: list[SeedWorkflow]) -> None:
    with stub_api() as stub:
        docs = {}
        for w in sample:
            if PUBLISHED_RUNNER in requirements(w.definition).values:
                pointed = runnable(w.definition, stub, f"demo-{w.index}")
                if pointed is not None:
                    docs[f"demo-{w.index}"] = pointed
        assert len(docs) >= 5
        runs = run_all(docs, stub)
    failures = {k: (r.status, r.reply) for k, r in runs.items() if r.status != 200}
    assert not failures
    answered = {k: r for k, r in runs.items() if r.answers}
    for key, run in answered.items():
        assert run.reply == run.answers[-1], key
    # The rest took no branch: an if without an else whose condition the probe request did not meet.
    for key in runs.keys() - answered.keys():
        assert runs[key].reply == "", key
        assert not _has_else(docs[key]), key
    assert len(answered) >= len(runs) - 2


def _has_else(doc: dict[str, object]) -> bool:
    return '"type": "else"' in json.dumps(doc)
