"""Characters the server refuses in text, said on every string a client sends.

A guard in front of the handlers may refuse characters no honest client sends (NUL, which PostgreSQL cannot store,
and other controls) in every JSON string and in every path and query value. When the app has such a guard it hands
its character classes here, and the document says the same on each request-side string: a ``pattern`` on the
string, or an ``allOf`` beside a pattern the string already has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TextRules:
    """Regex character classes (``[...]``) refused in body strings and in path/query values; None: no guard."""

    body: str | None = None
    line: str | None = None


def _allowed_only(refused: str) -> str:
    if not (refused.startswith("[") and refused.endswith("]")) or refused.startswith("[^"):
        raise ValueError(f"expected a positive character class, got {refused!r}")
    return f"^[^{refused[1:-1]}]*$"


def _constrain(node: Any, pattern: str) -> None:
    if isinstance(node, list):
        for item in node:
            _constrain(item, pattern)
        return
    if not isinstance(node, dict) or "$ref" in node:
        return
    if node.get("type") == "string" and node.get("format") != "binary":
        if "pattern" in node:
            node.setdefault("allOf", []).append({"pattern": pattern})
        else:
            node["pattern"] = pattern
    for key in ("anyOf", "oneOf", "allOf", "items", "prefixItems", "properties", "additionalProperties"):
        child = node.get(key)
        if key == "properties" and isinstance(child, dict):
            _constrain(list(child.values()), pattern)
        elif key != "allOf" or node.get("type") != "string":
            _constrain(child, pattern)


def apply_text_rules(doc: dict[str, Any], rules: TextRules, input_names: set[str]) -> None:
    """Add the rules to request bodies (the ``Input`` components) and to path and query parameters."""
    if rules.body:
        pattern = _allowed_only(rules.body)
        for name, schema in doc["components"]["schemas"].items():
            if name in input_names:
                _constrain(schema, pattern)
    if rules.line:
        pattern = _allowed_only(rules.line)
        for item in doc.get("paths", {}).values():
            for operation in item.values():
                for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                    if parameter.get("in") in ("path", "query"):
                        _constrain(parameter.get("schema"), pattern)
