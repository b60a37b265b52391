"""ParsedDocument.locate() in each format, check_limits() for decoded documents, validate() entry points."""

from __future__ import annotations

from typing import Any

import pytest

from blokhub.blok import BlokParseError, ParsedDocument, check_limits, export, parse, validate
from tests.blok.conftest import FIXTURES, base_doc


def _text_at(parsed: ParsedDocument, pointer: str) -> str:
    where = parsed.locate(pointer)
    assert where is not None, pointer
    line, column = where
    return parsed.source.splitlines()[line - 1][column - 1 :]


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_locate_points_at_the_key_or_item(fmt: str) -> None:
    parsed = parse(export(base_doc(), fmt), fmt)
    expected_start = {
        "/name": "name",
        "/trigger/http/method": "method",
        "/steps/1/node": "node",
        "/nodes/auth/inputs/url": "url",
        "/nodes/route/conditions/1/steps/0/name": "name",
        "/nodes/load/inputs/password": "password",
    }
    for pointer, key in expected_start.items():
        assert _text_at(parsed, pointer).lstrip('"').startswith(key), (fmt, pointer)
    item = parsed.locate("/steps/1")
    assert item is not None
    assert "route" in "\n".join(parsed.source.splitlines()[item[0] - 1 : item[0] + 1]), fmt


def test_locate_falls_back_to_the_nearest_ancestor() -> None:
    parsed = parse(export(base_doc(), "json"), "json")
    assert parsed.locate("/nodes/auth/inputs/missing/deeper") == parsed.locate("/nodes/auth/inputs")
    assert parsed.locate("") == (1, 1)


def test_locate_in_hand_written_toml_with_array_tables() -> None:
    parsed = parse((FIXTURES / "valid/countries-12c01e4.toml").read_text(), "toml")
    assert parsed.locate("/steps/0/type") == (13, 1)
    assert parsed.locate("/nodes/get-countries-api/inputs/headers/Content-Type") == (21, 1)
    assert parsed.locate("/trigger/http") == (5, 1)


def test_locate_is_lazy() -> None:
    parsed = parse(export(base_doc(), "json"), "json")
    assert parsed._positions is None
    parsed.locate("/name")
    assert parsed._positions is not None


def test_check_limits_accepts_plain_documents() -> None:
    check_limits(base_doc())


def _nest(depth: int) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for _ in range(depth - 1):
        doc = {"a": doc}
    return doc


@pytest.mark.parametrize(
    ("doc", "code", "pointer"),
    [
        (_nest(65), "too_deep", "/a" * 64),
        ({"a": list(range(6000))}, "too_many_nodes", None),
        ({"a": "x" * 600_000}, "too_large", ""),
        ({"a": float("nan")}, "invalid_number", "/a"),
        ({"a": {1: "x"}}, "invalid_key", "/a"),
        ({"a": (1, 2)}, "unsupported_type", "/a"),
        ({"a": {"b": object()}}, "unsupported_type", "/a/b"),
    ],
)
def test_check_limits_refusals(doc: Any, code: str, pointer: str | None) -> None:
    with pytest.raises(BlokParseError) as info:
        check_limits(doc)
    assert info.value.code == code
    if pointer is not None:
        assert info.value.issues[0].pointer == pointer
    result = validate(doc)
    assert not result.valid and result.errors[0].code == code and result.facts is None


def test_check_limits_handles_very_deep_objects_without_recursion() -> None:
    doc: list[Any] = []
    for _ in range(50_000):
        doc = [doc]
    with pytest.raises(BlokParseError) as info:
        check_limits(doc)
    assert info.value.code == "too_deep"


def test_validate_without_source_has_no_positions() -> None:
    doc = base_doc()
    doc["version"] = "one"
    [issue] = validate(doc).errors
    assert (issue.pointer, issue.line, issue.column) == ("/version", None, None)


def test_validate_non_object() -> None:
    result = validate([1, 2])
    assert not result.valid and result.errors[0].code == "not_an_object" and result.facts is None
    assert result.to_dict()["facts"] is None


def test_validation_result_to_dict() -> None:
    doc = base_doc()
    del doc["nodes"]["reject"]
    data = validate(doc).to_dict()
    assert data["valid"] is True and data["errors"] == []
    assert data["warnings"][0]["code"] == "missing_node_config"
    assert data["facts"]["step_count"] == 5
