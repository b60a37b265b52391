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

from blokhub.blok.errors import BlokParseError, Issue, escape_token
from blokhub.blok.limits import LIMITS, check_limits, non_finite_issue, too_deep_issue

_STRINGS_AND_COMMENTS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*'
)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_HEADER_LINE = re.compile(
    r"^[ \t]*\[\[?(?=[ \t]*[A-Za-z0-9_\"'-][^\n\[\]{}]*\]\]?[ \t]*(?:#[^\n]*)?$)", re.MULTILINE
)
_MAYBE_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}:[0-9]{2}:[0-9]{2}")
_MULTILINE_STRING = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'')
_KEY_PART = re.compile(r'[ \t]*(?:"((?:[^"\\\n]|\\.)*)"|\'([^\'\n]*)\'|([A-Za-z0-9_-]+))[ \t]*')
_INLINE_KEY = re.compile(r'[{,][ \t]*([A-Za-z0-9_-]+|"[^"\\\n]*")[ \t]*=')
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
    _check_bracket_depth(text)
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
        index = _TomlIndex(text).positions
        raise BlokParseError([_placed(issue, index) for issue in exc.issues]) from None
    return document


def _placed(issue: Issue, index: dict[str, tuple[int, int]]) -> Issue:
    pointer = issue.pointer
    while pointer not in index and pointer:
        pointer = pointer[: pointer.rfind("/")]
    where = index.get(pointer)
    return replace(issue, line=where[0], column=where[1]) if where else issue


def _check_bracket_depth(text: str) -> None:
    # tomllib recurses on nested inline arrays/tables; refuse deep nesting before it can hit RecursionError.
    # Header lines open and close their brackets on the same line, so they add at most 2 to the depth;
    # when the brackets outside them cannot reach the limit even if all nested, the exact scan is skipped.
    header_brackets = sum(len(match.group().strip()) for match in _HEADER_LINE.finditer(text))
    if text.count("[") + text.count("{") - header_brackets + 2 <= LIMITS.max_depth:
        return
    brackets = _NOT_BRACKET.sub("", _STRINGS_AND_COMMENTS.sub("0", text))
    if len(brackets) // 2 <= LIMITS.max_depth:
        return
    depth = 0
    for char in brackets:
        depth += 1 if char in "[{" else -1
        if depth > LIMITS.max_depth:
            raise BlokParseError([too_deep_issue("")])


def _decode_error_issue(text: str, message: str) -> Issue:
    match = _ERROR_AT.search(message)
    line, column = (int(match[1]), int(match[2])) if match else (text.count("\n") + 1, None)
    if message.startswith(_DUPLICATE_MESSAGES):
        found = _TomlIndex(text).duplicate
        if found is not None:
            pointer, (line, column) = found
            return Issue(
                "duplicate_key",
                f"{pointer or 'a key'} is defined twice; keep only one definition",
                pointer,
                line,
                column,
            )
        return Issue(
            "duplicate_key", f"invalid TOML: {message}; a key or table is defined twice", "", line, column
        )
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


def toml_positions(text: str) -> dict[str, tuple[int, int]]:
    return _TomlIndex(text).positions


class _TomlIndex:
    """Best-effort map from JSON pointers to header / key lines; inline tables and arrays are not entered."""

    def __init__(self, text: str) -> None:
        self.positions: dict[str, tuple[int, int]] = {}
        self.duplicate: tuple[str, tuple[int, int]] | None = None
        self._arrays: dict[tuple[str, ...], int] = {}
        self._defined: set[tuple[str, ...]] = set()
        self._open_array: tuple[tuple[str, ...], int] | None = None
        table: tuple[str, ...] = ()
        blanked = _MULTILINE_STRING.sub(lambda m: "0" + "\n" * m.group().count("\n"), text)
        self.positions[""] = (1, 1)
        for number, line in enumerate(blanked.split("\n"), start=1):
            stripped = line.lstrip()
            column = len(line) - len(stripped) + 1
            if self._open_array is not None:
                self._array_item(stripped, line, (number, column))
                continue
            if stripped.startswith("["):
                is_array = stripped.startswith("[[")
                parts = _parse_key(stripped[2 if is_array else 1 :])
                if parts is not None:
                    table = self._header(parts[0], is_array, (number, column))
                continue
            parts = _parse_key(stripped)
            if parts is not None and parts[1].startswith("="):
                key = self._define(table, parts[0], (number, column), is_table=False)
                if parts[1][1:].strip() == "[":
                    self._open_array = (key, 0)

    def _array_item(self, stripped: str, line: str, where: tuple[int, int]) -> None:
        """Index one line of a multi-line array, as written by tomli_w: one complete item per line."""
        assert self._open_array is not None
        path, count = self._open_array
        if stripped.startswith("]") or not stripped.rstrip().endswith(","):
            self._open_array = None  # the end, or a layout this best-effort index does not follow
            return
        item = (*path, str(count))
        self.positions.setdefault(_to_pointer(item), where)
        if stripped.startswith("{") and line.count("{") == 1:
            for match in _INLINE_KEY.finditer(line):
                key = match.group(1).strip('"')
                self.positions.setdefault(_to_pointer((*item, key)), (where[0], match.start(1) + 1))
        self._open_array = (path, count + 1)

    def _resolve(self, parts: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        resolved: list[str] = []
        for part in parts:
            resolved.append(part)
            count = self._arrays.get(tuple(resolved))
            if count is not None:
                resolved.append(str(count - 1))
        return tuple(resolved)

    def _header(self, parts: list[str], is_array: bool, where: tuple[int, int]) -> tuple[str, ...]:
        if not is_array:
            return self._define((), parts, where, is_table=True)
        base = (*self._resolve(parts[:-1]), parts[-1])
        count = self._arrays.get(base, 0) + 1
        self._arrays[base] = count
        resolved = (*base, str(count - 1))
        for end in range(1, len(resolved) + 1):
            self.positions.setdefault(_to_pointer(resolved[:end]), where)
        return resolved

    def _define(
        self, table: tuple[str, ...], parts: list[str], where: tuple[int, int], *, is_table: bool
    ) -> tuple[str, ...]:
        full = self._resolve([*table, *parts]) if is_table else (*table, *parts)
        for end in range(1, len(full) + 1):
            self.positions.setdefault(_to_pointer(full[:end]), where)
        if full in self._defined and self.duplicate is None:
            self.duplicate = (_to_pointer(full), where)
        self._defined.add(full)
        return full


def _to_pointer(parts: tuple[str, ...]) -> str:
    return "".join("/" + escape_token(part) for part in parts)


def _parse_key(text: str) -> tuple[list[str], str] | None:
    """Split a dotted key at the start of ``text``; return its parts and the rest of the line."""
    parts: list[str] = []
    position = 0
    while True:
        match = _KEY_PART.match(text, position)
        if match is None:
            return None
        basic, literal, bare = match.groups()
        parts.append(bare if bare is not None else literal if literal is not None else _unescape(basic))
        position = match.end()
        if text.startswith(".", position):
            position += 1
            continue
        rest = text[position:].lstrip("] \t")
        return parts, rest


def _unescape(basic: str) -> str:
    try:
        value = tomllib.loads(f'k = "{basic}"')["k"]
    except tomllib.TOMLDecodeError:
        return basic
    return value if isinstance(value, str) else basic
