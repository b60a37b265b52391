"""v1 → v2, losslessly: converting the result back with :func:`blokhub.blok.to_v1.to_v1` gives the original's
canonical form.

* A step ``{name, node, type}`` with ``nodes[name].inputs`` becomes ``{id, use, type, inputs}`` (``type`` is kept
  even where v2 would infer it; a step without a ``nodes`` entry gets no ``inputs``, one with ``inputs: {}`` keeps it).
* An if-else step becomes a ``branch``: ``if A … else`` is ``{when: A, then, else}``; an else-if chain nests a
  branch in ``else`` whose id is ``<name>--else-if-<n>``, which the way back folds into one conditions list again.
* What v2 has no field for but the way back needs goes into the step's ``ui.v1`` (``ui`` is editor metadata the
  v2 runner ignores): ``set_var: true`` (v2 stores every step's output; it has no "keep ctx.response" switch),
  and an if-else node other than the one the way back would pick (:func:`if_else_node`).
* Whole-string ``js/ctx.request…`` paths become ``{"$ref": {"step": "@trigger", …}}`` (see ``refs``).
* Method ``"*"`` becomes ``"ANY"`` (v2's spelling; its loader rewrites ``"*"`` anyway).

Refused, one issue each: ``metadata`` (v2 has no such field), ``nodes`` entries no step uses, a step name used
twice (v2 ids are unique across the workflow), an if-else whose conditions v2's branch cannot hold exactly (an
``if`` without a condition, an ``else`` that is not last or carries a condition).
"""

from __future__ import annotations

from typing import Any

from blokhub.blok.errors import BlokConversionError, Issue, join_pointer
from blokhub.blok.refs import raise_trigger_refs
from blokhub.blok.walk import conditions_of, node_configs

ELSE_IF = "--else-if-"
_SCOPES = ("@nanoservice-ts/", "@blok-ts/", "@blokjs/", "@blok/")


def if_else_node(doc: dict[str, Any]) -> str:
    """The if-else node a v1 document of this era uses: the scope of its first scoped node, else deskree's."""
    stack = [doc.get("steps")]
    nodes = node_configs(doc)
    while stack:
        steps = stack.pop()
        for step in steps if isinstance(steps, list) else ():
            if not isinstance(step, dict):
                continue
            node = step.get("node") or step.get("use")
            scope = next((s for s in _SCOPES if isinstance(node, str) and node.startswith(s)), None)
            if scope is not None:
                return scope + "if-else"
            for block in ("branch", "forEach", "loop", "tryCatch", "switch"):
                body = step.get(block)
                if isinstance(body, dict):
                    cases = body["cases"] if isinstance(body.get("cases"), list) else []
                    stack.extend(case.get("do") for case in cases if isinstance(case, dict))
                    stack.extend(
                        body[k] for k in ("then", "else", "do", "try", "catch", "finally", "default") if k in body
                    )
            for condition in conditions_of(nodes.get(step.get("name"))) or ():  # type: ignore[arg-type]
                if isinstance(condition, dict):
                    stack.append(condition.get("steps"))
    return "@nanoservice-ts/if-else"


class _ToV2:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.configs = node_configs(doc)
        self.issues: list[Issue] = []
        self.seen: dict[str, str] = {}
        self.branches: list[tuple[dict[str, Any], Any, Any]] = []  # (v2 step, v1 node, v1 type)

    def refuse(self, pointer: str, reason: str) -> None:
        self.issues.append(Issue("not_expressible", reason, pointer))

    def workflow(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.doc.items():
            if key == "steps":
                out["steps"] = self.steps(value, "/steps")
            elif key == "trigger":
                out["trigger"] = _trigger(value)
            elif key == "nodes":
                continue
            elif key in ("name", "version", "description"):
                out[key] = value
            else:
                self.refuse(join_pointer("", key), f"v2 has no top-level {key!r}; remove it to convert")
        for name in self.configs:
            if name not in self.seen:
                self.refuse(join_pointer("/nodes", name), f"nodes.{name} belongs to no step; v2 keeps inputs on steps")
        return out

    def steps(self, steps: Any, pointer: str) -> Any:
        if not isinstance(steps, list):
            return steps
        return [self.step(step, f"{pointer}/{index}") for index, step in enumerate(steps)]

    def step(self, step: Any, pointer: str) -> Any:
        if not isinstance(step, dict):
            return step
        name = step.get("name")
        if isinstance(name, str):
            if name in self.seen:
                self.refuse(
                    pointer + "/name",
                    f"step name {name!r} is also used at {self.seen[name]}; v2 step ids must be unique",
                )
                return {"id": name}
            self.seen[name] = pointer
        config = self.configs.get(name) if isinstance(name, str) else None
        conditions = conditions_of(config)
        if conditions is not None and isinstance(name, str):
            return self.branch_step(step, name, conditions)
        out: dict[str, Any] = {"id": name, "use": step.get("node"), "type": step.get("type")}
        out = {key: value for key, value in out.items() if key in ("id",) or value is not None}
        if isinstance(config, dict) and "inputs" in config:
            out["inputs"] = raise_trigger_refs(config["inputs"])
            for key in config:
                if key != "inputs":
                    self.refuse(join_pointer(join_pointer("/nodes", str(name)), key), f"v2 steps have no {key!r}")
        _flags(step, out)
        legacy = {"set_var": True} if step.get("set_var") is True else {}
        if legacy:
            out["ui"] = {"v1": legacy}
        for key in step:
            if key not in ("name", "node", "type", "active", "stop", "set_var"):
                self.refuse(join_pointer(pointer, key), f"unknown step property {key!r} has no v2 equivalent")
        return out

    def branch_step(self, step: dict[str, Any], name: str, conditions: list[Any]) -> dict[str, Any]:
        base = join_pointer("/nodes", name) + "/conditions"
        out: dict[str, Any] = {"id": name, "branch": self.chain(name, conditions, base, 0)}
        _flags(step, out)
        if step.get("set_var") is True:
            out["ui"] = {"v1": {"set_var": True}}
        self.branches.append((out, step.get("node"), step.get("type")))
        return out

    def keep_if_else_nodes(self, out: dict[str, Any]) -> None:
        """Record in ``ui.v1`` the if-else node and type the way back would not pick by itself."""
        default = if_else_node(out)
        for step, node, kind in self.branches:
            legacy = {
                **({"node": node} if node != default else {}),
                **({"type": kind} if kind != "module" else {}),
            }
            if legacy:
                step["ui"] = {"v1": {**step.get("ui", {}).get("v1", {}), **legacy}}

    def chain(self, name: str, conditions: list[Any], base: str, start: int) -> dict[str, Any]:
        first = conditions[start] if start < len(conditions) else None
        if not isinstance(first, dict) or first.get("type") != "if" or not first.get("condition"):
            self.refuse(
                f"{base}/{start}",
                "only an if with a condition can open a v2 branch (an if without one always matches; write `true`)",
            )
            return {"when": "true", "then": []}
        branch: dict[str, Any] = {
            "when": first["condition"],
            "then": self.steps(first.get("steps"), f"{base}/{start}/steps"),
        }
        rest = start + 1
        if rest >= len(conditions):
            return branch
        last = conditions[rest]
        if rest == len(conditions) - 1 and isinstance(last, dict) and last.get("type") == "else":
            if last.get("condition"):
                self.refuse(f"{base}/{rest}/condition", "an else with a condition acts as an if; make it an if")
            branch["else"] = self.steps(last.get("steps"), f"{base}/{rest}/steps")
            return branch
        nested = {"id": f"{name}{ELSE_IF}{rest}", "branch": self.chain(name, conditions, base, rest)}
        branch["else"] = [nested]
        return branch


def _flags(step: dict[str, Any], out: dict[str, Any]) -> None:
    for flag in ("active", "stop"):
        if flag in step:
            out[flag] = step[flag]


def _trigger(trigger: Any) -> Any:
    if not isinstance(trigger, dict):
        return trigger
    out = dict(trigger)
    http = out.get("http")
    if isinstance(http, dict) and http.get("method") == "*":
        out["http"] = {**http, "method": "ANY"}
    return out


def to_v2(doc: dict[str, Any]) -> dict[str, Any]:
    """The v2 form of a v1 document; raises :class:`BlokConversionError` listing what v2 cannot hold."""
    converter = _ToV2(doc)
    out = converter.workflow()
    converter.keep_if_else_nodes(out)
    if converter.issues:
        raise BlokConversionError(converter.issues)
    return out
