"""Every reference workflow through Blok's own loader: its verdict must agree with what `requirements` says.

The published runner (@nanoservice-ts/runner 0.1.14) reads JSON only; with a project export's registry (its line's
built-in nodes plus the template example nodes the export ships) a v1 workflow loads exactly when all its nodes are
among those; other template, local, Python and unresolved nodes are refused with the node's name. v2 files are
outside that runner's dialect.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blokhub.blok.requirements import requirements
from tests.runner.oracle import SHARED_FIXTURES, load_all
from tests.runner.predict import loads_in_project, provided

VALID = SHARED_FIXTURES / "valid"
V2 = SHARED_FIXTURES / "v2"


def _files(folder: Path, suffix: str) -> list[Path]:
    if not folder.is_dir():
        pytest.skip(f"the shared fixtures are absent ({folder})")
    return sorted(p for p in folder.iterdir() if p.suffix == suffix)


def test_every_v1_fixture_gets_the_verdict_requirements_predict() -> None:
    files = _files(VALID, ".json")
    verdicts = load_all((p.name, p.read_text("utf-8")) for p in files)
    assert len(verdicts) == len(files) >= 15
    for path in files:
        doc = json.loads(path.read_text("utf-8"))
        verdict = verdicts[path.name]
        assert verdict.ok == loads_in_project(doc), (path.name, verdict)
        if verdict.ok:
            assert verdict.steps == len(doc["steps"])
        else:
            # The runner names what it could not resolve, and requirements lists it as not built in.
            missing = {n.node for n in requirements(doc).nodes if not provided(n)}
            assert verdict.error is not None
            assert any(name in verdict.error for name in missing) or "runtime.python3" in verdict.error, verdict.error
    loaded = sorted(k for k, v in verdicts.items() if v.ok)
    assert loaded == [
        "countries-vs-facts-6b1d1a0.json",
        "films-e318b92.json",  # postgres-query, shipped by the export
        "launches-by-year-04cb06e.json",
        "loadtest-cb3acb4.json",  # mapper, shipped by the export
    ]


def test_the_published_runner_refuses_v2_files_it_cannot_read() -> None:
    files = _files(V2, ".json")
    verdicts = load_all((p.name, p.read_text("utf-8")) for p in files)
    # v2 steps name their node in `use`, which the v1 loader does not read: no v2 file loads there, and
    # requirements places every one of them on the @blokjs line only.
    assert not [k for k, v in verdicts.items() if v.ok]
    for path in files:
        assert requirements(json.loads(path.read_text("utf-8"))).lines in ((), ("blokjs",)), path.name
