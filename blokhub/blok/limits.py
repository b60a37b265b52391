"""Size, depth and node-count limits shared by every entry point.

The limits bound the work any later step (validation, hashing, export, JSONB storage) can be asked to do, so
they
are enforced before a document is accepted, whether it arrived as source text or as an already-decoded object.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from blokhub.blok.errors import BlokParseError, Issue, join_pointer


@dataclass(frozen=True, slots=True)
class Limits:
    max_source_bytes: int = 524_288
    max_depth: int = 64
    max_nodes: int = 5_000


LIMITS = Limits()

_SCALARS = (str, bool, int, float, type(None))


def too_large_issue(size: int) -> Issue:
    return Issue(
        "too_large",
        f"the workflow is {size:,} bytes; the limit is {LIMITS.max_source_bytes:,} bytes "
        f"({LIMITS.max_source_bytes // 1024} KiB). Move large text (prompts, SQL) out of the workflow.",
        "",
    )


def too_deep_issue(pointer: str, line: int | None = None, column: int | None = None) -> Issue:
    return Issue(
        "too_deep",
        f"the document nests deeper than {LIMITS.max_depth} levels of objects/arrays; flatten it",
        pointer,
        line,
        column,
    )


def too_many_nodes_issue(
    count: int | None, pointer: str = "", line: int | None = None, column: int | None = None
) -> Issue:
    seen = f"at least {count:,}" if count is not None else "more than the limit of"
    return Issue(
        "too_many_nodes",
        f"the document has {seen} values; the limit is {LIMITS.max_nodes:,}. Split it into smaller workflows.",
        pointer,
        line,
        column,
    )


def non_finite_issue(pointer: str, line: int | None = None, column: int | None = None) -> Issue:
    return Issue(
        "invalid_number",
        "numbers must be finite and fit in a JSON number (no NaN, Infinity or integers over 4300 digits)",
        pointer,
        line,
        column,
    )


def check_limits(doc: Any) -> None:
    """Refuse a decoded document that breaks :data:`LIMITS` or holds non-JSON values.

    Meant for documents that never went through :func:`parse`, e.g. the ``definition`` object of an API body.
    The first pass keeps no pointers so accepted documents stay cheap; only a refusal pays for locating the
    offending value. String sizes are counted in characters as a stand-in for the source-size limit.
    """
    if _first_violation(doc, with_pointer=False) is None:
        return
    found = _first_violation(doc, with_pointer=True)
    assert found is not None
    raise BlokParseError([found])


def _first_violation(doc: Any, *, with_pointer: bool) -> Issue | None:
    stack: list[tuple[Any, int, str]] = [(doc, 1, "")]
    nodes = 0
    chars = 0
    while stack:
        value, depth, pointer = stack.pop()
        nodes += 1
        if nodes > LIMITS.max_nodes:
            return too_many_nodes_issue(nodes, pointer)
        if isinstance(value, str):
            chars += len(value)
        elif isinstance(value, dict | list):
            if depth > LIMITS.max_depth:
                return too_deep_issue(pointer)
            found = _push_children(value, depth, pointer, stack, with_pointer)
            if isinstance(found, Issue):
                return found
            chars += found
        elif isinstance(value, float) and not math.isfinite(value):
            return non_finite_issue(pointer)
        elif not isinstance(value, _SCALARS):
            return Issue(
                "unsupported_type",
                f"{type(value).__name__} values are not allowed; use JSON types only",
                pointer,
            )
        if chars > LIMITS.max_source_bytes:
            return too_large_issue(chars)
    return None


def _push_children(
    value: dict[Any, Any] | list[Any],
    depth: int,
    pointer: str,
    stack: list[tuple[Any, int, str]],
    with_pointer: bool,
) -> Issue | int:
    """Queue the children of a container; return the key characters seen, or the issue with a key."""
    if isinstance(value, list):
        for index, child in enumerate(value):
            stack.append((child, depth + 1, join_pointer(pointer, index) if with_pointer else ""))
        return 0
    chars = 0
    for key, child in value.items():
        if not isinstance(key, str):
            return Issue("invalid_key", f"object keys must be strings, not {key!r}", pointer)
        chars += len(key)
        stack.append((child, depth + 1, join_pointer(pointer, key) if with_pointer else ""))
    return chars
