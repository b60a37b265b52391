"""A minimal Blok project for one workflow, as a zip: `npm install && PORT=3000 npm start` serves it.

The project pins Blok's published runner and built-in nodes (the same lock the test suite installs), carries a
small HTTP trigger (`server.js`, routed like Blok's: `/<workflow name>/<path>`), the node registry (`nodes.js`),
the template example nodes the workflow uses that Blok Hub ships (`nodes/<name>/index.js`, see `project_nodes`),
the workflow as `workflows/json/<name>.json` and a README that says what else the workflow needs: other template
example nodes, local code, a Python runtime, drivers, environment variables.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from importlib import resources
from typing import Any

from blokhub.blok.errors import BlokExportError, Issue
from blokhub.blok.lines import for_line
from blokhub.blok.project_nodes import TemplateNode, node_file, registry_js, shipped_for, shipped_nodes
from blokhub.blok.requirements import NodeNeed, Requirements, node_origins, requirements, uses_vars
from blokhub.blok.walk import iter_steps

# Zip entries carry this date so the same workflow always gives the same bytes.
_EPOCH = (1980, 1, 1, 0, 0, 0)
_ENV = re.compile(r"ctx\.env\.([A-Za-z_][A-Za-z0-9_]*)")
_HOW: dict[str, str] = {
    "builtin": "installed by `npm install` and registered in `nodes.js`",
    "template": "an example node of Blok's project template that this export does not ship: copy it from a project "
    "made with `nanoctl create project` (with examples) into this project and register it in `nodes.js`",
    "npm": "an npm package: `npm install` it and register it in `nodes.js`",
    "local": "your own code: put it at `nodes/{node}` (a module whose default export is the node class)",
    "python": "a node of Blok's Python runtime (runtimes/python3), which the published runner does not start: Blok Hub "
    "does not ship Python nodes; run it in that runtime or replace it with a Node.js step",
    "unresolved": "no Blok line registers this name: write the node, or replace it with one that exists",
}


@dataclass(frozen=True, slots=True)
class Project:
    name: str  # the workflow file stem and the first URL segment
    files: dict[str, bytes]

    def zip(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path, data in sorted(self.files.items()):
                info = zipfile.ZipInfo(f"{self.name}/{path}", date_time=_EPOCH)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        return buffer.getvalue()


def _template(name: str) -> str:
    return resources.files("blokhub.blok").joinpath(f"data/project/{name}").read_text("utf-8")


def build_project(definition: dict[str, Any], *, name: str, title: str, description: str = "") -> Project:
    """The project files; raises BlokExportError for a workflow the published runner cannot read (v2)."""
    if requirements(definition).dialect != "v1":
        raise BlokExportError(
            [
                Issue(
                    "project_needs_v1",
                    "A v2 workflow needs the @blokjs runner, which is not published on npm; export it as v1 to run "
                    "it with the published runner.",
                    "/steps",
                )
            ]
        )
    # Written for the published runner: other lines' built-in names become its own, unknown modules local nodes.
    original = definition
    definition = for_line(definition, node_origins().published_line)
    found = requirements(definition)
    runner = node_origins().published_runner()
    builtins = node_origins().published_builtins()
    lock = json.loads(_template("package-lock.json"))
    dependencies = dict(sorted(lock["packages"][""]["dependencies"].items()))
    lock["name"] = lock["packages"][""]["name"] = name
    package = {
        "name": name,
        "version": "1.0.0",
        "private": True,
        "description": f"Blok project serving the workflow '{title}'"[:200],
        "scripts": {"start": "node server.js"},
        "engines": {"node": ">=18.0.0"},
        "dependencies": dependencies,
    }
    assert dependencies[runner["package"]] == runner["version"]
    assert all(dependencies[n] == e["version"] for n, e in builtins.items())
    shipped = shipped_for({n.node for n in found.nodes if n.type in ("module", "local")})
    changes = _changes(original, definition)
    return Project(
        name,
        {
            "package.json": _json(package),
            "package-lock.json": _json(lock),
            "server.js": _template("server.js").encode(),
            "nodes.js": registry_js(shipped).encode(),
            **{node.path: node_file(node) for node in shipped},
            f"workflows/json/{name}.json": _json(definition),
            "README.md": _readme(definition, name, title, description, found, dependencies, changes, shipped).encode(),
        },
    )


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()


def _request_line(definition: dict[str, Any], name: str) -> str | None:
    trigger = definition.get("trigger")
    http = trigger.get("http") if isinstance(trigger, dict) else None
    if not isinstance(http, dict):
        return None
    method = str(http.get("method") or "GET").upper()
    path = str(http.get("path") or "/")
    path = "" if path == "/" else path
    return f"{'GET' if method in ('*', 'ANY') else method} http://127.0.0.1:3000/{name}{path}"


def _node_row(need: NodeNeed, shipped: dict[str, TemplateNode]) -> str:
    how = _HOW[need.origin].format(node=need.node)
    node = shipped.get(need.node)
    if node is not None:
        kind = "the template's" if need.origin == "template" else "an implementation of the template's"
        if node.origin == "hub":
            kind = "Blok Hub's implementation of the local node its AI generator writes,"
        how = f"{kind} `{node.name}`, shipped in `{node.path}` (written for this export)"
        if need.type == "module":
            how += " and registered in `nodes.js`"
        if node.package:
            how += f"; it needs `npm install {node.package}`"
        if node.service:
            how += f"; it talks to {node.service}"
        return f"| `{need.node}` | {need.type} | {need.origin} | {how} |"
    if need.origin == "local" and need.type == "runtime.python3":
        how = (
            "your own node for Blok's Python runtime (runtimes/python3/nodes), which the published runner does not "
            "start: Blok Hub does not ship Python nodes"
        )
    if need.origin == "builtin" and node_origins().published_line not in need.lines:
        published = node_origins().published_builtins()
        twin = next((name for name in published if name.rsplit("/", 1)[-1] == need.node.rsplit("/", 1)[-1]), None)
        instead = f"rename it to `{twin}`" if twin else "write it"
        how = f"a built-in of the {', '.join(need.lines)} line, not published on npm: {instead} or register it in `nodes.js`"
    return f"| `{need.node}` | {need.type} | {need.origin} | {how} |"


def _whose(node: TemplateNode) -> str:
    return "the template's" if node.origin == "template" else "the local"


def _changes(original: dict[str, Any], adapted: dict[str, Any]) -> list[str]:
    """What `for_line` changed, in words, one line per node name."""
    before = {ref.pointer: ref.step for ref in iter_steps(original)}
    out: dict[str, str] = {}
    for ref in iter_steps(adapted):
        old = before.get(ref.pointer, {})
        node, old_node = ref.step.get("node"), old.get("node")
        local = ref.step.get("type") != old.get("type")
        # a local node Blok Hub's generator writes is shipped in nodes/; any other is the user's code
        whose = f"this export ships it in `nodes/{node}`" if node in shipped_nodes() else "it is your code"
        if node != old_node and local:
            out[f"{old_node}"] = (
                f"`{old_node}` is written `{node}` with `type: local`: no Blok line registers it; {whose}"
            )
        elif node != old_node:
            out[f"{old_node}"] = f"`{old_node}` is written `{node}`, its name in the published runner"
        elif local:
            out[f"{node}"] = f"`{node}` is marked `type: local`: no Blok line registers it; {whose}"
    return list(out.values())


def _readme(
    definition: dict[str, Any],
    name: str,
    title: str,
    description: str,
    found: Requirements,
    dependencies: dict[str, str],
    changes: list[str],
    shipped: list[TemplateNode],
) -> str:
    lines = [f"# {title}", ""]
    if description:
        lines += [description, ""]
    lines += [
        "A minimal [Blok](https://github.com/deskree-inc/blok) project exported from Blok Hub. It runs the workflow "
        f"`workflows/json/{name}.json` with Blok's published runner and built-in nodes:",
        "",
        *(f"- `{package}` {version}" for package, version in dependencies.items()),
        "",
        "## Run",
        "",
        "```sh",
        "npm install",
        "PORT=3000 npm start",
        "```",
        "",
    ]
    request = _request_line(definition, name)
    if request is not None:
        lines += [
            "As in Blok's HTTP trigger, the first URL segment names the workflow file and the rest of the path must "
            "match the workflow's `trigger.http.path`:",
            "",
            "```",
            request,
            "```",
            "",
        ]
    else:
        lines += [
            f"This workflow's trigger is `{found.trigger}`; `server.js` serves http triggers only "
            f"(Blok lines with a `{found.trigger}` trigger: {', '.join(found.trigger_lines) or 'none'}).",
            "",
        ]
    if changes:
        lines += ["## Changes from the workflow on Blok Hub", ""]
        lines += [f"- {change}" for change in changes] + [""]
    env = sorted(set(_ENV.findall(json.dumps(definition))))
    if env:
        lines += ["## Environment", "", "The workflow reads these environment variables:", ""]
        lines += [f"- `{variable}`" for variable in env] + [""]
    lines += ["## Nodes", "", "| node | type | origin | how to provide it |", "| --- | --- | --- | --- |"]
    by_name = {node.name: node for node in shipped}
    lines += [_node_row(need, by_name) for need in found.nodes] + [""]
    if "published_runner" in found.values:
        lines += ["Every node is a built-in of the published runner: nothing else to install.", ""]
    elif all(n.node in by_name or n.origin == "builtin" for n in found.nodes) and not any(n.package for n in shipped):
        lines += ["Every node is a built-in or shipped in `nodes/`: nothing else to install.", ""]
    elif uses_vars(definition):
        lines += [
            "The workflow stores or reads `ctx.vars` (`set_var`), which the published runner "
            f"{node_origins().published_runner()['version']} does not implement yet.",
            "",
        ]
    lines += [
        "## Files",
        "",
        "- `server.js`: the HTTP trigger (Node's http module; the workflow is loaded on every request, so edits "
        "apply without a restart)",
        "- `nodes.js`: the node registry (step `node` name -> node instance)",
        *(f"- `{node.path}`: {_whose(node)} `{node.name}` node, written for this export" for node in shipped),
        f"- `workflows/json/{name}.json`: the workflow",
        "- `nodes/`: local nodes (`type: local`), if the workflow has any",
        "",
    ]
    return "\n".join(lines)
