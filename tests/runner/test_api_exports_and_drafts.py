"""What users take away from the hub, judged by Blok's runner: JSON exports of every reference workflow, YAML and
TOML exports brought back through import, and AI drafts from the offline generator saved and exported as projects.

The published runner reads JSON files only, so YAML/TOML exports are judged by importing them again and loading the
JSON export of the result: the runner must give the same verdict as for the original.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from tests.ai.prompts_offline import CASES
from tests.conftest import Account
from tests.runner.judge import judge
from tests.runner.oracle import SHARED_FIXTURES, load_all, load_projects
from tests.runner.predict import loads_in_project, why_not_loaded
from tests.runner.test_fixtures_load import _files

FORMATS = {".json": "json", ".yaml": "yaml", ".toml": "toml"}
W = "/api/v1/workflows"


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
    # two JSON fixtures of built-ins, two of shipped template nodes, the YAML and the TOML one, each via 3 formats
    assert sum(expected.values()) == 6 * 3

    tally = judge("exports", {key: json.loads(text) for key, text in exported.items()})
    print(tally.line())
    assert not tally.problems
    assert tally.served == 5 * 3  # films needs PostgreSQL: loaded, not run
    assert tally.answered == tally.served


async def test_ai_drafts_saved_and_exported_as_projects_load_and_run(alice: Account, tmp_path: Path) -> None:
    """A user's path: generate a draft, save it, download its project.zip; the runner loads the project's workflow
    with the project's own registry, as requirements predict, and the drafts that can run here answer as written."""
    drafts: dict[str, dict[str, Any]] = {}
    projects: dict[str, Path] = {}
    for index, case in enumerate(CASES):
        r = await alice.post("/api/v1/ai/generate", json={"prompt": case.prompt})
        assert r.status_code == 200, r.text
        assert r.json()["provider"] == "offline"
        created = await alice.post(W, json={"definition": r.json()["workflow"], "visibility": "private"})
        assert created.status_code == 201, created.text
        download = await alice.get(f"{W}/{created.json()['id']}/project.zip")
        assert download.status_code == 200, download.text
        with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
            archive.extractall(tmp_path / f"draft-{index}")
        (projects[f"draft-{index}"],) = (tmp_path / f"draft-{index}").iterdir()
        (workflow,) = (projects[f"draft-{index}"] / "workflows" / "json").glob("*.json")
        drafts[f"draft-{index}"] = json.loads(workflow.read_text("utf-8"))
    verdicts = load_projects(projects)
    disagreements = {k: verdicts[k].error for k, doc in drafts.items() if verdicts[k].ok != loads_in_project(doc)}
    assert not disagreements
    refused = {why_not_loaded(doc) for key, doc in drafts.items() if not verdicts[key].ok}
    assert refused <= {"local code", "Python runtime node"}  # code the user supplies, never a name nobody has

    tally = judge("AI drafts via the API, project export", drafts)
    print(tally.line())
    assert not tally.problems
    assert tally.loaded == sum(v.ok for v in verdicts.values()) >= len(drafts) // 2
    assert tally.answered == tally.served + tally.fired >= len(drafts) // 3
