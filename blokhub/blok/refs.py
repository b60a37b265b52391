"""v2 structural references to the trigger and their v1 wire form, both ways.

``{"$ref": {"step": "@trigger", "path": ["body", "items", 0]}}`` is what the v2 loader lowers to
``js/ctx.request.body.items[0]``; v1 can only write the string. The mapping is a bijection on whole-string path
expressions, so v1 → v2 raises such strings to references and v2 → v1 lowers them again, and both round trips are
exact.
"""

from __future__ import annotations

import json
import re
from typing import Any

TRIGGER = "@trigger"
_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_SEGMENT = re.compile(r'\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')
_PREFIX = "js/ctx.request"


def ref_path(path: Any) -> str:
    parts = path if isinstance(path, list) else []
    return "".join(
        f"[{p}]" if isinstance(p, int) else f".{p}" if _IDENT.match(str(p)) else f"[{json.dumps(str(p))}]"
        for p in parts
    )


def lower_trigger_ref(ref: dict[str, Any]) -> str:
    return _PREFIX + ref_path(ref.get("path"))


def _parse(text: str) -> list[str | int] | None:
    if not text.startswith(_PREFIX):
        return None
    rest, path = text[len(_PREFIX) :], []
    while rest:
        match = _SEGMENT.match(rest)
        if match is None:
            return None
        name, index, quoted = match.groups()
        segment: str | int = name if name is not None else int(index) if index is not None else json.loads(quoted)
        if isinstance(segment, str) and _IDENT.match(segment) and quoted is not None:
            return None  # ["abc"] would lower back to .abc; leave such strings as they are
        path.append(segment)
        rest = rest[match.end() :]
    return path


def raise_trigger_refs(value: Any) -> Any:
    """``value`` with every whole-string ``js/ctx.request…`` path turned into a trigger ``$ref``."""
    if isinstance(value, str):
        path = _parse(value)
        return value if path is None else {"$ref": {"step": TRIGGER, "path": path}}
    if isinstance(value, list):
        return [raise_trigger_refs(item) for item in value]
    if isinstance(value, dict):
        return {key: raise_trigger_refs(child) for key, child in value.items()}
    return value
