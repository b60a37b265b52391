"""Reference workflows made of the runner's built-in nodes and the template nodes a project export ships (those
that need no service of their own), run once through Blok's HTTP trigger."""

from __future__ import annotations

import json

from tests.runner.oracle import SHARED_FIXTURES
from tests.runner.predict import runs_against_stub
from tests.runner.runs import run_all, runnable
from tests.runner.stub import stub_api
from tests.runner.test_fixtures_load import _files


def test_built_in_fixtures_run_and_answer_with_the_api_reply() -> None:
    files = _files(SHARED_FIXTURES / "valid", ".json")
    with stub_api() as stub:
        docs = {}
        for path in files:
            doc = json.loads(path.read_text("utf-8"))
            if runs_against_stub(doc):
                pointed = runnable(doc, stub, path.stem.replace(".", "-"))
                assert pointed is not None, path.name
                docs[path.stem.replace(".", "-")] = pointed
        assert sorted(docs) == ["countries-vs-facts-6b1d1a0", "launches-by-year-04cb06e", "loadtest-cb3acb4"]
        runs = run_all(docs, stub)
    for key, run in runs.items():
        assert run.status == 200, (key, run.reply)
        if key == "loadtest-cb3acb4":  # one mapper step: the template node answers with its model
            assert not run.answers and run.reply == {"success": True}
            continue
        assert run.answers, f"{key} made no API call"
        assert run.reply == run.answers[-1], key
    # The if-else fixture took its else branch (the probe sends ?countries=sample, not "true"): cat facts.
    assert runs["countries-vs-facts-6b1d1a0"].answers[-1]["path"].endswith("/catfact.ninja/fact")
    # The URL's ${...} expression was evaluated by the runner before the call: the probe's ?dob=sample is no date.
    assert runs["launches-by-year-04cb06e"].answers[0]["query"] == {"format": "json", "year": "NaN"}
