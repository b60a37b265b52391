"""Turning untrusted JSON, YAML or TOML source into a workflow object, safely and with positions.

Order of checks for every format: size (before decoding), UTF-8, emptiness, then a format-specific loader that
enforces depth and value-count limits before or while it builds anything (see ``_json_scan``, ``_yaml``,
``_toml``). Positions for issues are computed lazily by :meth:`ParsedDocument.locate`, so accepted documents
never pay for them.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from blokhub.blok import _json_scan
from blokhub.blok._toml import load_toml
from blokhub.blok._toml_index import toml_positions
from blokhub.blok._yaml import load_yaml
from blokhub.blok.errors import BlokParseError, Format, Issue, coerce_format
from blokhub.blok.limits import (
    LIMITS,
    non_finite_issue,
    too_deep_issue,
    too_large_issue,
    too_many_nodes_issue,
)

_BOM = "\ufeff"
_KIND_NAMES = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "empty (null)",
}


@dataclass(slots=True)
class ParsedDocument:
    document: dict[str, Any]
    format: Format
    source: str
    _positions: dict[str, tuple[int, int]] | None = field(default=None, repr=False, compare=False)

    def locate(self, pointer: str) -> tuple[int, int] | None:
        """(line, column) of ``pointer``, or of its nearest ancestor present in the source; 1-based.

        Object members are placed at their key, array items at the item itself.
        """
        if self._positions is None:
            self._positions = _build_positions(self.format, self.source)
        while True:
            found = self._positions.get(pointer)
            if found is not None or not pointer:
                return found
            pointer = pointer[: pointer.rfind("/")]


def _build_positions(fmt: Format, text: str) -> dict[str, tuple[int, int]]:
    if fmt is Format.JSON:
        lines = _json_scan.LineIndex(text)
        offsets = _json_scan.scan(text, max_depth=LIMITS.max_depth).positions
        return {pointer: lines.position(offset) for pointer, offset in offsets.items()}
    if fmt is Format.YAML:
        positions: dict[str, tuple[int, int]] = {}
        with contextlib.suppress(BlokParseError):  # keep what was found before the problem
            load_yaml(text, positions)
        return positions
    return toml_positions(text)


def parse(source: str | bytes, fmt: Format | str) -> ParsedDocument:
    """Parse workflow source; raise :class:`BlokParseError` for anything unsafe or not a JSON object."""
    fmt = coerce_format(fmt)
    text = decode_source(source)
    if not text.strip():
        raise BlokParseError(
            [
                Issue(
                    "empty_document",
                    "the file is empty; a workflow is an object with name, version, trigger, steps and nodes",
                    "",
                    1,
                    1,
                )
            ]
        )
    if fmt is Format.JSON:
        document = _load_json(text)
    elif fmt is Format.YAML:
        document = load_yaml(text)
    else:
        document = load_toml(text)
    if not isinstance(document, dict):
        kind = _KIND_NAMES.get(type(document), type(document).__name__)
        raise BlokParseError(
            [
                Issue(
                    "not_an_object",
                    f"the top level is {kind}, not an object; a workflow is "
                    "an object with name, version, trigger, steps and nodes",
                    "",
                    1,
                    1,
                )
            ]
        )
    return ParsedDocument(document, fmt, text)


def decode_source(source: str | bytes) -> str:
    """Check the size and the encoding; return the text without a byte-order mark."""
    if isinstance(source, str):
        if len(source) > LIMITS.max_source_bytes:
            raise BlokParseError([too_large_issue(len(source.encode("utf-8", "surrogatepass")))])
        try:
            raw = source.encode("utf-8")
        except UnicodeEncodeError as exc:
            # Lone surrogates cannot be stored or hashed as UTF-8.
            line, column = _json_scan.LineIndex(source).position(exc.start)
            raise BlokParseError(
                [
                    Issue(
                        "invalid_utf8",
                        "the text contains an unpaired surrogate character that is not valid Unicode",
                        "",
                        line,
                        column,
                    )
                ]
            ) from None
        if len(raw) > LIMITS.max_source_bytes:
            raise BlokParseError([too_large_issue(len(raw))])
        return source[1:] if source.startswith(_BOM) else source
    if len(source) > LIMITS.max_source_bytes:
        raise BlokParseError([too_large_issue(len(source))])
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = source.count(b"\n", 0, exc.start) + 1
        line_start = source.rfind(b"\n", 0, exc.start) + 1
        column = len(source[line_start : exc.start].decode("utf-8")) + 1
        raise BlokParseError(
            [
                Issue(
                    "invalid_utf8",
                    f"the file is not valid UTF-8 (bad byte 0x{source[exc.start]:02x} at offset "
                    f"{exc.start}); "
                    "save it as UTF-8",
                    "",
                    line,
                    column,
                )
            ]
        ) from None
    return text[1:] if text.startswith(_BOM) else text


class _Duplicate(Exception):
    pass


class _NotFinite(Exception):
    pass


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _Duplicate
    return obj


def _reject_constant(name: str) -> Any:
    raise _NotFinite(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _NotFinite(text)
    return value


def _load_json(text: str) -> Any:
    depth, values = _json_scan.measure(text, LIMITS.max_depth)
    if depth > LIMITS.max_depth:
        found = _json_scan.scan(text, max_depth=LIMITS.max_depth, stop_at="too_deep").too_deep
        raise BlokParseError([too_deep_issue(*_placed(text, found))])
    if values > LIMITS.max_nodes:
        positions = _json_scan.scan(text, max_depth=LIMITS.max_depth, max_values=LIMITS.max_nodes).positions
        last = list(positions.items())[-1] if len(positions) > LIMITS.max_nodes else None
        raise BlokParseError([too_many_nodes_issue(values, *_placed(text, last))])
    try:
        return json.loads(
            text, object_pairs_hook=_object_pairs, parse_constant=_reject_constant, parse_float=_finite_float
        )
    except _Duplicate:
        found = _json_scan.scan(text, max_depth=LIMITS.max_depth, stop_at="duplicate").duplicate
        pointer, line, column = _placed(text, found)
        key = pointer.rsplit("/", 1)[-1]
        raise BlokParseError(
            [
                Issue(
                    "duplicate_key",
                    f"duplicate key {key!r}; JSON readers disagree on which value wins, so keep only one",
                    pointer,
                    line,
                    column,
                )
            ]
        ) from None
    except json.JSONDecodeError as exc:
        hint = " (JSON allows no comments or trailing commas)" if "property name" in exc.msg else ""
        raise BlokParseError([Issue("syntax", f"invalid JSON: {exc.msg}{hint}", "", exc.lineno, exc.colno)]) from None
    except (_NotFinite, ValueError):  # ValueError: integers beyond Python's digit limit
        found = _json_scan.scan(text, max_depth=LIMITS.max_depth, stop_at="bad_number").bad_number
        raise BlokParseError([non_finite_issue(*_placed(text, found))]) from None
    except RecursionError:
        raise BlokParseError([too_deep_issue("")]) from None


def _placed(text: str, found: tuple[str, int] | None) -> tuple[str, int | None, int | None]:
    if found is None:
        return "", None, None
    pointer, offset = found
    line, column = _json_scan.LineIndex(text).position(offset)
    return pointer, line, column
