"""How a v2 author writes the values a v1 demo workflow computes: structural references and v2 state.

v1 keeps a step's output in ``ctx.vars`` only when the step says ``set_var`` and reads the previous step through
``ctx.response.data``; v2 stores every step's output under ``ctx.state[<id>]`` and prefers ``{"$ref": …}`` to
``js/`` strings. So a whole-string path (``js/ctx.vars['get-user'].email``, ``js/ctx.response.data.items``,
``js/ctx.request.body.id``) becomes a ``$ref``, and code that does more than read a path keeps its ``js/`` form
with ``ctx.vars`` read from ``ctx.state`` (the same object: the output the step returned).
"""

from __future__ import annotations

import json
import re
from typing import Any

from blokhub.blok.refs import raise_trigger_refs

_VARS = re.compile(r"\bctx\.vars\b")
_RESPONSE = re.compile(r"\bctx\.response\.data\b")
_SEGMENT = re.compile(r"\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\['([^'\\]*)'\]|\[\"([^\"\\]*)\"\]")
_STATE_HEAD = re.compile(r"^js/ctx\.(?:vars|state)(?:\.([A-Za-z_$][\w$]*)|\['([^'\\]+)'\]|\[\"([^\"\\]+)\"\])")
_RESPONSE_HEAD = "js/ctx.response.data"
_ITEM = re.compile(r"(?<![.\w$])data\b")
_JS_KEY = re.compile(r"^[A-Za-z_$][\w$]*$")


def _path(rest: str) -> list[str | int] | None:
    """``.a[0]['b-c']`` as ``["a", 0, "b-c"]``; None when ``rest`` is more than a path."""
    path: list[str | int] = []
    while rest:
        match = _SEGMENT.match(rest)
        if match is None:
            return None
        name, index, single, double = match.groups()
        path.append(int(index) if index is not None else name or single or double or "")
        rest = rest[match.end() :]
    return path


def ref(step: str, path: list[str | int]) -> dict[str, Any]:
    return {"$ref": {"step": step, "path": path}}


def state_js(text: str, previous: str | None = None) -> str:
    """``text`` reading v2 state where it read v1 vars (and the previous step's output, when that is known)."""
    text = _VARS.sub("ctx.state", text)
    return _RESPONSE.sub(f"ctx.state['{previous}']", text) if previous is not None else text


def as_ref(text: str, previous: str | None) -> dict[str, Any] | None:
    """The ``$ref`` a v2 author writes for a whole-string path, or None."""
    head = _STATE_HEAD.match(text)
    if head is not None:
        path = _path(text[head.end() :])
        step = head.group(1) or head.group(2) or head.group(3)
        return ref(step, path) if path is not None else None
    if previous is not None and text.startswith(_RESPONSE_HEAD):
        path = _path(text[len(_RESPONSE_HEAD) :])
        return ref(previous, path) if path is not None else None
    raised = raise_trigger_refs(text)
    return raised if isinstance(raised, dict) else None


def inputs_v2(value: Any, previous: str | None) -> Any:
    """Inputs as a v2 author writes them (fresh containers; the v1 document is left as it was)."""
    if isinstance(value, str):
        structural = as_ref(value, previous) if value.startswith("js/") else None
        return structural if structural is not None else state_js(value, previous)
    if isinstance(value, list):
        return [inputs_v2(item, previous) for item in value]
    if isinstance(value, dict):
        return {key: inputs_v2(child, previous) for key, child in value.items()}
    return value


def per_item(map_js: str, var: str) -> str:
    """An array-map ``map`` (``data`` is the item) as the expression of one forEach iteration over ``var``."""
    body = _ITEM.sub(f"ctx.state.{var}", state_js(map_js)).strip()
    return f"({body})" if body.startswith("{") else body


def js_value(value: Any, previous: str | None) -> str:
    """A mapper ``model`` (literals, ``js/`` code and ``${…}`` text) as one JavaScript expression."""
    if isinstance(value, str):
        if value.startswith("js/"):
            return f"({state_js(value[3:], previous)})"
        if "${" in value:
            return "`" + state_js(value, previous).replace("\\", "\\\\").replace("`", "\\`") + "`"
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(js_value(item, previous) for item in value) + "]"
    if isinstance(value, dict):
        items = (f"{k if _JS_KEY.match(k) else json.dumps(k)}: {js_value(v, previous)}" for k, v in value.items())
        return "{ " + ", ".join(items) + " }"
    return json.dumps(value)
