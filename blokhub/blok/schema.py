"""Structural validation that mirrors ``workflow.schema.json`` by hand.

Why not jsonschema on the hot path: it is several times slower than this and its messages ("'x' is not one
of [...]") do not tell an author what to do. The shipped schema stays the contract; a test runs both
validators over the fixtures and many mutated documents and requires them to agree on validity, so the two
cannot drift apart.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from blokhub.blok.errors import Issue, join_pointer

_TOP_REQUIRED = ("name", "version", "trigger", "steps", "nodes")
_TOP_ALLOWED = frozenset({*_TOP_REQUIRED, "description", "metadata"})
_VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "*")
STEP_TYPES = ("module", "local", "runtime.python3")
_TRIGGER_KINDS = ("http", "grpc", "cron", "manual", "mcp")
_HTTP_ALLOWED = frozenset({"method", "path", "accept", "jwt_secret", "headers", "inputs", "output"})
_HTTP_INPUTS = frozenset({"params", "query", "body"})
_STEP_ALLOWED = frozenset({"name", "node", "type", "active", "stop", "set_var"})
_CONDITION_ALLOWED = frozenset({"type", "condition", "steps"})
_FLAGS = ("active", "stop", "set_var")
_TYPE_HINTS = {
    "python": "runtime.python3",
    "python3": "runtime.python3",
    "runtime.python": "runtime.python3",
    "node": "module",
    "npm": "module",
    "typescript": "module",
}
_JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


@cache
def load_schema() -> dict[str, Any]:
    """The shipped JSON Schema (draft 2020-12) that this module mirrors."""
    text = resources.files("blokhub.blok").joinpath("workflow.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _kind(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


class _Checker:
    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(self, pointer: str, message: str, code: str = "schema") -> None:
        self.issues.append(Issue(code, message, pointer))

    def expect(self, value: Any, kind: type, pointer: str, what: str) -> bool:
        ok = isinstance(value, kind)
        if not ok:
            self.add(pointer, f"{what} must be {_JSON_TYPES[kind]}, not {_kind(value)}")
        return ok

    def text(self, value: Any, pointer: str, what: str, *, non_empty: bool = False) -> None:
        if self.expect(value, str, pointer, what) and non_empty and not value:
            self.add(pointer, f"{what} must not be empty")

    def unknown_keys(self, obj: dict[str, Any], allowed: frozenset[str], pointer: str, where: str) -> None:
        for key in obj:
            if key not in allowed:
                self.add(
                    join_pointer(pointer, key),
                    f"unknown property {key!r} in {where}; allowed: " + ", ".join(sorted(allowed)),
                )

    def workflow(self, doc: Any) -> None:
        if not isinstance(doc, dict):
            self.add("", f"a workflow must be an object, not {_kind(doc)}")
            return
        for key in _TOP_REQUIRED:
            if key not in doc:
                self.add(
                    "",
                    f"missing required property {key!r}; a workflow needs name, version, trigger, steps and nodes",
                )
        for key, value in doc.items():
            if key not in _TOP_ALLOWED:
                hint = (
                    " (graph-style workflows with edges/triggers cannot run; use steps + nodes)"
                    if key in ("edges", "triggers")
                    else ""
                )
                self.add(
                    join_pointer("", key),
                    f"unknown top-level property {key!r}{hint}; allowed: " + ", ".join(sorted(_TOP_ALLOWED)),
                )
            else:
                getattr(self, f"top_{key}")(value)

    def top_name(self, name: Any) -> None:
        self.text(name, "/name", "name", non_empty=True)

    def top_description(self, description: Any) -> None:
        self.text(description, "/description", "description")

    def top_version(self, version: Any) -> None:
        if self.expect(version, str, "/version", "version") and not _VERSION.search(version):
            self.add("/version", f"version {version!r} must look like 1.0.0 (major.minor.patch)")

    def top_metadata(self, metadata: Any) -> None:
        self.expect(metadata, dict, "/metadata", "metadata")

    def top_steps(self, steps: Any) -> None:
        if not self.expect(steps, list, "/steps", "steps"):
            return
        if not steps:
            self.add("/steps", "steps must hold at least one step; the runner refuses empty workflows")
        for index, step in enumerate(steps):
            self.step(step, f"/steps/{index}")

    def top_trigger(self, trigger: Any) -> None:
        if not self.expect(trigger, dict, "/trigger", "trigger"):
            return
        if not trigger:
            self.add("/trigger", 'trigger needs one kind, e.g. {"http": {"method": "GET", "path": "/"}}')
        for kind, settings in trigger.items():
            pointer = join_pointer("/trigger", kind)
            if kind not in _TRIGGER_KINDS:
                self.add(pointer, f"unknown trigger kind {kind!r}; use one of " + ", ".join(_TRIGGER_KINDS))
            elif kind == "http":
                self.http(settings, pointer, strict=True)
            elif kind == "mcp":
                self.http(settings, pointer, strict=False)
            else:
                self.expect(settings, dict, pointer, f"trigger.{kind}")

    def http(self, http: Any, pointer: str, *, strict: bool) -> None:
        """``strict`` is the http trigger; otherwise the looser mcp trigger (http fields plus a type)."""
        where = "trigger.http" if strict else "trigger.mcp"
        if not self.expect(http, dict, pointer, where):
            return
        for key in ("method", "path") if strict else ("type",):
            if key not in http:
                self.add(
                    pointer,
                    f"{where} is missing {key!r}"
                    + (' (e.g. "method": "GET", "path": "/")' if strict else ' ("tool" or "resource")'),
                )
        if "method" in http:
            self.method(http["method"], pointer + "/method")
        if "path" in http:
            path = http["path"]
            if self.expect(path, str, pointer + "/path", f"{where}.path") and not path.startswith("/"):
                self.add(
                    pointer + "/path",
                    f'path {path!r} must start with "/" (e.g. "/" or "/:id")',
                    "invalid_path",
                )
        if "accept" in http:
            self.text(http["accept"], pointer + "/accept", f"{where}.accept", non_empty=strict)
        for key, kind in (("jwt_secret", str), ("headers", dict), ("inputs", dict), ("output", dict)):
            if key in http and (strict or key in ("inputs", "output")):
                self.expect(http[key], kind, f"{pointer}/{key}", f"{where}.{key}")
        if strict:
            self.http_extras(http, pointer)
        elif "type" in http and http["type"] not in ("tool", "resource"):
            self.add(pointer + "/type", f'{where}.type must be "tool" or "resource", not {http["type"]!r}')

    def http_extras(self, http: dict[str, Any], pointer: str) -> None:
        self.unknown_keys(http, _HTTP_ALLOWED, pointer, "trigger.http")
        inputs = http.get("inputs")
        if isinstance(inputs, dict):
            self.unknown_keys(inputs, _HTTP_INPUTS, pointer + "/inputs", "trigger.http.inputs")
            for key in sorted(_HTTP_INPUTS & inputs.keys()):
                self.expect(inputs[key], dict, f"{pointer}/inputs/{key}", f"trigger.http.inputs.{key}")

    def method(self, method: Any, pointer: str) -> None:
        if method in METHODS:
            return
        if isinstance(method, str) and method.upper() == "ANY":
            self.add(
                pointer,
                'method "ANY" is not honoured by the Blok HTTP trigger (it rejects every request); '
                'use "*" to accept any method',
                "any_method",
            )
        elif isinstance(method, str) and method.upper() in METHODS:
            self.add(pointer, f"method must be upper-case: use {method.upper()!r} instead of {method!r}")
        else:
            self.add(pointer, f'unsupported method {method!r}; use one of GET, POST, PUT, PATCH, DELETE or "*"')

    def step(self, step: Any, pointer: str) -> None:
        if not isinstance(step, dict):
            self.add(pointer, f"a step must be an object with name, node and type, not {_kind(step)}")
            return
        for key in ("name", "node", "type"):
            if key not in step:
                self.add(pointer, f"step is missing {key!r}; a step needs name, node and type")
        for key in step:
            if key == "inputs":
                self.add(
                    pointer + "/inputs",
                    "inputs do not belong on a step; move them to nodes.<step name>.inputs",
                )
            elif key not in _STEP_ALLOWED:
                self.add(
                    join_pointer(pointer, key),
                    f"unknown step property {key!r}; allowed: " + ", ".join(sorted(_STEP_ALLOWED)),
                )
        if "name" in step:
            self.text(step["name"], pointer + "/name", "step name", non_empty=True)
        if "node" in step:
            self.text(step["node"], pointer + "/node", "step node", non_empty=True)
        if "type" in step and step["type"] not in STEP_TYPES:
            kind = step["type"]
            hint = _TYPE_HINTS.get(kind.lower()) if isinstance(kind, str) else None
            self.add(
                pointer + "/type",
                f"unknown step type {kind!r}; use one of module, local, runtime.python3"
                + (f" (did you mean {hint!r}?)" if hint else ""),
                "unknown_step_type",
            )
        for flag in _FLAGS:
            if flag in step and not isinstance(step[flag], bool):
                self.add(f"{pointer}/{flag}", f"{flag} must be true or false, not {step[flag]!r}")

    def top_nodes(self, nodes: Any) -> None:
        if not self.expect(nodes, dict, "/nodes", "nodes"):
            return
        for name, config in nodes.items():
            pointer = join_pointer("/nodes", name)
            if name == "":
                self.add(pointer, "node configuration keys must be non-empty step names")
            self.node_config(config, pointer)

    def node_config(self, config: Any, pointer: str) -> None:
        if not isinstance(config, dict):
            self.add(
                pointer,
                'a node configuration must be an object: {"inputs": {...}} or '
                f'{{"conditions": [...]}}, not {_kind(config)}',
            )
            return
        if "inputs" in config and "conditions" in config:
            self.add(pointer, "a node configuration has either inputs or conditions, not both")
        elif "inputs" in config:
            self.unknown_keys(config, frozenset({"inputs"}), pointer, "a node configuration")
            self.expect(config["inputs"], dict, pointer + "/inputs", "inputs")
        elif "conditions" in config:
            self.unknown_keys(config, frozenset({"conditions"}), pointer, "an if-else configuration")
            self.conditions(config["conditions"], pointer + "/conditions")
        else:
            self.add(
                pointer,
                'a node configuration needs "inputs" (an object, may be empty) or, for an if-else step, "conditions"',
            )

    def conditions(self, conditions: Any, pointer: str) -> None:
        if not self.expect(conditions, list, pointer, "conditions"):
            return
        if not conditions:
            self.add(pointer, 'conditions must hold at least one entry, starting with {"type": "if", ...}')
            return
        first = conditions[0]
        if isinstance(first, dict) and first.get("type") == "else":
            self.add(pointer + "/0/type", 'the first condition must have type "if"')
        elses = 0
        for index, condition in enumerate(conditions):
            self.condition(condition, f"{pointer}/{index}")
            # The schema's "contains" also matches non-objects; those already fail above.
            if not isinstance(condition, dict) or condition.get("type") == "else":
                elses += 1
                if elses == 2 and isinstance(condition, dict):
                    self.add(f"{pointer}/{index}/type", 'only one "else" is allowed in conditions')
        if len(conditions) >= 2 and elses == 0:
            self.add(
                pointer,
                'with more than one condition, the last one must be an "else"; add {"type": "else", "steps": [...]}',
            )

    def condition(self, condition: Any, pointer: str) -> None:
        if not isinstance(condition, dict):
            self.add(pointer, f"a condition must be an object with type and steps, not {_kind(condition)}")
            return
        for key in ("type", "steps"):
            if key not in condition:
                self.add(pointer, f"condition is missing {key!r}")
        self.unknown_keys(condition, _CONDITION_ALLOWED, pointer, "a condition")
        kind = condition.get("type")
        if "type" in condition and kind not in ("if", "else"):
            self.add(pointer + "/type", f'condition type must be "if" or "else", not {kind!r}')
        if "condition" in condition:
            self.expect(condition["condition"], str, pointer + "/condition", "condition")
        if kind == "if" or "type" not in condition:
            text = condition.get("condition")
            if text is None and "condition" not in condition:
                self.add(
                    pointer,
                    'an "if" needs a condition: a JavaScript expression such as "ctx.request.method === \'GET\'"',
                )
            elif text == "":
                self.add(pointer + "/condition", 'an "if" needs a non-empty condition')
        if "steps" in condition and self.expect(condition["steps"], list, pointer + "/steps", "steps"):
            for index, step in enumerate(condition["steps"]):
                self.step(step, f"{pointer}/steps/{index}")


def schema_issues(doc: Any) -> list[Issue]:
    """Errors for everything ``workflow.schema.json`` would reject, with pointers and advice."""
    checker = _Checker()
    checker.workflow(doc)
    return checker.issues
