"""What a workflow needs to run: where each node comes from, and which Blok lines run it as written.

A node is one of: a runner built-in (ships with a Blok line's HTTP trigger), an example node of Blok's project
template (copied into a project created with examples, never published), an npm package, a local node (code the
user supplies: a module under NODES_PATH, or a node of its own for the Python runtime), one of Blok's Python
runtime nodes, or unresolved (a name no line registers). The table of names is data (``data/node_origins.json``);
this module only reads it. Built for both dialects: v1 steps name their node in ``node``, v2 steps in ``use`` (at
any depth: tryCatch, forEach, parallel and branch bodies).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Literal

from blokhub.blok.walk import iter_steps, iter_strings

Origin = Literal["builtin", "template", "npm", "local", "python", "unresolved"]
ORIGINS: tuple[Origin, ...] = ("builtin", "template", "npm", "local", "python", "unresolved")
# Facet values, one per kind of thing a user must supply; "builtins_only" when there is none.
NEEDS: dict[Origin, str] = {
    "template": "needs_template_nodes",
    "npm": "needs_npm_packages",
    "local": "needs_local_code",
    "python": "needs_python_runtime",
    "unresolved": "has_unresolved_nodes",
}
BUILTINS_ONLY = "builtins_only"
# Loads and runs on the published npm runner with only its built-in nodes (what project.zip serves as is).
PUBLISHED_RUNNER = "published_runner"
REQUIREMENT_VALUES: tuple[str, ...] = (BUILTINS_ONLY, PUBLISHED_RUNNER, *NEEDS.values())
_PYTHON = "runtime.python3"
_V2_LINE = "blokjs"
# Triggers the published runner's HTTP trigger (and project.zip's entry point) can serve.
_SERVED_TRIGGERS = frozenset({"http"})
# The published runner (0.1.14) predates `set_var`: it never fills ctx.vars, so a workflow that reads them fails.
_VARS = re.compile(r"\bctx\.vars\b|\bvars\s*\[|\bvars\.")


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: one instance, a cache key
class NodeOrigins:
    published_line: str
    lines: dict[str, dict[str, Any]]
    builtins: dict[str, dict[str, Any]]
    template: dict[str, frozenset[str]]
    python: frozenset[str]
    npm: dict[str, dict[str, Any]]

    def published_runner(self) -> dict[str, Any]:
        runner: dict[str, Any] = self.lines[self.published_line]["runner"]
        return runner

    def published_builtins(self) -> dict[str, dict[str, Any]]:
        """Built-in node name -> its entry, for the line whose runner is on npm."""
        return {name: entry for name, entry in self.builtins.items() if entry["line"] == self.published_line}


@cache
def node_origins() -> NodeOrigins:
    raw = json.loads(resources.files("blokhub.blok").joinpath("data/node_origins.json").read_text("utf-8"))
    return NodeOrigins(
        published_line=raw["published_line"],
        lines=raw["lines"],
        builtins=raw["builtins"],
        template={line: frozenset(names) for line, names in raw["template"].items()},
        python=frozenset(raw["python"]),
        npm=raw["npm"],
    )


@dataclass(frozen=True, slots=True)
class NodeNeed:
    node: str
    type: str  # "module" | "local" | "runtime.python3" (v2 steps without a type count as "module")
    origin: Origin
    package: str | None  # the npm package that provides it, when one does
    version: str | None
    lines: tuple[str, ...]  # Blok lines that provide it ((): code the user supplies, or nobody)
    steps: tuple[str, ...]  # the steps that use it

    def to_dict(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "type": self.type,
            "origin": self.origin,
            "package": self.package,
            "version": self.version,
            "lines": list(self.lines),
            "steps": list(self.steps),
        }


@dataclass(frozen=True, slots=True)
class Requirements:
    dialect: Literal["v1", "v2"]
    trigger: str | None
    trigger_lines: tuple[str, ...]  # Blok lines with a runtime for the trigger kind
    nodes: tuple[NodeNeed, ...]
    lines: tuple[str, ...]  # Blok lines that run the workflow as written, given the code listed in `nodes`
    values: tuple[str, ...] = field(default=())  # facet values, see REQUIREMENT_VALUES

    def to_dict(self) -> dict[str, Any]:
        return {
            "dialect": self.dialect,
            "trigger": self.trigger,
            "trigger_lines": list(self.trigger_lines),
            "nodes": [n.to_dict() for n in self.nodes],
            "lines": list(self.lines),
            "values": list(self.values),
        }


def dialect_of(doc: dict[str, Any]) -> Literal["v1", "v2"]:
    if str(doc.get("schemaVersion", "")) == "2":
        return "v2"
    steps = doc.get("steps")
    if isinstance(steps, list):
        for step in steps:
            if isinstance(step, dict) and "node" not in step and ("use" in step or "id" in step):
                return "v2"
    return "v1"


def node_needs(doc: dict[str, Any]) -> tuple[NodeNeed, ...]:
    """Every node the workflow names, once per (name, type), with where it comes from."""
    origins = node_origins()
    used: dict[tuple[str, str], list[str]] = {}
    for node, node_type, step in _uses(doc, dialect_of(doc)):
        used.setdefault((node, node_type), []).append(step)
    return tuple(
        dataclasses.replace(_classify(node, node_type, origins), steps=tuple(dict.fromkeys(steps)))
        for (node, node_type), steps in used.items()
    )


def serving_lines(doc: dict[str, Any]) -> tuple[str, ...]:
    """Blok lines whose loader reads the workflow's dialect and that have a runtime for its trigger, whatever
    its nodes (the lines that can run it once the nodes they lack are supplied)."""
    origins = node_origins()
    dialect = dialect_of(doc)
    trigger = trigger_kind(doc.get("trigger"))
    # The @blokjs loader reads v1 but refuses `set_var` (its steps' outputs land in ctx.state instead).
    set_var = dialect == "v1" and any(ref.step.get("set_var") for ref in iter_steps(doc))
    return tuple(
        line
        for line, spec in origins.lines.items()
        if dialect in spec["dialects"]
        and not (set_var and line == _V2_LINE)
        and (trigger is None or trigger in spec["triggers"])
    )


def requirements(doc: dict[str, Any]) -> Requirements:
    """Requirements of any object-shaped document; shapes that cannot be read contribute nothing."""
    origins = node_origins()
    dialect = dialect_of(doc)
    needs = node_needs(doc)
    trigger = trigger_kind(doc.get("trigger"))
    trigger_lines = tuple(line for line, spec in origins.lines.items() if trigger in spec["triggers"])
    lines = tuple(
        line
        for line in serving_lines(doc)
        if all(n.origin in {"npm", "local", "python"} or line in n.lines for n in needs)
    )
    values = _values(dialect, trigger, needs, origins, uses_vars(doc))
    return Requirements(dialect, trigger, trigger_lines, needs, lines, values)


def uses_vars(doc: dict[str, Any]) -> bool:
    """Whether the workflow stores or reads ctx.vars (set_var), which the published runner does not implement."""
    steps = [ref.step for ref in iter_steps(doc)]
    if any(step.get("set_var") for step in steps):
        return True
    return any(_VARS.search(text) for _parent, _token, _key, text in iter_strings(doc.get("nodes"), ""))


def _values(
    dialect: str, trigger: str | None, needs: tuple[NodeNeed, ...], origins: NodeOrigins, uses_vars: bool
) -> tuple[str, ...]:
    kinds = {n.origin for n in needs}
    if any(n.type == _PYTHON for n in needs):
        kinds.add("python")  # a Python node of the user's own still needs the runtime
    values = [NEEDS[o] for o in ORIGINS if o in kinds and o in NEEDS]
    if kinds <= {"builtin"}:
        values.insert(0, BUILTINS_ONLY)
        published = origins.published_line
        if (
            dialect == "v1"
            and trigger in _SERVED_TRIGGERS
            and not uses_vars
            and needs
            and all(n.type == "module" and published in n.lines for n in needs)
        ):
            values.insert(1, PUBLISHED_RUNNER)
    return tuple(values)


@lru_cache(maxsize=4096)
def _classify(node: str, node_type: str, origins: NodeOrigins) -> NodeNeed:
    """Where a node comes from (``steps`` left empty: the caller fills them in); cached, names repeat a lot."""
    steps: tuple[str, ...] = ()
    if node_type == "local":
        return NodeNeed(node, node_type, "local", None, None, (), steps)
    if node_type == _PYTHON:
        # One of Blok's Python example nodes, or the user's own node for the Python runtime.
        origin: Origin = "python" if node in origins.python else "local"
        return NodeNeed(node, node_type, origin, None, None, (), steps)
    if node_type != "module":
        return NodeNeed(node, node_type, "unresolved", None, None, (), steps)
    builtin = origins.builtins.get(node)
    if builtin is not None:
        package = builtin.get("package", node)
        return NodeNeed(node, node_type, "builtin", package, builtin["version"], (builtin["line"],), steps)
    template_lines = tuple(line for line, names in origins.template.items() if node in names)
    if template_lines:
        return NodeNeed(node, node_type, "template", None, None, template_lines, steps)
    package_entry = origins.npm.get(node)
    if package_entry is not None:
        package = package_entry.get("package", node)
        return NodeNeed(node, node_type, "npm", package, package_entry.get("version"), (), steps)
    return NodeNeed(node, node_type, "unresolved", None, None, (), steps)


def trigger_kind(trigger: Any) -> str | None:
    if not isinstance(trigger, dict):
        return None
    kinds = [kind for kind in trigger if isinstance(kind, str)]
    if not kinds:
        return None
    return "http" if "http" in kinds else sorted(kinds)[0]


def _uses(doc: dict[str, Any], dialect: str) -> Iterator[tuple[str, str, str]]:
    """(node name, step type, step name) for every step, nested ones included."""
    if dialect == "v1":
        for ref in iter_steps(doc):
            node, node_type = ref.step.get("node"), ref.step.get("type")
            if isinstance(node, str) and node:
                yield node, node_type if isinstance(node_type, str) else "", ref.name or ""
        return
    stack: list[Any] = [doc.get("steps")]
    while stack:
        current = stack.pop()
        if isinstance(current, list):
            stack.extend(reversed(current))
        elif isinstance(current, dict):
            use = current.get("use")
            if isinstance(use, str) and use:
                node_type = current.get("type")
                step = current.get("id")
                yield use, node_type if isinstance(node_type, str) else "module", step if isinstance(step, str) else ""
            children = [value for key, value in current.items() if key != "inputs" and isinstance(value, dict | list)]
            stack.extend(reversed(children))
