"""TOML loading on top of :mod:`tomllib`, plus a line-based index that places pointers in TOML source.

Datetimes: TOML has date/time types that JSON lacks. They are converted to ISO 8601 strings (UTC offsets are
written as ``Z``, sub-second digits as milliseconds when that loses nothing) rather than refused, because
``metadata.created = 2025-08-11T22:31:27.870Z`` is a natural way to write a timestamp in TOML.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from dataclasses import replace
from typing import Any

from blokhub.blok._toml_index import TomlIndex
from blokhub.blok.errors import BlokParseError, Issue
from blokhub.blok.limits import (
    LIMITS,
    check_limits,
    non_finite_issue,
    too_deep_issue,
    too_many_nodes_issue,
)

_STRINGS_AND_COMMENTS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_HEADER_LINE = re.compile(r"^[ \t]*\[\[?(?=[ \t]*[A-Za-z0-9_\"'-][^\n\[\]{}]*\]\]?[ \t]*(?:#[^\n]*)?$)", re.MULTILINE)
# A run of more than max_depth dotted key parts; possessive and anchored at a part start to stay linear.
_DOTTED_RUN = re.compile(rf"(?<![A-Za-z0-9_-])(?:[A-Za-z0-9_-]++[ \t]*+\.[ \t]*+){{{LIMITS.max_depth}}}")
# A dotted key cannot span lines, so a line with that many dots is needed for the run above.
_MANY_DOTS_ON_ONE_LINE = re.compile(rf"^(?:[^\n.]*+\.){{{LIMITS.max_depth}}}", re.MULTILINE)
_MAYBE_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}:[0-9]{2}:[0-9]{2}")
_ERROR_AT = re.compile(r"\(at line (\d+), column (\d+)\)$")
_NON_FINITE = re.compile(r"=\s*[-+]?(?:inf|nan)\b|[0-9][eE]\+?[0-9]{3,}")
_DUPLICATE_MESSAGES = ("Cannot overwrite", "Cannot declare", "Cannot mutate")


class _NotFinite(Exception):
    pass


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotFinite(text)
    return value


def load_toml(text: str) -> dict[str, Any]:
    _precheck(text)
    try:
        document = tomllib.loads(text, parse_float=_finite_float)
    except _NotFinite:
        match = _NON_FINITE.search(text)
        line = text.count("\n", 0, match.start()) + 1 if match else None
        raise BlokParseError([non_finite_issue("", line)]) from None
    except tomllib.TOMLDecodeError as exc:
        raise BlokParseError([_decode_error_issue(text, str(exc))]) from None
    except RecursionError:
        raise BlokParseError([too_deep_issue("")]) from None
    except ValueError:  # integers beyond Python's digit limit
        raise BlokParseError([non_finite_issue("")]) from None
    if _MAYBE_DATETIME.search(text):
        _stringify_datetimes(document)
    try:
        check_limits(document)
    except BlokParseError as exc:
        index = TomlIndex(text).positions
        raise BlokParseError([_placed(issue, index) for issue in exc.issues]) from None
    return document


def _placed(issue: Issue, index: dict[str, tuple[int, int]]) -> Issue:
    pointer = issue.pointer
    while pointer not in index and pointer:
        pointer = pointer[: pointer.rfind("/")]
    where = index.get(pointer)
    return replace(issue, line=where[0], column=where[1]) if where else issue


def _precheck(text: str) -> None:
    """Refuse what would make tomllib itself slow or deep, before it runs.

    * Nested inline arrays/tables: tomllib recurses on them.
    * Long dotted keys (``a.a.a...``, in headers too): tomllib's handling is quadratic in the number of parts,
      and more than ``max_depth`` parts is too deep anyway.
    * Value count: every ``=`` and every ``,`` outside strings adds at least one value, so either count over
      the limit is already too many values.

    Cheap counts on the raw text decide whether the string-and-comment-free copy is needed at all. Header
    lines open and close their brackets on the same line, so they add at most 2 to the depth.
    """
    header_brackets = sum(len(match.group().strip()) for match in _HEADER_LINE.finditer(text))
    check_depth = text.count("[") + text.count("{") - header_brackets + 2 > LIMITS.max_depth
    check_dots = text.count(".") >= LIMITS.max_depth and _MANY_DOTS_ON_ONE_LINE.search(text) is not None
    check_count = max(text.count("="), text.count(",")) > LIMITS.max_nodes
    if not (check_depth or check_dots or check_count):
        return
    bare = _STRINGS_AND_COMMENTS.sub("0", text)
    if check_count and max(bare.count("="), bare.count(",")) > LIMITS.max_nodes:
        raise BlokParseError([too_many_nodes_issue(None)])
    dotted = _DOTTED_RUN.search(bare) if check_dots else None
    if dotted is not None:
        raise BlokParseError([too_deep_issue("", bare.count("\n", 0, dotted.start()) + 1)])
    if check_depth:
        depth = 0
        for char in _NOT_BRACKET.sub("", bare):
            depth += 1 if char in "[{" else -1
            if depth > LIMITS.max_depth:
                raise BlokParseError([too_deep_issue("")])


def _decode_error_issue(text: str, message: str) -> Issue:
    match = _ERROR_AT.search(message)
    line, column = (int(match[1]), int(match[2])) if match else (text.count("\n") + 1, None)
    if message.startswith(_DUPLICATE_MESSAGES):
        found = TomlIndex(text).duplicate
        if found is not None:
            pointer, (line, column) = found
            return Issue(
                "duplicate_key",
                f"{pointer or 'a key'} is defined twice; keep only one definition",
                pointer,
                line,
                column,
            )
        return Issue("duplicate_key", f"invalid TOML: {message}; a key or table is defined twice", "", line, column)
    return Issue("syntax", f"invalid TOML: {message}", "", line, column)


def _iso(value: dt.date | dt.time) -> str:
    micro = getattr(value, "microsecond", 0)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    spec = "seconds" if micro == 0 else "milliseconds" if micro % 1000 == 0 else "microseconds"
    text = value.isoformat(timespec=spec)
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _stringify_datetimes(document: dict[str, Any]) -> None:
    stack: list[dict[str, Any] | list[Any]] = [document]
    while stack:
        container = stack.pop()
        items = container.items() if isinstance(container, dict) else enumerate(container)
        for key, value in items:
            if isinstance(value, dict | list):
                stack.append(value)
            elif isinstance(value, dt.date | dt.time):
                container[key] = _iso(value)  # type: ignore[index]
