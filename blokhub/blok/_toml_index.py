"""A best-effort, line-based map from JSON pointers to positions in TOML source.

tomllib keeps no positions, so issues are placed by reading the source again: table headers, ``key = value``
lines and, as tomli_w writes them, multi-line arrays with one item per line. Inline tables and other layouts
fall back to the nearest ancestor that was found. Work is linear in the source: pointers are built up
incrementally instead of re-joining key tuples.
"""

from __future__ import annotations

import re
import tomllib

from blokhub.blok.errors import escape_token

_MULTILINE_STRING = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'')
_KEY_PART = re.compile(r'[ \t]*(?:"((?:[^"\\\n]|\\.)*)"|\'([^\'\n]*)\'|([A-Za-z0-9_-]+))[ \t]*')
_INLINE_KEY = re.compile(r'[{,][ \t]*([A-Za-z0-9_-]+|"[^"\\\n]*")[ \t]*=')


def toml_positions(text: str) -> dict[str, tuple[int, int]]:
    return TomlIndex(text).positions


class TomlIndex:
    """Positions of headers and keys, plus the first key or table that is defined twice."""

    def __init__(self, text: str) -> None:
        self.positions: dict[str, tuple[int, int]] = {"": (1, 1)}
        self.duplicate: tuple[str, tuple[int, int]] | None = None
        self._arrays: dict[str, int] = {}  # array-of-tables pointer -> items seen so far
        self._defined: set[str] = set()
        self._open_array: tuple[str, int] | None = None
        table = ""
        blanked = _MULTILINE_STRING.sub(lambda m: "0" + "\n" * m.group().count("\n"), text)
        for number, line in enumerate(blanked.split("\n"), start=1):
            stripped = line.lstrip()
            where = (number, len(line) - len(stripped) + 1)
            if self._open_array is not None:
                self._array_item(stripped, line, where)
                continue
            if stripped.startswith("["):
                is_array = stripped.startswith("[[")
                parsed = _parse_key(stripped[2 if is_array else 1 :])
                if parsed is not None:
                    table = self._header(parsed[0], is_array, where)
                continue
            parsed = _parse_key(stripped)
            if parsed is not None and parsed[1].startswith("="):
                key = self._define(table, parsed[0], where, resolve=False)
                if parsed[1][1:].strip() == "[":
                    self._open_array = (key, 0)

    def _array_item(self, stripped: str, line: str, where: tuple[int, int]) -> None:
        """Index one line of a multi-line array, as written by tomli_w: one complete item per line."""
        assert self._open_array is not None
        array, count = self._open_array
        if stripped.startswith("]") or not stripped.rstrip().endswith(","):
            self._open_array = None  # the end, or a layout this best-effort index does not follow
            return
        item = f"{array}/{count}"
        self.positions.setdefault(item, where)
        if stripped.startswith("{") and line.count("{") == 1:
            for match in _INLINE_KEY.finditer(line):
                key = escape_token(match.group(1).strip('"'))
                self.positions.setdefault(f"{item}/{key}", (where[0], match.start(1) + 1))
        self._open_array = (array, count + 1)

    def _header(self, parts: list[str], is_array: bool, where: tuple[int, int]) -> str:
        if not is_array:
            return self._define("", parts, where, resolve=True)
        array = self._walk("", parts, where, resolve=True)
        count = self._arrays.get(array, 0) + 1
        self._arrays[array] = count
        item = f"{array}/{count - 1}"
        self.positions.setdefault(item, where)
        return item

    def _walk(self, start: str, parts: list[str], where: tuple[int, int], *, resolve: bool) -> str:
        """Extend ``start`` by ``parts``, recording each prefix; inside headers, step into the latest item of
        every array of tables passed through (but not the last part, which the caller handles)."""
        pointer = start
        for index, part in enumerate(parts):
            pointer = f"{pointer}/{escape_token(part)}"
            self.positions.setdefault(pointer, where)
            if resolve and index < len(parts) - 1 and pointer in self._arrays:
                pointer = f"{pointer}/{self._arrays[pointer] - 1}"
        return pointer

    def _define(self, table: str, parts: list[str], where: tuple[int, int], *, resolve: bool) -> str:
        pointer = self._walk(table, parts, where, resolve=resolve)
        if pointer in self._defined and self.duplicate is None:
            self.duplicate = (pointer, where)
        self._defined.add(pointer)
        return pointer


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
        return parts, text[position:].lstrip("] \t")


def _unescape(basic: str) -> str:
    try:
        value = tomllib.loads(f'k = "{basic}"')["k"]
    except tomllib.TOMLDecodeError:
        return basic
    return value if isinstance(value, str) else basic
