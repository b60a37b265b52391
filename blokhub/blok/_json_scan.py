"""Scanners over JSON source text that never recurse and never build the decoded tree.

``measure`` is the hot-path guard run before ``json.loads``: it strips strings with one regex pass so that
brackets and commas can be counted at C speed. ``scan`` is the slow, exact tokenizer used only to place issues
(positions, duplicate keys, bad numbers, the point where nesting gets too deep).
"""

from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import dataclass, field

from blokhub.blok.errors import join_pointer

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_SIMPLE_STRING = re.compile(r'"[^"]*"')
_EMPTY_CONTAINER = re.compile(r"\[[ \t\r\n]*\]|\{[ \t\r\n]*\}")
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}:,]|[^ \t\r\n\[\]{}:,"]+')
_BAD_CONSTANTS = frozenset({"NaN", "Infinity", "-Infinity"})
_MAX_INT_DIGITS = 4300


def measure(text: str, max_depth: int) -> tuple[int, int]:
    """Return ``(depth, values)`` for JSON text; depth stops counting once it passes ``max_depth``.

    ``values`` uses the identity values = 1 + commas + non-empty containers, which holds for any valid JSON
    text and is only an estimate for broken text (``json.loads`` reports those anyway).
    """
    # Without escaped quotes a string is simply "[^"]*", which the regex engine skips much faster.
    stripped = (_STRING if '\\"' in text else _SIMPLE_STRING).sub("0", text)
    opens = stripped.count("[") + stripped.count("{")
    values = 1 + stripped.count(",") + opens - len(_EMPTY_CONTAINER.findall(stripped))
    if opens <= max_depth:
        return opens, values
    depth = deepest = 0
    for char in _NOT_BRACKET.sub("", stripped):
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > max_depth:
                    break
        else:
            depth -= 1
    return deepest, values


class LineIndex:
    """Maps string offsets to 1-based (line, column) pairs."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


@dataclass(slots=True)
class _Frame:
    is_object: bool
    pointer: str
    index: int = 0
    member: str = ""
    expect_key: bool = True
    keys: set[str] = field(default_factory=set)


@dataclass(slots=True)
class ScanResult:
    positions: dict[str, int] = field(default_factory=dict)
    duplicate: tuple[str, int] | None = None
    bad_number: tuple[str, int] | None = None
    too_deep: tuple[str, int] | None = None


def _bad_number(token: str) -> bool:
    if token in _BAD_CONSTANTS:
        return True
    if token in ("true", "false", "null"):
        return False
    try:
        if any(c in token for c in ".eE"):
            return not math.isfinite(float(token))
        return len(token.lstrip("-")) > _MAX_INT_DIGITS
    except ValueError:
        return False


def scan(text: str, *, max_depth: int, stop_at: str | None = None, max_values: int | None = None) -> ScanResult:
    """Tokenize ``text`` and record where every value starts (object members: where their key starts).

    ``stop_at`` names the problem ("duplicate", "bad_number", "too_deep") whose first occurrence ends the
    scan;
    ``max_values`` ends it once that many positions are known (used to place a too-many-values refusal).
    """
    scanner = _Scanner(max_depth, stop_at)
    for match in _TOKEN.finditer(text):
        if scanner.feed(match.group(), match.start()):
            break
        if max_values is not None and len(scanner.result.positions) > max_values:
            break
    return scanner.result


class _Scanner:
    def __init__(self, max_depth: int, stop_at: str | None) -> None:
        self.result = ScanResult()
        self.stack: list[_Frame] = []
        self.max_depth = max_depth
        self.stop_at = stop_at

    def feed(self, token: str, offset: int) -> bool:
        """Consume one token; True means the problem named by ``stop_at`` was found."""
        top = self.stack[-1] if self.stack else None
        if token == ",":
            if top is not None:
                if top.is_object:
                    top.expect_key = True
                else:
                    top.index += 1
            return False
        if token == ":":
            return False
        if token in "]}":
            if self.stack:
                self.stack.pop()
            return False
        if top is not None and top.is_object and top.expect_key:
            return self._key(top, token, offset)
        return self._value(top, token, offset)

    def _key(self, top: _Frame, token: str, offset: int) -> bool:
        key = token[1:-1] if "\\" not in token else _decode_key(token)
        top.member = join_pointer(top.pointer, key)
        top.expect_key = False
        self.result.positions.setdefault(top.member, offset)
        duplicate = key in top.keys
        top.keys.add(key)
        if duplicate and self.result.duplicate is None:
            self.result.duplicate = (top.member, offset)
            return self.stop_at == "duplicate"
        return False

    def _value(self, top: _Frame | None, token: str, offset: int) -> bool:
        if top is None:
            pointer = ""
            self.result.positions.setdefault(pointer, offset)
        elif top.is_object:
            pointer = top.member
        else:
            pointer = join_pointer(top.pointer, top.index)
            self.result.positions.setdefault(pointer, offset)
        if token in "[{":
            self.stack.append(_Frame(is_object=token == "{", pointer=pointer))
            if len(self.stack) > self.max_depth and self.result.too_deep is None:
                self.result.too_deep = (pointer, offset)
                return self.stop_at == "too_deep"
        elif token[0] != '"' and self.result.bad_number is None and _bad_number(token):
            self.result.bad_number = (pointer, offset)
            return self.stop_at == "bad_number"
        return False


def _decode_key(token: str) -> str:
    try:
        value = json.loads(token)
    except ValueError:
        return token[1:-1]
    return value if isinstance(value, str) else token[1:-1]
