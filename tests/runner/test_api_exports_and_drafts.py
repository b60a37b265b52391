"""What users take away from the hub, judged by Blok's runner: JSON exports of every reference workflow, YAML and
TOML exports brought back through import, and AI drafts from the offline generator.

The published runner reads JSON files only, so YAML/TOML exports are judged by importing them again and loading the
JSON export of the result: the runner must give the same verdict as for the original.
"""

from __future__ import annotations

import json
from typing import Any

from blokhub.blok.requirements import PUBLISHED_RUNNER, requirements
from tests.ai.prompts_offline import CASES
from tests.conftest import Account
from tests.runner.oracle import SHARED_FIXTURES, load_all
from tests.runner.runs import run_all, runnable
from tests.runner.stub import stub_api
from tests.runner.predict import loads_in_project
from tests.runner.test_fixtures_load import _files

FORMATS = {".json": "json", ".yaml": "yaml", ".toml": "toml"}


async def _export(account: Account, workflow_id: int, fmt: str) -> str:
    r = await account.get(f"/api/v1/workflows/{workflow_id}/export", params={"format": fmt})
    assert r.status_code == 200, r.text
    text: str = r.text
    return text


async def _create(account: Account, source: str, fmt: str) -> dict[str, Any]:
    r = await account.post("/api/v1/workflows", json={"source": source, "format": fmt, "visibility": "private"})
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_exports_load_and_run_like_the_originals(alice: Account) -> None:
    files = [p for p in _files(SHARED_FIXTURES / "valid", ".json") if p.suffix in FORMATS]
    files += [p for p in (SHARED_FIXTURES / "valid").iterdir() if p.suffix in (".yaml", ".toml")]
    exported: dict[str, str] = {}
    expected: dict[str, bool] = {}
    for path in files:
        created = await _create(alice, path.read_text("utf-8"), FORMATS[path.suffix])
        text = await _export(alice, created["id"], "json")
        assert json.loads(text) == created["definition"]
        exported[path.name] = text
        expected[path.name] = loads_in_project(created["definition"])
        for fmt in ("yaml", "toml"):  # the other formats, back through import, then JSON for the runner
            again = await _create(alice, await _export(alice, created["id"], fmt), fmt)
            assert again["definition"] == created["definition"], (path.name, fmt)
            exported[f"{path.name}->{fmt}"] = await _export(alice, again["id"], "json")
            expected[f"{path.name}->{fmt}"] = expected[path.name]
    verdicts = load_all(exported.items())
    assert {k: v.ok for k, v in verdicts.items()} == expected
    assert sum(expected.values()) == 4 * 3  # two JSON fixtures, the YAML and the TOML one, each via 3 formats

    with stub_api() as stub:
        docs = {}
        for index, (key, text) in enumerate(sorted(exported.items())):
            doc = json.loads(text)
            if PUBLISHED_RUNNER in requirements(doc).values:
                pointed = runnable(doc, stub, f"export-{index}")
                assert pointed is not None, key
                docs[f"export-{index}"] = pointed
        runs = run_all(docs, stub)
    assert len(runs) == 12
    for key, run in runs.items():
        assert run.status == 200 and run.answers and run.reply == run.answers[-1], (key, run.reply)


async def test_ai_drafts_get_the_verdict_requirements_predict(alice: Account) -> None:
    drafts: dict[str, dict[str, Any]] = {}
    for index, case in enumerate(CASES):
        r = await alice.post("/api/v1/ai/generate", json={"prompt": case.prompt})
        assert r.status_code == 200, r.text
        assert r.json()["provider"] == "offline"
        drafts[f"draft-{index}"] = r.json()["workflow"]
    verdicts = load_all((key, json.dumps(doc)) for key, doc in drafts.items())
    disagreements = {
        key: verdicts[key].error for key, doc in drafts.items() if verdicts[key].ok != loads_in_project(doc)
    }
    assert not disagreements

    with stub_api() as stub:
        docs = {}
        for key, doc in drafts.items():
            if PUBLISHED_RUNNER in requirements(doc).values:
                pointed = runnable(doc, stub, key)
                if pointed is not None:
                    docs[key] = pointed
        runs = run_all(docs, stub)
    for key, run in runs.items():
        assert run.status == 200, (key, run.reply)
        if run.answers:
            assert run.reply == run.answers[-1], key
    print(
        f"AI drafts: {len(drafts)} generated, {sum(v.ok for v in verdicts.values())} load on the published runner, "
        f"{len(runs)} run"
    )
