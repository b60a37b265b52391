"""v2 → v1: converts what v1 can express and lists, one issue each, the constructs it cannot.

Expressible: node steps (``use``/inline ``inputs`` become ``node`` and a ``nodes`` entry; a missing ``type`` is the
one v2 infers), ``branch`` (an if-else step; a branch nested as the only step of ``else`` under the id
``<id>--else-if-<n>`` folds back into one else-if chain), ``switch`` (an if-else step with one condition per case,
where that is exact: see ``switch_v1``), ``$ref`` to the trigger (``js/ctx.request…``) and
``$tpl`` made only of text and such references, method ``"ANY"`` (v1 writes ``"*"``), ``ui.v1`` left by a v1 → v2
conversion, and what v1 does not need: ``schemaVersion``, ``ephemeral`` (v1 keeps no per-step state), and the
documentation-only ``description`` and ``ui`` of a step, which the runner ignores.

Not expressible (v1's runner has no equivalent): a switch ``switch_v1`` cannot make exact, forEach, loop, tryCatch, wait and subworkflow blocks,
``as``/``spread``, retry, idempotency keys, ``maxDuration``, streaming flags, non-v1 step types and trigger kinds,
middleware, ``input``/``output``/``events``, references to earlier steps' or the error's output, and any
expression that reads ``ctx.state``/``ctx.prev`` (v1 has no per-step state). Blocks are reported once, not step by
step inside them.
"""

from __future__ import annotations

import re
from typing import Any

from blokhub.blok.errors import BlokConversionError, Issue, join_pointer
from blokhub.blok.model import infer_type, v2_kind
from blokhub.blok.refs import TRIGGER, lower_trigger_ref
from blokhub.blok.schema import STEP_TYPES
from blokhub.blok.switch_v1 import NotExact, case_condition, subject
from blokhub.blok.to_v2 import ELSE_IF, if_else_node

_V1_TRIGGERS = ("http", "grpc", "cron", "manual", "mcp")
_V1_HTTP = frozenset({"method", "path", "accept", "jwt_secret", "headers", "inputs", "output"})
_V1_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "*", "ANY")
_STATE = re.compile(r"\bctx\.(state|prev)\b|\$\.(state|prev)\b")
_BLOCK_REASONS = {
    "forEach": "v1 has no forEach block (no iteration over a list of items)",
    "loop": "v1 has no loop block",
    "tryCatch": "v1 has no tryCatch block (a failing step ends the workflow)",
    "wait": "v1 has no wait step",
    "subworkflow": "v1 cannot call another workflow as a step",
}
_STEP_REASONS = {
    "as": "v1 keeps no per-step state, so an output key cannot be renamed",
    "spread": "v1 keeps no per-step state to spread an output into",
    "retry": "v1 has no step retries",
    "idempotencyKey": "v1 has no step idempotency cache",
    "idempotencyKeyTTL": "v1 has no step idempotency cache",
    "maxDuration": "v1 has no step timeouts",
    "stream_logs": "v1 has no log streaming",
    "streamTo": "v1 has no streaming to SSE",
    "stream": "v1 has no streaming to SSE",
    "runtime": "v1 has no runtime hint",
}


class _ToV1:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.issues: list[Issue] = []
        self.nodes: dict[str, Any] = {}
        self.if_else = if_else_node(doc)

    def refuse(self, pointer: str, reason: str) -> None:
        self.issues.append(Issue("not_expressible", reason, pointer))

    def workflow(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.doc.items():
            pointer = join_pointer("", key)
            if key in ("name", "version", "description"):
                out[key] = value
            elif key == "trigger":
                out["trigger"] = self.trigger(value)
            elif key == "steps":
                out["steps"] = self.steps(value, "/steps")
            elif key == "middleware":
                self.refuse(pointer, "v1 has no middleware; the chain would not run before the steps")
            elif key != "schemaVersion":
                self.refuse(pointer, f"v1 has no top-level {key!r}")
        if "trigger" not in self.doc:
            self.refuse("", "v1 needs a trigger; a middleware-only workflow cannot be expressed")
        out["nodes"] = self.nodes
        return out

    def trigger(self, trigger: Any) -> Any:
        if not isinstance(trigger, dict):
            return trigger
        out: dict[str, Any] = {}
        for kind, settings in trigger.items():
            pointer = join_pointer("/trigger", kind)
            if kind not in _V1_TRIGGERS:
                self.refuse(pointer, f"v1 has no {kind!r} trigger (it has " + ", ".join(_V1_TRIGGERS) + ")")
            elif kind == "http" and isinstance(settings, dict):
                out[kind] = self.http(settings, pointer)
            else:
                out[kind] = settings
        return out

    def http(self, http: dict[str, Any], pointer: str) -> dict[str, Any]:
        out = {}
        for key, value in http.items():
            if key not in _V1_HTTP:
                self.refuse(join_pointer(pointer, key), f"the v1 http trigger has no {key!r}")
            elif key == "method" and value not in _V1_METHODS:
                self.refuse(pointer + "/method", f"the v1 http trigger cannot answer only {value!r} requests")
            else:
                out[key] = "*" if key == "method" and value == "ANY" else value
        return out

    def steps(self, steps: Any, pointer: str) -> Any:
        if not isinstance(steps, list):
            return steps
        out = []
        for index, step in enumerate(steps):
            converted = self.step(step, f"{pointer}/{index}")
            if converted is not None:
                out.append(converted)
        return out

    def step(self, step: Any, pointer: str) -> Any:
        if not isinstance(step, dict):
            return step
        kind = v2_kind(step)
        if kind in _BLOCK_REASONS:
            self.refuse(pointer + ("/" + kind if kind in step else ""), _BLOCK_REASONS[kind])
            return None
        for key in step:
            if key in _STEP_REASONS:
                self.refuse(join_pointer(pointer, key), _STEP_REASONS[key])
        legacy = step.get("ui", {}).get("v1") if isinstance(step.get("ui"), dict) else None
        legacy = legacy if isinstance(legacy, dict) else {}
        name = step.get("id", step.get("name"))
        if kind in ("branch", "switch"):
            out: dict[str, Any] = {
                "name": name,
                "node": legacy.get("node", self.if_else),
                "type": legacy.get("type", "module"),
            }
            if kind == "switch":
                conditions = self.switch(step["switch"], pointer + "/switch")
            else:
                conditions = self.conditions(step, str(name), pointer)
            self.nodes[str(name)] = {"conditions": conditions}
        else:
            use = step.get("use", step.get("node"))
            kind_of = step.get("type") or (infer_type(use) if isinstance(use, str) else None)
            if kind_of not in STEP_TYPES:
                self.refuse(pointer + "/type", f"v1 runs module, local and runtime.python3 steps, not {kind_of!r}")
            out = {"name": name, "node": use, "type": kind_of}
            if isinstance(step.get("inputs"), dict):
                self.nodes[str(name)] = {"inputs": self.lower(step["inputs"], pointer + "/inputs")}
        for flag in ("active", "stop"):
            if flag in step:
                out[flag] = step[flag]
        if legacy.get("set_var") is True:
            out["set_var"] = True
        return out

    def conditions(self, step: dict[str, Any], name: str, pointer: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        branch, here = step["branch"], pointer + "/branch"
        while True:
            when = branch.get("when")
            self.expression(when, here + "/when")
            found.append({"type": "if", "condition": when, "steps": self.steps(branch.get("then"), here + "/then")})
            rest = branch.get("else")
            if not isinstance(rest, list):
                return found
            nested = rest[0] if len(rest) == 1 and isinstance(rest[0], dict) else {}
            ident = nested.get("id")
            if (
                isinstance(ident, str)
                and ident.startswith(name + ELSE_IF)
                and set(nested) == {"id", "branch"}
                and isinstance(nested["branch"], dict)
            ):
                branch, here = nested["branch"], here + "/else/0/branch"
                continue
            found.append({"type": "else", "steps": self.steps(rest, here + "/else")})
            return found

    def switch(self, body: dict[str, Any], pointer: str) -> list[dict[str, Any]]:
        """One ``if`` per case in order, then ``else`` (empty without a default: v1 wants an else last)."""
        on = body.get("on")
        if not self.expression(on, pointer + "/on"):
            return []
        found: list[dict[str, Any]] = []
        cases: list[Any] = body["cases"] if isinstance(body.get("cases"), list) else []
        try:
            lhs = subject(on)
            for index, case in enumerate(c if isinstance(c, dict) else {} for c in cases):
                here = f"{pointer}/cases/{index}"
                condition = case_condition(lhs, case.get("when"), f"/cases/{index}/when")
                found.append({"type": "if", "condition": condition, "steps": self.steps(case.get("do"), here + "/do")})
        except NotExact as refused:
            self.refuse(pointer + refused.where, refused.reason)
            return []
        if "default" in body or len(found) > 1:
            found.append({"type": "else", "steps": self.steps(body.get("default", []), pointer + "/default")})
        return found

    def expression(self, text: Any, pointer: str) -> bool:
        """False (and one issue) when ``text`` reads state v1 does not have."""
        if isinstance(text, str) and _STATE.search(text):
            self.refuse(
                pointer, "reads ctx.state or ctx.prev, which v1 does not have (earlier outputs are in ctx.vars)"
            )
            return False
        return True

    def lower(self, value: Any, pointer: str) -> Any:
        if isinstance(value, str):
            self.expression(value, pointer)
            return value
        if isinstance(value, list):
            return [self.lower(item, f"{pointer}/{index}") for index, item in enumerate(value)]
        if not isinstance(value, dict):
            return value
        if len(value) == 1 and "$ref" in value:
            return self.ref(value["$ref"], pointer + "/$ref")
        if len(value) == 1 and isinstance(value.get("$tpl"), list):
            return self.template(value["$tpl"], pointer + "/$tpl")
        return {key: self.lower(child, join_pointer(pointer, key)) for key, child in value.items()}

    def ref(self, ref: Any, pointer: str) -> Any:
        if isinstance(ref, dict) and ref.get("step") == TRIGGER:
            return lower_trigger_ref(ref)
        self.refuse(pointer, "refers to an earlier step's output (v2 state), which v1 cannot reference")
        return None

    def template(self, parts: list[Any], pointer: str) -> Any:
        text = []
        for index, part in enumerate(parts):
            if isinstance(part, dict) and len(part) == 1 and "$ref" in part:
                lowered = self.ref(part["$ref"], f"{pointer}/{index}/$ref")
                text.append("${" + lowered[3:] + "}" if isinstance(lowered, str) else "")
            else:
                text.append(str(part).replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${"))
        return "js/`" + "".join(text) + "`"


def to_v1(doc: dict[str, Any]) -> dict[str, Any]:
    """The v1 form of a v2 document; raises :class:`BlokConversionError` with one issue per inexpressible construct."""
    converter = _ToV1(doc)
    out = converter.workflow()
    if converter.issues:
        raise BlokConversionError(converter.issues)
    return out
