"""The canonical form of a workflow and its hash.

Two documents that describe the same workflow - whatever the format, key order, whitespace or spelled-out
defaults - get the same canonical form:

* keys sorted at every level; lists keep their order (step and condition order is meaningful);
* integral floats become integers (JavaScript has one number type, so ``1.0`` and ``1`` are the same value);
* step flags with their default value are dropped: ``active: true``, ``stop: false``, ``set_var: false``;
* HTTP/MCP trigger methods are upper-cased (the trigger compares them case-insensitively);
* ``description: ""`` is dropped (absent and empty are the same) and so is ``accept: "application/json"`` (the
  workflow helper's default; the runtime never reads it);
* v2 documents also drop ``schemaVersion: "2"``, ``ephemeral: false``, ``spread: false``, ``forEach.mode:
  "sequential"`` and a ``type`` equal to the one v2 infers from ``use``, at every depth, and read method ``"*"``
  as ``"ANY"`` (as the v2 loader does).

Expects a document within :data:`~blokhub.blok.limits.LIMITS` (the normaliser recurses once per level).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from blokhub.blok.dialect import Dialect, dialect_of, nested_lists
from blokhub.blok.model import infer_type

_DEFAULT_FLAGS = (("active", True), ("stop", False), ("set_var", False))
_V2_DEFAULTS = (("active", True), ("stop", False), ("ephemeral", False), ("spread", False))


def _normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _normalise(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_normalise(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _drop_default_flags(steps: Any) -> None:
    if not isinstance(steps, list):
        return
    for step in steps:
        if isinstance(step, dict):
            for flag, default in _DEFAULT_FLAGS:
                if flag in step and step[flag] is default:
                    del step[flag]


def canonical(doc: dict[str, Any]) -> dict[str, Any]:
    out = _normalise(doc)
    if not isinstance(out, dict):
        return out  # type: ignore[no-any-return]
    if out.get("description") == "":
        del out["description"]
    if dialect_of(out) is Dialect.V2:
        return _canonical_v2(out)
    _drop_default_flags(out.get("steps"))
    nodes = out.get("nodes")
    for config in nodes.values() if isinstance(nodes, dict) else ():
        conditions = config.get("conditions") if isinstance(config, dict) else None
        for condition in conditions if isinstance(conditions, list) else ():
            if isinstance(condition, dict):
                _drop_default_flags(condition.get("steps"))
    trigger = out.get("trigger")
    if isinstance(trigger, dict):
        for kind in ("http", "mcp"):
            _normalise_http(trigger.get(kind))
    return out


def _canonical_v2(out: dict[str, Any]) -> dict[str, Any]:
    if out.get("schemaVersion") == "2":
        del out["schemaVersion"]  # the default, and the dialect is already what the document is
    stack = [out.get("steps")]
    while stack:
        steps = stack.pop()
        for step in steps if isinstance(steps, list) else ():
            if not isinstance(step, dict):
                continue
            for flag, default in _V2_DEFAULTS:
                if flag in step and step[flag] is default:
                    del step[flag]
            use = step.get("use")
            if isinstance(use, str) and step.get("type") == infer_type(use):
                del step["type"]
            body = step.get("forEach")
            if isinstance(body, dict) and body.get("mode") == "sequential":
                del body["mode"]
            stack.extend(nested for _suffix, nested in nested_lists(step))
    trigger = out.get("trigger")
    if isinstance(trigger, dict):
        http = trigger.get("http")
        _normalise_http(http)
        if isinstance(http, dict) and http.get("method") == "*":
            http["method"] = "ANY"  # the v2 loader reads "*" as ANY
    return out


def _normalise_http(settings: Any) -> None:
    if not isinstance(settings, dict):
        return
    if isinstance(settings.get("method"), str):
        settings["method"] = settings["method"].upper()
    if settings.get("accept") == "application/json":
        del settings["accept"]


def canonical_json(doc: dict[str, Any]) -> str:
    return json.dumps(canonical(doc), separators=(",", ":"), ensure_ascii=False, sort_keys=True, allow_nan=False)


def canonical_hash(doc: dict[str, Any]) -> str:
    # surrogatepass: a JSON "\ud800" escape decodes to a lone surrogate, which must still hash, not crash.
    data = canonical_json(doc).encode("utf-8", "surrogatepass")
    return "sha256:" + hashlib.sha256(data).hexdigest()
