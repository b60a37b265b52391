"""The template example nodes a project export ships, and the node registry (`nodes.js`) that registers them.

A project made by Blok's CLI carries its template's example nodes (`mapper`, `array-map`, ...) as local code
registered beside the runner's built-ins. The published runner has none of them, so the export ships its own small
implementations of the ones workflows use (``data/project/nodes/<name>/index.js``, listed with what they need in
``data/project/template_nodes.json``). It also ships the local nodes Blok Hub's own AI generator writes into drafts
(``verify-webhook``, ``redis``, ``mysql-query``, ``s3``: names no Blok line registers, so the export marks them
``type: local``), since the hub invents them and a draft should load as exported. Each is a module whose default export is the node class, so one file serves a
step that names it as a registered module and one that loads it from ``NODES_PATH`` as ``type: local``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from blokhub.blok.requirements import node_origins


@dataclass(frozen=True, slots=True)
class TemplateNode:
    name: str
    package: str | None  # an npm driver the node loads when it first runs, which the project does not pin
    service: str | None  # what it talks to, when it needs more than the workflow's inputs to run
    origin: str = "template"  # "template": an example node of Blok's template; "hub": a local node our generator writes

    @property
    def path(self) -> str:
        return f"nodes/{self.name}/index.js"


def _data(path: str) -> str:
    return resources.files("blokhub.blok").joinpath(f"data/project/{path}").read_text("utf-8")


@cache
def template_nodes() -> dict[str, TemplateNode]:
    """Name -> the template node the export ships (every one an example node of the published line's template)."""
    raw: dict[str, Any] = json.loads(_data("template_nodes.json"))["nodes"]
    published = node_origins().template[node_origins().published_line]
    assert set(raw) <= published, set(raw) - published
    return {name: TemplateNode(name, spec.get("package"), spec.get("service")) for name, spec in sorted(raw.items())}


@cache
def hub_nodes() -> dict[str, TemplateNode]:
    """Name -> a local node Blok Hub's generator writes (no Blok line registers it) that the export ships."""
    raw: dict[str, Any] = json.loads(_data("template_nodes.json"))["local"]
    origins = node_origins()
    registered = set(origins.builtins) | set(origins.python) | {n for names in origins.template.values() for n in names}
    assert not set(raw) & registered, set(raw) & registered
    return {
        name: TemplateNode(name, spec.get("package"), spec.get("service"), "hub") for name, spec in sorted(raw.items())
    }


@cache
def shipped_nodes() -> dict[str, TemplateNode]:
    """Every node the export can ship: the template's example nodes and the hub's own local nodes."""
    return dict(sorted({**template_nodes(), **hub_nodes()}.items()))


def shipped_for(node_names: set[str]) -> list[TemplateNode]:
    """The nodes a workflow naming ``node_names`` (as modules or local nodes) needs shipped."""
    return [node for name, node in shipped_nodes().items() if name in node_names]


def node_file(node: TemplateNode) -> bytes:
    return _data(node.path).encode()


def registry_js(shipped: list[TemplateNode], nodes_dir: str = "./nodes") -> str:
    """``nodes.js``: the runner's built-ins plus ``shipped`` template nodes, keyed by the name a step gives."""
    lines = [
        '// The node registry: the key a workflow step names in `node` (type "module") -> a node instance, as in',
        "// Blok's src/Nodes.ts. The runner's built-ins come from npm; the template's example nodes this workflow uses",
        "// and the local nodes Blok Hub's generator wrote into it are in nodes/<name> (written for this export).",
        "// Register other npm or template nodes here.",
        '"use strict";',
        "",
    ]
    builtins = node_origins().published_builtins()
    entries: list[str] = []
    modules = [(name, builtins[name].get("package", name)) for name in sorted(builtins)]
    modules += [(node.name, f"{nodes_dir}/{node.name}") for node in shipped]
    for name, module in modules:
        constant = _class_name(name)
        lines.append(f"const {constant} = require({json.dumps(module)}).default;")
        entries.append(f"  {json.dumps(name)}: new {constant}(),")
    return "\n".join([*lines, "", "module.exports = {", *entries, "};", ""])


def _class_name(node: str) -> str:
    """ "@nanoservice-ts/api-call" -> "ApiCallNode" (the suffix keeps `error` from shadowing JavaScript's Error)."""
    return "".join(part.capitalize() for part in node.rsplit("/", 1)[-1].split("-")) + "Node"
