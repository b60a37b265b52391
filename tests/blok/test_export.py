"""export(): formatting rules per format and faithful round trips, including awkward strings."""

from __future__ import annotations

import json
from typing import Any

import pytest

from blokhub.blok import BlokExportError, export, parse
from tests.blok.conftest import base_doc

AWKWARD = [
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Y",
    "N",
    "true",
    "False",
    "null",
    "~",
    "",
    " padded ",
    "0o17",
    "0x1F",
    "1e3",
    "1.0",
    "1.0.0",
    "1_000",
    "0b11",
    ".inf",
    ".nan",
    "2024-01-01",
    "2024-01-01T10:00:00Z",
    "12:30:00",
    "1:20",
    "@nanoservice-ts/api-call",
    "*",
    "&anchor",
    "!tag",
    "%directive",
    "#comment",
    "a #b",
    "a: b",
    "- item",
    "-",
    "---",
    "...",
    "<<",
    "=",
    "?",
    "|",
    ">",
    "'quoted'",
    '"dq"',
    "{}",
    "[]",
    "line1\nline2\n",
    "trailing \nspace",
    "tab\tinside",
    "crlf\r\nline",
    "café ☕",
    "\u2028",
    "\x00nul",
    "\ufeffbom",
    "NaN",
]


def test_json_export_keeps_order_and_indent() -> None:
    doc = {"z": 1, "a": {"y": [1, {"b": None}], "x": "é"}}
    text = export(doc, "json")
    assert text == json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    assert text.index('"z"') < text.index('"a"') and text.endswith("}\n") and "é" in text


def test_yaml_export_is_block_style_and_quotes_what_must_be_quoted() -> None:
    text = export(base_doc(), "yaml")
    assert "{" not in text.split("nodes:")[0]  # block style for the structure
    assert "node: '@nanoservice-ts/api-call'" in text
    assert "method: '*'" in text
    assert "version: 1.0.0" in text
    assert "&" not in text and "*id" not in text


def test_yaml_export_never_writes_aliases_for_shared_objects() -> None:
    shared = {"Content-Type": "application/json"}
    doc = {"a": {"headers": shared}, "b": {"headers": shared}}
    text = export(doc, "yaml")
    assert "&" not in text and "*" not in text
    assert parse(text, "yaml").document == doc


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_awkward_strings_round_trip(fmt: str) -> None:
    doc: dict[str, Any] = {"values": AWKWARD, "keys": {value: value for value in AWKWARD if value}}
    assert parse(export(doc, fmt), fmt).document == doc


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_scalars_round_trip_with_types(fmt: str) -> None:
    doc = {
        "i": 5432,
        "neg": -1,
        "f": 0.25,
        "big": 2**62,
        "t": True,
        "f2": False,
        "empty": {},
        "list": [],
        "nested": [[1, "a"], {"k": [{"x": 1}]}],
        "mixed": [1, "two", {"three": 3}],
    }
    assert parse(export(doc, fmt), fmt).document == doc


def test_yaml_1_1_readers_see_strings_too() -> None:
    import yaml

    doc = {"flags": ["yes", "no", "on", "off", "y", "n"], "version": "1.0", "date": "2024-01-01"}
    assert yaml.safe_load(export(doc, "yaml")) == doc


def test_toml_refuses_null_with_pointers() -> None:
    doc = base_doc()
    doc["nodes"]["load"]["inputs"]["database"] = None
    doc["nodes"]["respond"]["inputs"]["model"]["list"] = [1, None]
    with pytest.raises(BlokExportError) as info:
        export(doc, "toml")
    assert isinstance(info.value, ValueError)
    assert [issue.pointer for issue in info.value.issues] == [
        "/nodes/load/inputs/database",
        "/nodes/respond/inputs/model/list/1",
    ]
    assert all(issue.code == "toml_null" for issue in info.value.issues)
    assert export(doc, "json") and export(doc, "yaml")


def test_export_unknown_format() -> None:
    with pytest.raises(BlokExportError) as info:
        export({}, "xml")
    assert info.value.code == "unsupported_format"
