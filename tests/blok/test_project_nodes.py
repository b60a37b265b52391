"""The template example nodes a project export ships (without Node.js: tests/runner loads and runs them)."""

from __future__ import annotations

import json
from typing import Any

from blokhub.blok.project import build_project
from blokhub.blok.project_nodes import hub_nodes, node_file, registry_js, template_nodes
from blokhub.blok.requirements import node_origins


def _workflow(*steps: tuple[str, str]) -> dict[str, Any]:
    return {
        "name": "Shipped nodes",
        "version": "1.0.0",
        "trigger": {"http": {"method": "POST", "path": "/"}},
        "steps": [{"name": f"s{i}", "node": node, "type": kind} for i, (node, kind) in enumerate(steps)],
        "nodes": {f"s{i}": {"inputs": {}} for i in range(len(steps))},
    }


def test_every_shipped_node_is_a_published_template_node_with_its_code() -> None:
    published = node_origins().template[node_origins().published_line]
    assert {"mapper", "array-map", "error", "memory-storage", "openai", "postgres-query"} <= set(template_nodes())
    for name, node in template_nodes().items():
        assert name in published
        code = node_file(node).decode()
        assert '"__esModule"' in code and "exports.default =" in code, name  # a module and a local node alike


def test_the_export_ships_and_registers_only_the_template_nodes_the_workflow_uses() -> None:
    doc = _workflow(("@nanoservice-ts/api-call", "module"), ("mapper", "module"), ("postgres-query", "local"))
    files = build_project(doc, name="w", title="Shipped").files
    shipped = sorted(path for path in files if path.startswith("nodes/"))
    assert shipped == ["nodes/mapper/index.js", "nodes/postgres-query/index.js"]
    registry = files["nodes.js"].decode()
    assert '"mapper": new MapperNode()' in registry and 'require("./nodes/mapper")' in registry
    assert '"@nanoservice-ts/api-call": new ApiCallNode()' in registry
    assert "postgres-query" in registry  # registered too: a later edit may name it as a module
    readme = files["README.md"].decode()
    assert "| `mapper` | module | template | the template's `mapper`, shipped in `nodes/mapper/index.js`" in readme
    assert "`nodes/postgres-query/index.js`" in readme and "`npm install pg`" in readme
    assert "nothing else to install" not in readme  # pg is not pinned
    assert json.loads(files["workflows/json/w.json"]) == doc


def test_a_workflow_of_built_ins_ships_no_template_node() -> None:
    files = build_project(_workflow(("@nanoservice-ts/api-call", "module")), name="w", title="Plain").files
    assert not [path for path in files if path.startswith("nodes/")]
    assert files["nodes.js"].decode() == registry_js([])


def test_the_local_nodes_our_generator_writes_are_shipped_with_what_they_need() -> None:
    origins = node_origins()
    registered = set(origins.builtins) | set(origins.python) | {n for names in origins.template.values() for n in names}
    assert set(hub_nodes()) == {"verify-webhook", "redis", "mysql-query", "s3"}
    assert not set(hub_nodes()) & registered  # no Blok line has them: the export marks them `type: local`
    for node in hub_nodes().values():
        code = node_file(node).decode()
        assert '"__esModule"' in code and "exports.default =" in code, node.name
        if node.package:  # loaded when the node first runs, with a clear error when missing
            assert f"run `npm install {node.package}`" in code, node.name
    assert "timingSafeEqual" in node_file(hub_nodes()["verify-webhook"]).decode()


def test_a_draft_with_generator_local_nodes_ships_them_and_says_what_to_install() -> None:
    doc = _workflow(("@community/verify-webhook", "module"), ("@blokjs/redis", "module"), ("generate-pdf", "local"))
    doc["steps"][2]["type"] = "runtime.python3"
    files = build_project(doc, name="w", title="Hub nodes").files
    shipped = sorted(path for path in files if path.startswith("nodes/"))
    assert shipped == ["nodes/redis/index.js", "nodes/verify-webhook/index.js"]
    assert '"verify-webhook": new VerifyWebhookNode()' in files["nodes.js"].decode()
    written = json.loads(files["workflows/json/w.json"])
    assert [(s["node"], s["type"]) for s in written["steps"][:2]] == [("verify-webhook", "local"), ("redis", "local")]
    readme = files["README.md"].decode()
    assert (
        "| `verify-webhook` | local | local | Blok Hub's implementation of the local node its AI generator writes, "
        "`verify-webhook`, shipped in `nodes/verify-webhook/index.js` (written for this export) |"
    ) in readme
    assert "`nodes/redis/index.js`" in readme and "`npm install ioredis`" in readme and "Redis server" in readme
    changed = "`@community/verify-webhook` is written `verify-webhook` with `type: local`: no Blok line registers it"
    assert f"{changed}; this export ships it in `nodes/verify-webhook`" in readme
    assert "| `generate-pdf` | runtime.python3 |" in readme and "Blok Hub does not ship Python nodes" in readme
