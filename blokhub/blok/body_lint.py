"""A warning for an api-call step whose ``body`` is a string or an array: Blok's api-call nodes take an object.

The published ``@nanoservice-ts/api-call`` 0.1.17 validates its inputs against a schema with ``body: {type:
object}``, and ``@blokjs/api-call`` declares ``body: z.record(...)``; ``@blok-ts/api-call`` is the same code on
the mcp-server branch. A string (``JSON.stringify(...)``, a ``${...}`` text, a v2 ``$tpl``) or an array fails the
step at run time although the document is well formed, and the node serialises an object itself, so the fix is
always to pass the object. It is a warning, not an error: another node (a user's own ``api-call``, a Python
runtime's ``api_call``) may accept text, and a ``js/`` expression's type is only known when it runs, so only
expressions that evidently build a string or an array are flagged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blokhub.blok.errors import Issue
from blokhub.blok.model import ModelStep

API_CALL_NODES = frozenset({"@nanoservice-ts/api-call", "@blok-ts/api-call", "@blokjs/api-call"})
CODE = "api_call_body_not_object"
_STRING_CALLS = ("JSON.stringify(", "String(")
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_QUOTES = "'\"`"


def api_call_body_issues(steps: list[ModelStep]) -> list[Issue]:
    issues: list[Issue] = []
    seen: set[str] = set()  # v1 steps sharing a name share one nodes entry: one warning for it
    for step in steps:
        if step.node not in API_CALL_NODES or step.inputs is None or step.inputs_pointer is None:
            continue
        pointer = step.inputs_pointer + "/body"
        if "body" in step.inputs and pointer not in seen:
            seen.add(pointer)
            issues.extend(_body_issue(step.node, step.inputs["body"], pointer))
    return issues


def body_kind(value: Any) -> str | None:
    """ "a string" or "an array" when ``value`` evidently is (or builds) one, else None."""
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a string" if len(value) == 1 and "$tpl" in value else None  # v2 template: always text
    if not isinstance(value, str):
        return None
    if not value.startswith("js/"):
        return "a string"  # ${...} placeholders are spliced into the text, so this stays a string
    expr = value[3:].strip()
    if expr[:1] in _QUOTES and _closes_at_end(expr):
        return "a string"
    if expr.startswith("[") and _closes_at_end(expr):
        return "an array"
    for call in _STRING_CALLS:
        if expr.startswith(call) and _closes_at_end(expr, len(call) - 1):
            return "a string"
    return None


def _body_issue(node: str, value: Any, pointer: str) -> Iterator[Issue]:
    kind = body_kind(value)
    if kind is None:
        return
    yield Issue(
        CODE,
        f"{node} needs body to be an object but it is {kind}; the step fails when it runs - pass an object "
        '(e.g. "js/ctx.request.body" or {"key": "${...}"}); the node serialises it to JSON itself',
        pointer,
        severity="warning",
    )


def _closes_at_end(expr: str, start: int = 0) -> bool:
    """Whether the bracket or quote opening at ``start`` closes at the last character (so it is the whole value)."""
    close = _matching(expr, start)
    return close == len(expr) - 1


def _matching(expr: str, start: int) -> int:
    opener = expr[start]
    if opener in _QUOTES:
        return _quote_end(expr, start)
    depth = 0
    index = start
    while index < len(expr):
        char = expr[index]
        if char in _QUOTES:
            index = _quote_end(expr, index)
            if index < 0:
                return -1
        elif char in _PAIRS:
            depth += 1
        elif char in _PAIRS.values():
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def _quote_end(expr: str, start: int) -> int:
    quote = expr[start]
    index = start + 1
    while index < len(expr):
        if expr[index] == "\\":
            index += 2
            continue
        if expr[index] == quote:
            return index
        index += 1
    return -1
