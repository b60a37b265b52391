"""Where each node comes from and which Blok lines run a workflow; the project a workflow exports to."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from blokhub.blok import BlokExportError
from blokhub.blok.lines import for_line, realign
from blokhub.blok.project import build_project
from blokhub.blok.requirements import requirements
from tests.runner.oracle import SHARED_FIXTURES

V2_FIXTURES = SHARED_FIXTURES / "v2"


def _v1(*steps: tuple[str, str], trigger: str = "http") -> dict[str, object]:
    return {
        "name": "x",
        "version": "1.0.0",
        "trigger": {trigger: {"method": "GET", "path": "/"}},
        "steps": [{"name": f"s{i}", "node": node, "type": kind} for i, (node, kind) in enumerate(steps)],
        "nodes": {},
    }


def test_origins_of_every_kind() -> None:
    found = requirements(
        _v1(
            ("@nanoservice-ts/api-call", "module"),
            ("mapper", "module"),
            ("my/node", "local"),
            ("generate-pdf", "runtime.python3"),
            ("@community/slack", "module"),
        )
    )
    assert [(n.node, n.origin) for n in found.nodes] == [
        ("@nanoservice-ts/api-call", "builtin"),
        ("mapper", "template"),
        ("my/node", "local"),
        ("generate-pdf", "python"),
        ("@community/slack", "unresolved"),
    ]
    assert found.values == (
        "needs_template_nodes",
        "needs_local_code",
        "needs_python_runtime",
        "has_unresolved_nodes",
    )
    assert found.lines == ()


def test_lines_follow_nodes_and_trigger() -> None:
    assert requirements(_v1(("@nanoservice-ts/api-call", "module"))).lines == ("nanoservice-ts",)
    assert requirements(_v1(("@blok-ts/api-call", "module"))).lines == ("blok-ts",)
    cron = requirements(_v1(("@nanoservice-ts/api-call", "module"), trigger="cron"))
    assert cron.trigger_lines == ("blokjs",) and cron.lines == ()  # no line has both
    assert cron.values == ("builtins_only",)  # built-ins, but the published runner serves http only
    assert requirements(_v1(("mapper", "module"))).lines == ("nanoservice-ts", "blok-ts")


def test_set_var_keeps_a_workflow_off_the_published_runner() -> None:
    doc = _v1(("@nanoservice-ts/api-call", "module"))
    assert "published_runner" in requirements(doc).values
    doc["steps"][0]["set_var"] = True  # type: ignore[index]
    assert requirements(doc).values == ("builtins_only",)
    blokjs = _v1(("@blokjs/api-call", "module"))
    assert requirements(blokjs).lines == ("blokjs",)
    blokjs["steps"][0]["set_var"] = True  # type: ignore[index]
    assert requirements(blokjs).lines == ()  # the @blokjs loader refuses set_var


def test_v2_steps_are_read_at_any_depth() -> None:
    doc = {
        "schemaVersion": "2",
        "trigger": {"webhook": {}},
        "steps": [
            {"id": "a", "use": "@blokjs/api-call", "inputs": {"use": "not-a-node"}},
            {"id": "t", "tryCatch": {"try": [{"id": "b", "use": "@blokjs/expr"}], "catch": [{"id": "c", "use": "x"}]}},
        ],
    }
    found = requirements(doc)
    assert found.dialect == "v2" and found.trigger == "webhook"
    assert [(n.node, n.origin) for n in found.nodes] == [
        ("@blokjs/api-call", "builtin"),
        ("@blokjs/expr", "builtin"),
        ("x", "unresolved"),
    ]


def test_real_v2_files_resolve_to_the_blokjs_line() -> None:
    if not V2_FIXTURES.is_dir():
        pytest.skip(f"the shared fixtures are absent ({V2_FIXTURES})")
    docs = {p.name: json.loads(p.read_text()) for p in V2_FIXTURES.glob("*.json")}
    assert requirements(docs["countries.json"]).lines == ("blokjs",)
    assert all(requirements(d).dialect == "v2" for d in docs.values())


def test_a_project_is_refused_for_v2_and_deterministic_for_v1() -> None:
    with pytest.raises(BlokExportError) as refused:
        build_project({"schemaVersion": "2", "steps": [{"id": "a", "use": "@blokjs/api-call"}]}, name="a", title="A")
    assert refused.value.code == "project_needs_v1"
    doc = _v1(("@blok-ts/api-call", "module"))
    first = build_project(doc, name="demo", title="Demo").zip()
    assert first == build_project(doc, name="demo", title="Demo").zip()
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        readme = archive.read("demo/README.md").decode()
    assert "`@blok-ts/api-call` is written `@nanoservice-ts/api-call`" in readme
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        written = json.loads(archive.read("demo/workflows/json/demo.json"))
    assert written["steps"][0]["node"] == "@nanoservice-ts/api-call"


def test_for_line_renames_built_ins_and_marks_what_the_line_lacks_local() -> None:
    doc = _v1(("@nanoservice-ts/api-call", "module"), ("mapper", "module"), ("@community/slack", "module"))
    doc["nodes"] = {"s0": {"inputs": {"url": "https://example.com", "method": "GET"}}}
    blokjs = for_line(doc, "blokjs")
    assert [(s["node"], s["type"]) for s in blokjs["steps"]] == [  # type: ignore[index]
        ("@blokjs/api-call", "module"),
        ("mapper", "local"),  # deskree's template example: a blokjs project supplies it as its own code
        ("slack", "local"),  # an invented package name loses its scope: it is the user's own node
    ]
    assert requirements(blokjs).lines == ("blokjs",)
    assert blokjs["nodes"] == doc["nodes"] and doc["steps"][0]["node"] == "@nanoservice-ts/api-call"  # type: ignore[index]
    found = requirements(for_line(doc, "nanoservice-ts"))
    assert found.values == ("needs_template_nodes", "needs_local_code") and found.lines == ("nanoservice-ts",)


def test_realign_picks_a_line_that_runs_the_workflow() -> None:
    http = _v1(("@blokjs/api-call", "module"), ("mapper", "module"))
    http["steps"][0]["set_var"] = True  # type: ignore[index]
    # The @blokjs line refuses set_var: the workflow is written for the published line instead.
    assert [s["node"] for s in realign(http)["steps"]] == ["@nanoservice-ts/api-call", "mapper"]  # type: ignore[index]
    cron = _v1(("@nanoservice-ts/api-call", "module"), ("mapper", "module"), trigger="cron")
    assert [(s["node"], s["type"]) for s in realign(cron)["steps"]] == [  # type: ignore[index]
        ("@blokjs/api-call", "module"),
        ("mapper", "local"),
    ]
    assert requirements(realign(cron)).lines == ("blokjs",)
    cron["steps"][0]["set_var"] = True  # type: ignore[index]
    # Only a v2 document can say this; its names are still written for the line with a cron trigger.
    assert [s["node"] for s in realign(cron)["steps"]] == ["@blokjs/api-call", "mapper"]  # type: ignore[index]
    assert requirements(realign(cron)).lines == ()
    assert requirements(realign(_v1(("@blok-ts/if-else", "module")))).lines == ("blok-ts",)
