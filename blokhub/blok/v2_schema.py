"""Structural validation of Blok v2 documents, mirroring ``workflow.v2.schema.json`` by hand (as ``schema`` does
for v1: faster than jsonschema and with messages that say what to do; a test holds both to the same verdicts).

The rules follow the fork's own schema (``core/workflow-helper/schemas/workflow.v2.json``) and, where that schema
is looser than the loader, the loader (``WorkflowNormalizer``): a step must be one of the known shapes (the schema
ends its ``anyOf`` with ``{}``, but the loader throws on a step with neither ``use`` nor a block), ``forEach.in`` and
``switch.on`` are required, and ``set_var`` is refused with the migration hint.
"""

from __future__ import annotations

import re
from typing import Any

from blokhub.blok.errors import Issue, join_pointer
from blokhub.blok.model import v2_kind
from blokhub.blok.schema import _Checker, _kind

V2_TOP_ALLOWED = frozenset(
    {"schemaVersion", "name", "version", "description", "trigger", "middleware", "steps", "input", "output", "events"}
)
V2_TRIGGER_KINDS = (
    "http",
    "grpc",
    "manual",
    "cron",
    "queue",
    "pubsub",
    "worker",
    "webhook",
    "sse",
    "websocket",
    "mcp",
)
V2_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY")
V2_STEP_TYPES = (
    "local",
    "module",
    *(
        f"runtime.{name}"
        for name in ("python3", "nodejs", "bun", "go", "java", "rust", "php", "csharp", "ruby", "docker", "wasm")
    ),
)
V2_RUNTIMES = tuple(t[8:] for t in V2_STEP_TYPES if t.startswith("runtime."))
_DURATION = re.compile(r"^\d+(ms|s|m|h|d)$")
_IDENT = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_COMMON = frozenset({"id", "description", "ui", "active", "stop"})
_PERSIST = frozenset({"as", "spread", "ephemeral"})
_RELIABILITY = frozenset({"idempotencyKey", "idempotencyKeyTTL", "retry", "maxDuration"})
_STEP_KEYS = {
    "node": _COMMON
    | _PERSIST
    | _RELIABILITY
    | {"use", "type", "inputs", "runtime", "stream_logs", "streamTo", "stream", "node"},
    "subworkflow": _COMMON | _PERSIST | _RELIABILITY | {"subworkflow", "inputs", "wait", "allowList", "dispatch"},
    "wait": _COMMON | {"wait", "as", "ephemeral"},
    "branch": _COMMON | {"branch"},
    "forEach": _COMMON | {"forEach"},
    "loop": _COMMON | {"loop"},
    "switch": _COMMON | {"switch"},
    "tryCatch": _COMMON | {"tryCatch"},
}
_BLOCK_KEYS = {
    "branch": ({"when", "then"}, {"when", "then", "else"}),
    "forEach": ({"in", "as", "do"}, {"in", "as", "mode", "concurrency", "do"}),
    "loop": ({"while", "do"}, {"while", "maxIterations", "do"}),
    "switch": ({"on", "cases"}, {"on", "cases", "default"}),
    "tryCatch": ({"try", "catch"}, {"try", "catch", "finally"}),
}
_TRIGGER_LEVEL = ("concurrencyKey", "concurrencyLimit", "delay", "ttl", "debounce")


def is_structural(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and ("$ref" in value or "$tpl" in value)


class _V2Checker(_Checker):
    def workflow(self, doc: Any) -> None:
        if not isinstance(doc, dict):
            self.add("", f"a workflow must be an object, not {_kind(doc)}")
            return
        for key in ("name", "version", "steps"):
            if key not in doc:
                self.add("", f"missing required property {key!r}; a v2 workflow needs name, version and steps")
        if "trigger" not in doc and doc.get("middleware") is not True:
            self.add("", "missing 'trigger'; only middleware workflows (`middleware: true`) may omit it")
        for key, value in doc.items():
            pointer = join_pointer("", key)
            if key not in V2_TOP_ALLOWED:
                hint = " (v2 writes inputs on each step; drop the v1 `nodes` map)" if key == "nodes" else ""
                self.add(
                    pointer,
                    f"unknown top-level property {key!r}{hint}; allowed: " + ", ".join(sorted(V2_TOP_ALLOWED)),
                )
            elif key in ("name", "version", "schemaVersion", "middleware", "trigger", "steps", "events"):
                getattr(self, f"v2_{key}")(value, pointer)
            elif key == "description":
                self.text(value, pointer, key)

    def v2_name(self, value: Any, pointer: str) -> None:
        self.text(value, pointer, "name", non_empty=True)
        if isinstance(value, str) and 0 < len(value) < 3:
            self.add(pointer, "name must be at least 3 characters long")

    def v2_version(self, value: Any, pointer: str) -> None:
        if self.expect(value, str, pointer, "version") and len(value) < 5:
            self.add(pointer, f"version {value!r} must look like 1.0.0 (major.minor.patch)")

    def v2_schemaVersion(self, value: Any, pointer: str) -> None:
        if value != "2":
            self.add(pointer, f'schemaVersion must be "2", not {value!r}')

    def v2_events(self, value: Any, pointer: str) -> None:
        self.expect(value, dict, pointer, "events")

    def v2_middleware(self, value: Any, pointer: str) -> None:
        if value is True:
            return
        if not isinstance(value, list):
            self.add(pointer, "middleware must be true (this workflow is middleware) or a list of middleware names")
            return
        for index, item in enumerate(value):
            self.text(item, f"{pointer}/{index}", "a middleware name", non_empty=True)

    def v2_trigger(self, trigger: Any, pointer: str) -> None:
        if not self.expect(trigger, dict, pointer, "trigger"):
            return
        for kind, settings in trigger.items():
            here = join_pointer(pointer, kind)
            if kind not in V2_TRIGGER_KINDS:
                self.add(here, f"unknown trigger kind {kind!r}; use one of " + ", ".join(V2_TRIGGER_KINDS))
            elif self.expect(settings, dict, here, f"trigger.{kind}") and kind == "http":
                self.v2_http(settings, here)

    def v2_http(self, http: dict[str, Any], pointer: str) -> None:
        if "method" not in http:
            self.add(pointer, 'trigger.http is missing "method" (e.g. "GET", or "ANY" for every method)')
        method = http.get("method")
        if "method" in http and method != "*" and method not in V2_METHODS:
            upper = method.upper() if isinstance(method, str) else None
            hint = (
                f"use {upper!r} instead of {method!r}" if upper in V2_METHODS else "use one of " + ", ".join(V2_METHODS)
            )
            self.add(pointer + "/method", f"unsupported method {method!r}; {hint}")
        path = http.get("path")
        if isinstance(path, str) and not path.startswith("/"):
            self.add(pointer + "/path", f'path {path!r} must start with "/" (e.g. "/orders/:id")', "invalid_path")
        elif "path" in http:
            self.expect(path, str, pointer + "/path", "trigger.http.path")
        for key, kind in (("accept", str), ("headers", dict), ("middleware", list), ("examples", dict)):
            if key in http:
                self.expect(http[key], kind, f"{pointer}/{key}", f"trigger.http.{key}")

    def v2_steps(self, steps: Any, pointer: str) -> None:
        if not self.expect(steps, list, pointer, "steps"):
            return
        if not steps and pointer == "/steps":
            self.add(pointer, "steps must hold at least one step; the runner refuses empty workflows")
        for index, step in enumerate(steps):
            self.v2_step(step, f"{pointer}/{index}")

    def v2_step(self, step: Any, pointer: str) -> None:
        if not isinstance(step, dict):
            self.add(pointer, f"a step must be an object with id and use (or a control-flow block), not {_kind(step)}")
            return
        kind = v2_kind(step)
        if kind == "node" and "use" not in step and "node" not in step:
            self.add(
                pointer,
                "step needs `use` (the node to run) or one of branch, forEach, loop, switch, tryCatch, wait, subworkflow",
            )
        if "id" not in step:
            hint = "; v2 steps are identified by `id` - rename `name` to `id`" if "name" in step else ""
            self.add(pointer, f"step is missing 'id'{hint}")
        self.step_keys(step, kind, pointer)
        if kind == "node":
            self.node_step(step, pointer)
        elif kind in _BLOCK_KEYS:
            self.block(step[kind], kind, f"{pointer}/{kind}")
        elif kind == "subworkflow":
            self.text(step["subworkflow"], pointer + "/subworkflow", "subworkflow", non_empty=True)
            if "wait" in step and not isinstance(step["wait"], bool):
                self.add(pointer + "/wait", "wait on a subworkflow step must be true or false")
        else:
            self.wait(step["wait"], pointer + "/wait")
        self.step_fields(step, pointer)

    def step_keys(self, step: dict[str, Any], kind: str, pointer: str) -> None:
        allowed = _STEP_KEYS[kind]
        for key in step:
            here = join_pointer(pointer, key)
            if key == "set_var":
                self.add(
                    here,
                    "set_var was removed in v2: every step's output is stored in ctx.state[id]; drop `set_var: true`, "
                    "and use `ephemeral: true` for a step whose output should not be kept",
                    "set_var_removed",
                )
            elif key in _TRIGGER_LEVEL:
                self.add(here, f"{key} belongs on the trigger (trigger.<kind>.{key}), not on a step")
            elif key not in allowed:
                self.add(here, f"unknown property {key!r} on a {kind} step; allowed: " + ", ".join(sorted(allowed)))

    def node_step(self, step: dict[str, Any], pointer: str) -> None:
        for key in ("use", "node"):
            if key in step:
                self.text(step[key], f"{pointer}/{key}", f"step {key}", non_empty=True)
        if "type" in step and step["type"] not in V2_STEP_TYPES:
            self.add(
                pointer + "/type",
                f"unknown step type {step['type']!r}; use module, local or runtime.<language>",
                "unknown_step_type",
            )
        if "runtime" in step and step["runtime"] not in V2_RUNTIMES:
            self.add(pointer + "/runtime", "runtime must be one of " + ", ".join(V2_RUNTIMES))
        if "streamTo" in step and step["streamTo"] != "sse":
            self.add(pointer + "/streamTo", 'streamTo can only be "sse"')

    def step_fields(self, step: dict[str, Any], pointer: str) -> None:
        if "id" in step:
            self.text(step["id"], pointer + "/id", "step id", non_empty=True)
        for key in ("active", "stop", "spread", "ephemeral", "stream_logs", "stream"):
            if key in step and not isinstance(step[key], bool):
                self.add(f"{pointer}/{key}", f"{key} must be true or false, not {step[key]!r}")
        for key, kind in (("inputs", dict), ("ui", dict), ("description", str), ("allowList", list)):
            if key in step:
                self.expect(step[key], kind, f"{pointer}/{key}", key)
        self.reliability(step, pointer)

    def reliability(self, step: dict[str, Any], pointer: str) -> None:
        if "as" in step:
            self.text(step["as"], pointer + "/as", "as", non_empty=True)
        if "dispatch" in step and step["dispatch"] not in ("in-process", "http-self"):
            self.add(pointer + "/dispatch", 'dispatch must be "in-process" or "http-self"')
        if "idempotencyKey" in step:
            key = step["idempotencyKey"]
            if not (isinstance(key, str) and key) and not is_structural(key):
                self.add(pointer + "/idempotencyKey", 'idempotencyKey must be a string or a {"$ref": ...}')
        if "idempotencyKeyTTL" in step:
            self.count(step["idempotencyKeyTTL"], pointer + "/idempotencyKeyTTL", "idempotencyKeyTTL", 0, None)
        if "maxDuration" in step:
            self.duration(step["maxDuration"], pointer + "/maxDuration", "maxDuration")
        if "retry" in step:
            self.retry(step["retry"], pointer + "/retry")

    def count(self, value: Any, pointer: str, what: str, low: int, high: int | None) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(pointer, f"{what} must be a whole number, not {_kind(value)}")
        elif value < low or (high is not None and value > high):
            self.add(pointer, f"{what} must be between {low} and {high}" if high else f"{what} must be >= {low}")

    def duration(self, value: Any, pointer: str, what: str) -> None:
        if isinstance(value, str) and _DURATION.match(value):
            return
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return
        self.add(pointer, f'{what} must be milliseconds or a duration such as "500ms", "30s", "5m", not {value!r}')

    def retry(self, retry: Any, pointer: str) -> None:
        if not self.expect(retry, dict, pointer, "retry"):
            return
        if "maxAttempts" not in retry:
            self.add(pointer, "retry needs maxAttempts (total attempts including the first, 1-20)")
        allowed = {"maxAttempts", "minTimeoutInMs", "maxTimeoutInMs", "factor", "nonRetryableErrorNames"}
        self.unknown_keys(retry, frozenset(allowed), pointer, "retry")
        if "maxAttempts" in retry:
            self.count(retry["maxAttempts"], pointer + "/maxAttempts", "retry.maxAttempts", 1, 20)
        for key in ("minTimeoutInMs", "maxTimeoutInMs"):
            if key in retry:
                self.count(retry[key], f"{pointer}/{key}", f"retry.{key}", 0, None)

    def wait(self, wait: dict[str, Any], pointer: str) -> None:
        self.unknown_keys(wait, frozenset({"for", "until"}), pointer, "wait")
        if ("for" in wait) == ("until" in wait):
            self.add(pointer, "a wait step sets exactly one of wait.for (a duration) or wait.until (a time)")
        value = wait.get("for")
        if "for" in wait and not is_structural(value) and not (isinstance(value, str) and value.startswith("js/")):
            self.duration(value, pointer + "/for", "wait.for")

    def block(self, body: dict[str, Any], kind: str, pointer: str) -> None:
        required, allowed = _BLOCK_KEYS[kind]
        for key in sorted(required - body.keys()):
            self.add(pointer, f"{kind} is missing {key!r}")
        self.unknown_keys(body, frozenset(allowed), pointer, kind)
        getattr(self, f"block_{kind}")(body, pointer)

    def block_branch(self, body: dict[str, Any], pointer: str) -> None:
        if "when" in body:
            self.text(body["when"], pointer + "/when", "branch.when", non_empty=True)
        for key in ("then", "else"):
            if key in body:
                self.sub_steps(body[key], f"{pointer}/{key}", f"branch.{key}", minimum=0)

    def block_forEach(self, body: dict[str, Any], pointer: str) -> None:
        name = body.get("as")
        if "as" in body and not (isinstance(name, str) and _IDENT.match(name)):
            self.add(pointer + "/as", "forEach.as must be a variable name (letters, digits and _, not first a digit)")
        if "mode" in body and body["mode"] not in ("sequential", "parallel"):
            self.add(pointer + "/mode", 'forEach.mode must be "sequential" or "parallel"')
        if "concurrency" in body:
            self.count(body["concurrency"], pointer + "/concurrency", "forEach.concurrency", 1, 1000)
        if "do" in body:
            self.sub_steps(body["do"], pointer + "/do", "forEach.do")

    def block_loop(self, body: dict[str, Any], pointer: str) -> None:
        if "while" in body:
            self.text(body["while"], pointer + "/while", "loop.while", non_empty=True)
        if "maxIterations" in body:
            self.count(body["maxIterations"], pointer + "/maxIterations", "loop.maxIterations", 1, None)
        if "do" in body:
            self.sub_steps(body["do"], pointer + "/do", "loop.do")

    def block_switch(self, body: dict[str, Any], pointer: str) -> None:
        cases = body.get("cases")
        if "cases" in body and self.expect(cases, list, pointer + "/cases", "switch.cases") and isinstance(cases, list):
            if not cases:
                self.add(pointer + "/cases", "switch needs at least one case")
            for index, case in enumerate(cases):
                here = f"{pointer}/cases/{index}"
                if not self.expect(case, dict, here, "a switch case"):
                    continue
                for key in ("when", "do"):
                    if key not in case:
                        self.add(here, f"a switch case is missing {key!r}")
                self.unknown_keys(case, frozenset({"when", "do"}), here, "a switch case")
                if "do" in case:
                    self.sub_steps(case["do"], here + "/do", "a case's do")
        if "default" in body:
            self.sub_steps(body["default"], pointer + "/default", "switch.default", minimum=0)

    def block_tryCatch(self, body: dict[str, Any], pointer: str) -> None:
        for key in ("try", "catch", "finally"):
            if key in body:
                self.sub_steps(body[key], f"{pointer}/{key}", f"tryCatch.{key}", minimum=int(key != "finally"))

    def sub_steps(self, steps: Any, pointer: str, what: str, minimum: int = 1) -> None:
        if not self.expect(steps, list, pointer, what):
            return
        if len(steps) < minimum:
            self.add(pointer, f"{what} must hold at least one step")
        for index, step in enumerate(steps):
            self.v2_step(step, f"{pointer}/{index}")


def v2_schema_issues(doc: Any) -> list[Issue]:
    """Errors for everything ``workflow.v2.schema.json`` (and the v2 loader) would reject, with pointers."""
    checker = _V2Checker()
    checker.workflow(doc)
    return checker.issues
