"""GET /workflows/{id}/project.zip: unpack it, `npm install`, `PORT=n npm start`, call the workflow."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import httpx

from blokhub.blok import parse
from blokhub.blok.project import build_project
from blokhub.blok.project_nodes import shipped_nodes
from blokhub.blok.requirements import requirements
from tests.conftest import Account, assert_error
from tests.runner.oracle import NODE_DIR, SHARED_FIXTURES, free_port, load_projects, wait_for_port
from tests.runner.predict import loads_in_project
from tests.runner.stub import stub_api
from tests.runner.test_fixtures_load import _files

W = "/api/v1/workflows"


def _greeting(stub: str) -> dict[str, Any]:
    api = {"node": "@nanoservice-ts/api-call", "type": "module"}
    return {
        "name": "Greeting relay",
        "description": "Greets Ada through one API and everyone else through another.",
        "version": "1.0.0",
        "trigger": {"http": {"method": "GET", "path": "/:name"}},
        "steps": [{"name": "route", "node": "@nanoservice-ts/if-else", "type": "module"}],
        "nodes": {
            "route": {
                "conditions": [
                    {
                        "type": "if",
                        "condition": "ctx.request.params.name === 'ada'",
                        "steps": [{"name": "greet", **api}],
                    },
                    {
                        "type": "else",
                        "steps": [{"name": "other", **api}, {"name": "reply", "node": "mapper", "type": "module"}],
                    },
                ]
            },
            "greet": {"inputs": {"url": f"{stub}/greet/${{ctx.request.params.name}}?lang=en", "method": "GET"}},
            "other": {
                "inputs": {
                    "url": f"{stub}/other",
                    "method": "POST",
                    "headers": {"Content-Type": "application/json", "X-Token": "${ctx.env.GREETER_TOKEN}"},
                    "body": {"who": "${ctx.request.params.name}"},
                }
            },
            # The template's mapper, which the export ships: it answers with the greeting API's call number.
            "reply": {
                "inputs": {"model": {"greeted": "${ctx.request.params.name}", "call": "js/ctx.response.data.stub"}}
            },
        },
    }


async def _download(account: Account, workflow_id: int) -> bytes:
    r = await account.get(f"{W}/{workflow_id}/project.zip")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    data: bytes = r.content
    return data


async def test_the_exported_project_installs_starts_and_serves_the_workflow(alice: Account, tmp_path: Path) -> None:
    with stub_api() as stub:
        r = await alice.post(W, json={"definition": _greeting(stub.base), "visibility": "private"})
        assert r.status_code == 201, r.text
        created = r.json()
        slug = created["slug"]
        data = await _download(alice, created["id"])
        assert data == await _download(alice, created["id"])  # the same workflow, the same bytes

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = sorted(archive.namelist())
            archive.extractall(tmp_path)
        assert names == sorted(
            f"{slug}/{n}"
            for n in (
                "README.md",
                "nodes.js",
                "nodes/mapper/index.js",
                "package-lock.json",
                "package.json",
                "server.js",
                f"workflows/json/{slug}.json",
            )
        )
        project = tmp_path / slug
        assert json.loads((project / f"workflows/json/{slug}.json").read_text()) == created["definition"]
        package = json.loads((project / "package.json").read_text())
        assert package["scripts"]["start"] == "node server.js"
        oracle = json.loads((NODE_DIR / "package.json").read_text())
        assert package["dependencies"] == oracle["dependencies"]  # what the suite's runner judged
        oracle_lock = json.loads((NODE_DIR / "package-lock.json").read_text())
        lock = json.loads((project / "package-lock.json").read_text())
        assert {k: v for k, v in lock["packages"].items() if k} == {
            k: v for k, v in oracle_lock["packages"].items() if k
        }
        readme = (project / "README.md").read_text()
        assert f"GET http://127.0.0.1:3000/{slug}/:name" in readme and "`GREETER_TOKEN`" in readme
        assert "| `mapper` | module | template | the template's `mapper`, shipped in `nodes/mapper/index.js`" in readme
        assert "nothing else to install" in readme

        install = subprocess.run(
            ["npm", "install", "--prefer-offline", "--no-audit", "--no-fund"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert install.returncode == 0, install.stderr
        port = free_port()
        server = subprocess.Popen(
            ["npm", "start"],
            cwd=project,
            env={**os.environ, "PORT": str(port), "GREETER_TOKEN": "t0ken"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # npm starts node as a child: stop the whole group afterwards
        )
        try:
            wait_for_port(port, server)
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
                ada = await http.get(f"/{slug}/ada")
                bob = await http.get(f"/{slug}/bob")
                wrong_method = await http.post(f"/{slug}/ada")
                missing = await http.get("/no-such-workflow/ada")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)

    assert ada.status_code == 200, ada.text
    assert ada.json() == stub.calls[0]
    assert stub.calls[0]["method"] == "GET" and stub.calls[0]["path"] == "/greet/ada"
    assert stub.calls[0]["query"] == {"lang": "en"}
    assert bob.status_code == 200, bob.text
    assert bob.json() == {"greeted": "bob", "call": 2} and stub.calls[1]["body"] == {"who": "bob"}
    assert len(stub.calls) == 2
    assert wrong_method.status_code == 500 and wrong_method.json() == {"error": "Invalid HTTP method"}
    assert missing.status_code == 500 and "Workflow not found" in missing.json()["error"]


async def test_the_readme_lists_what_the_project_still_needs(alice: Account, bob: Account) -> None:
    doc = json.loads((Path(__file__).parents[1] / "fixtures/blok-workflows/valid/weather-132367d.json").read_text())
    r = await alice.post(W, json={"definition": doc, "visibility": "private"})
    assert r.status_code == 201, r.text
    with zipfile.ZipFile(io.BytesIO(await _download(alice, r.json()["id"]))) as archive:
        readme = archive.read(f"{r.json()['slug']}/README.md").decode()
    assert "| `mastra-agent` | module | template |" in readme
    # No Blok line registers react-js: the project marks it local, says so, and says where the code goes.
    assert "`react-js` is marked `type: local`" in readme
    assert "| `react-js` | local | local | your own code: put it at `nodes/react-js`" in readme
    assert_error(await bob.get(f"{W}/{r.json()['id']}/project.zip"), 404)  # private: only its owner


def test_every_fixture_project_loads_with_its_own_registry_as_requirements_predict(tmp_path: Path) -> None:
    """The project's workflow file is the hub's, rewritten for the published runner: other lines' built-in names
    become its own, so more fixtures run from a project than as uploaded. Each project is judged with its own
    nodes.js and nodes/ (the template nodes it ships), and the runner agrees with requirements."""
    folder = SHARED_FIXTURES / "valid"
    files = [p for p in _files(folder, ".json")] + sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.toml"))
    written: dict[str, dict[str, Any]] = {}
    projects: dict[str, Path] = {}
    for path in files:
        doc = parse(path.read_text("utf-8"), path.suffix.lstrip(".")).document
        project = build_project(doc, name="w", title=path.stem)
        written[path.name] = json.loads(project.files["workflows/json/w.json"])
        projects[path.name] = unpack(project.files, tmp_path / path.name)
    verdicts = load_projects(projects)
    for key, doc in written.items():
        assert verdicts[key].ok == loads_in_project(doc), (key, verdicts[key])
        shipped = sorted(p.parent.name for p in (projects[key] / "nodes").glob("*/index.js"))
        used = {n.node for n in requirements(doc).nodes if n.type in ("module", "local")}
        assert shipped == sorted(used & set(shipped_nodes())), key  # what it uses, nothing more
    assert sorted(k for k, v in verdicts.items() if v.ok) == [
        "countries-12c01e4.toml",
        "countries-bb82820.yaml",
        "countries-vs-facts-6b1d1a0.json",
        "films-e318b92.json",  # postgres-query, shipped in nodes/ (it needs `npm install pg` to run)
        "launches-by-year-04cb06e.json",
        "loadtest-cb3acb4.json",  # mapper, shipped in nodes/
        "mcp-test-3be7903.json",  # @blok-ts/api-call, written @nanoservice-ts/api-call in the project
    ]


def unpack(files: dict[str, bytes], folder: Path) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder
