"""Strict YAML loading: one pass over the parser's event stream, no composer, no constructor.

Why events: anchors, aliases and tags are visible only there, and refusing them before any node is built is
what keeps a billion-laughs document from ever expanding. Building the Python objects straight from the
events also lets limits (depth, value count), duplicate keys and positions be handled in the same pass.

Scalar typing follows the YAML 1.2 core schema, which is what the Blok runner's npm ``yaml`` package uses, not
PyYAML's YAML 1.1 rules:

* only ``true``/``false`` (in any of their three capitalisations) are booleans, so ``on``, ``yes``, ``no``,
  ``off``, ``y`` and ``n`` stay strings;
* ``null``, ``Null``, ``NULL``, ``~`` and an empty plain value are null;
* integers are decimal, ``0o`` octal or ``0x`` hex (``1_000`` and ``0b1`` stay strings);
* floats are decimal/exponent forms; ``.inf`` and ``.nan`` are refused because JSON cannot hold them;
* there is no timestamp type: ``2024-01-01`` stays a string, so the result is always JSON-serialisable;
* ``<<`` is an ordinary key (merge keys are a YAML 1.1 feature and need aliases anyway).

Quoted and block scalars are always strings. Mapping keys keep their source text (``1: x`` gives the key "1"),
which is what a JavaScript object key would be as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from blokhub.blok.errors import BlokParseError, Issue, escape_token
from blokhub.blok.limits import LIMITS, non_finite_issue, too_deep_issue, too_many_nodes_issue

try:
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

_SCALAR = yaml.ScalarEvent
_MAP_START = yaml.MappingStartEvent
_SEQ_START = yaml.SequenceStartEvent
_ALIAS = yaml.AliasEvent
_COLLECTION_END = (yaml.MappingEndEvent, yaml.SequenceEndEvent)

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_MAYBE_TYPED = frozenset("-+.0123456789~nNtTfF")
_INT10 = re.compile(r"[-+]?[0-9]+\Z")
_INT8 = re.compile(r"0o[0-7]+\Z")
_INT16 = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOAT = re.compile(r"(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z")
_MAX_INT_DIGITS = 4300


class _NotFinite(Exception):
    pass


def resolve_plain(text: str) -> Any:
    """Type a plain (unquoted, untagged) scalar with YAML 1.2 core-schema rules."""
    if text and text[0] not in _MAYBE_TYPED:
        return text
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if _INT10.match(text):
        if len(text) > _MAX_INT_DIGITS:
            raise _NotFinite
        return int(text)
    if _INT8.match(text):
        return int(text[2:], 8)
    if _INT16.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        value = float(text)
        if value in (float("inf"), float("-inf")):
            raise _NotFinite
        return value
    if _SPECIAL_FLOAT.match(text):
        raise _NotFinite
    return text


def is_plain_typed(text: str) -> bool:
    """True when a plain scalar with this text would not load back as the same string."""
    try:
        return not isinstance(resolve_plain(text), str)
    except _NotFinite:
        return True


@dataclass(slots=True)
class _Frame:
    container: dict[str, Any] | list[Any]
    token: str
    key: str | None = None


def _mark(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


class StrictYamlLoader(_BaseLoader):  # type: ignore[misc]
    """A safe PyYAML loader that only ever reads events; see the module docstring for the rules."""

    def build(self, positions: dict[str, tuple[int, int]] | None = None) -> Any:
        """Return the single document (``None`` for an empty stream); fill ``positions`` when given."""
        self.get_event()  # StreamStartEvent
        if isinstance(self.get_event(), yaml.StreamEndEvent):
            return None
        builder = _Builder(positions)
        while True:
            event = self.get_event()
            kind = type(event)
            if kind in _COLLECTION_END:
                builder.stack.pop()
            elif kind is yaml.DocumentEndEvent:
                break
            else:
                builder.add(event, kind)
        following = self.get_event()
        if not isinstance(following, yaml.StreamEndEvent):
            raise BlokParseError(
                [
                    Issue(
                        "multiple_documents",
                        "the file holds more than one YAML document (---); a workflow is one document",
                        "",
                        *_mark(following),
                    )
                ]
            )
        return builder.root


class _Builder:
    def __init__(self, positions: dict[str, tuple[int, int]] | None) -> None:
        self.positions = positions
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.nodes = 0

    def add(self, event: Any, kind: type) -> None:
        top = self.stack[-1] if self.stack else None
        is_key = top is not None and top.key is None and type(top.container) is dict
        if kind is _ALIAS or event.anchor is not None or event.tag is not None:
            self._refuse(event, kind, top, is_key)
        if is_key:
            assert top is not None
            self._key(event, kind, top)
        else:
            self._value(event, kind, top)

    def _key(self, event: Any, kind: type, top: _Frame) -> None:
        if kind is not _SCALAR:
            raise BlokParseError(
                [
                    Issue(
                        "invalid_key",
                        "mapping keys must be plain strings, not collections",
                        _pointer(self.stack[:-1], top.token),
                        *_mark(event),
                    )
                ]
            )
        key = event.value
        if key in top.container:
            raise BlokParseError(
                [
                    Issue(
                        "duplicate_key",
                        f"duplicate key {key!r}; keep only one of them",
                        _pointer(self.stack, key),
                        *_mark(event),
                    )
                ]
            )
        top.key = key
        if self.positions is not None:
            self.positions[_pointer(self.stack, key)] = _mark(event)

    def _value(self, event: Any, kind: type, top: _Frame | None) -> None:
        self.nodes += 1
        if self.nodes > LIMITS.max_nodes:
            issue = too_many_nodes_issue(self.nodes, _pointer(self.stack, _slot(top)), *_mark(event))
            raise BlokParseError([issue])
        value: Any
        if kind is _SCALAR:
            value = self._scalar(event, top) if event.implicit[0] else event.value
        else:
            value = {} if kind is _MAP_START else []
        if top is None:
            self.root = value
            if self.positions is not None:
                self.positions[""] = _mark(event)
            token = ""
        elif type(top.container) is dict:
            token = top.key  # type: ignore[assignment]
            top.container[token] = value
            top.key = None
        else:
            token = str(len(top.container))
            if self.positions is not None:
                self.positions[_pointer(self.stack, token)] = _mark(event)
            top.container.append(value)  # type: ignore[union-attr]
        if kind is not _SCALAR:
            if len(self.stack) >= LIMITS.max_depth:
                raise BlokParseError([too_deep_issue(_pointer(self.stack, token), *_mark(event))])
            self.stack.append(_Frame(value, token))

    def _scalar(self, event: Any, top: _Frame | None) -> Any:
        """Plain scalar: typed by the YAML 1.2 core schema; quoted and block scalars never get here."""
        try:
            return resolve_plain(event.value)
        except _NotFinite:
            raise BlokParseError([non_finite_issue(_pointer(self.stack, _slot(top)), *_mark(event))]) from None

    def _refuse(self, event: Any, kind: type, top: _Frame | None, is_key: bool) -> None:
        pointer = _pointer(self.stack, event.value if is_key and kind is _SCALAR else _slot(top))
        if kind is _ALIAS:
            code, message = (
                "yaml_alias",
                f"YAML aliases (*{event.anchor}) are not allowed; write the value out",
            )
        elif event.anchor is not None:
            code, message = "yaml_alias", f"YAML anchors (&{event.anchor}) are not allowed; write values out"
        else:
            code, message = (
                "yaml_tag",
                (
                    f"YAML tags ({event.tag}) are not allowed; remove the tag and quote "
                    "the value if it must stay a string"
                ),
            )
        raise BlokParseError([Issue(code, message, pointer, *_mark(event))])


def _slot(top: _Frame | None) -> str:
    if top is None:
        return ""
    if isinstance(top.container, dict):
        return top.key or ""
    return str(len(top.container))


def _pointer(stack: list[_Frame], last: str) -> str:
    parts = [frame.token for frame in stack[1:]]
    if stack:
        parts.append(last)
    return "".join("/" + escape_token(part) for part in parts)


class PureStrictYamlLoader(yaml.SafeLoader):  # type: ignore[misc]
    """The same rules on PyYAML's pure-Python parser (used when libyaml is missing, and by the tests)."""

    build = StrictYamlLoader.build


def load_yaml(
    text: str,
    positions: dict[str, tuple[int, int]] | None = None,
    *,
    loader_class: type[StrictYamlLoader] | type[PureStrictYamlLoader] = StrictYamlLoader,
) -> Any:
    loader = loader_class(text)
    try:
        return loader.build(positions)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        problem = exc.problem or str(exc)
        if "maximum nesting depth" in problem:  # libyaml's own guard can fire before the builder's
            raise BlokParseError([too_deep_issue("", *where)]) from None
        raise BlokParseError([Issue("syntax", f"invalid YAML: {problem}", "", *where)]) from None
    except yaml.YAMLError as exc:
        raise BlokParseError([Issue("syntax", f"invalid YAML: {exc}", "")]) from None
    finally:
        loader.dispose()
