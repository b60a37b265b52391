"""Semantic rules (reference section 5.3) one by one, with pointers, and with positions when parsed."""

from __future__ import annotations

from typing import Any

import pytest

from blokhub.blok import Issue, analyze, export, validate
from tests.blok.conftest import base_doc

COND = "/nodes/route/conditions"


def _issues(doc: dict[str, Any], code: str) -> list[Issue]:
    result = validate(doc)
    return [issue for issue in (*result.errors, *result.warnings) if issue.code == code]


def test_base_document_is_clean() -> None:
    result = validate(base_doc())
    assert result.valid and result.errors == [] and result.warnings == []


def test_else_not_last_is_an_error_at_the_else() -> None:
    doc = base_doc()
    conditions = doc["nodes"]["route"]["conditions"]
    conditions.append({"type": "if", "condition": "true", "steps": []})
    [issue] = _issues(doc, "else_not_last")
    assert (issue.severity, issue.pointer) == ("error", COND + "/1/type")
    assert "last" in issue.message
    assert not validate(doc).valid


def test_else_first_is_reported_once_by_the_schema() -> None:
    doc = base_doc()
    doc["nodes"]["route"]["conditions"].reverse()
    result = validate(doc)
    assert [(i.code, i.pointer) for i in result.errors] == [("schema", COND + "/0/type")]


def test_missing_node_config_is_a_warning_for_nested_steps() -> None:
    doc = base_doc()
    del doc["nodes"]["reject"]
    result = validate(doc)
    assert result.valid
    [issue] = [i for i in result.warnings if i.code == "missing_node_config"]
    assert issue.pointer == COND + "/1/steps/0/name"
    assert '"reject"' in issue.message


def test_duplicate_names_in_one_pipeline_are_an_error() -> None:
    doc = base_doc()
    doc["steps"].append({"name": "auth", "node": "@nanoservice-ts/api-call", "type": "module"})
    [issue] = _issues(doc, "duplicate_step_name")
    assert (issue.severity, issue.pointer) == ("error", "/steps/3/name")
    assert not validate(doc).valid


def test_duplicate_names_across_branches_are_a_warning() -> None:
    doc = base_doc()
    doc["nodes"]["route"]["conditions"][0]["steps"].append({"name": "reject", "node": "error", "type": "module"})
    [issue] = _issues(doc, "duplicate_step_name")
    assert (issue.severity, issue.pointer) == ("warning", COND + "/1/steps/0/name")
    assert COND + "/0/steps/1" in issue.message
    assert validate(doc).valid


def test_if_else_node_without_conditions_warns() -> None:
    doc = base_doc()
    doc["nodes"]["route"] = {"inputs": {}}
    [issue] = _issues(doc, "node_shape_mismatch")
    assert (issue.severity, issue.pointer) == ("warning", "/nodes/route")


def test_conditions_under_inputs_warns_at_the_misplaced_key() -> None:
    doc = base_doc()
    doc["nodes"]["route"] = {"inputs": {"conditions": doc["nodes"]["route"]["conditions"]}}
    [issue] = _issues(doc, "node_shape_mismatch")
    assert issue.pointer == "/nodes/route/inputs/conditions"
    assert "directly under nodes.route" in issue.message


def test_conditions_on_an_ordinary_node_warns() -> None:
    doc = base_doc()
    doc["nodes"]["respond"] = {"conditions": [{"type": "if", "condition": "true", "steps": []}]}
    [issue] = _issues(doc, "node_shape_mismatch")
    assert issue.pointer == "/nodes/respond/conditions"


@pytest.mark.parametrize("method", ["ANY", "any"])
def test_any_method_is_an_error_suggesting_star(method: str) -> None:
    doc = base_doc()
    doc["trigger"]["http"]["method"] = method
    [issue] = validate(doc).errors
    assert (issue.code, issue.pointer) == ("any_method", "/trigger/http/method")
    assert '"*"' in issue.message


@pytest.mark.parametrize("path", ["/", "/:id", "/:id?", "/*", "/orders/:id/items/:item?", "/v1.2/a-b_c~d"])
def test_good_paths(path: str) -> None:
    doc = base_doc()
    doc["trigger"]["http"]["path"] = path
    assert validate(doc).valid


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("orders", 'start with "/"'),
        ("/a//b", "empty segment"),
        ("/a/", "empty segment"),
        ("/a b", "whitespace"),
        ("/{id}", '":id"'),
        ("/:1d", ":name"),
        ("/:", ":name"),
        ("/a?x=1", "not allowed"),
        ("/:id??", ":name"),
    ],
)
def test_bad_paths(path: str, fragment: str) -> None:
    doc = base_doc()
    doc["trigger"]["http"]["path"] = path
    [issue] = validate(doc).errors
    assert (issue.code, issue.pointer) == ("invalid_path", "/trigger/http/path")
    assert fragment in issue.message


def test_unknown_step_type_is_an_error_with_a_hint() -> None:
    doc = base_doc()
    doc["nodes"]["route"]["conditions"][0]["steps"][0]["type"] = "python"
    [issue] = validate(doc).errors
    assert (issue.code, issue.pointer) == ("unknown_step_type", COND + "/0/steps/0/type")
    assert "runtime.python3" in issue.message


@pytest.mark.parametrize(
    ("value", "flagged"),
    [
        ("${ctx.request.body.id}", False),
        ("a ${x} b ${y}", False),
        ("${ {a: 1}.a }", True),
        ("${[1,2].map(x => { return x })}", True),
        ("${ctx.vars.x", True),
        ("no placeholder {x}", False),
    ],
)
def test_placeholder_brace_warning(value: str, flagged: bool) -> None:
    doc = base_doc()
    doc["nodes"]["respond"]["inputs"]["model"]["list"] = ["ok", value]
    found = _issues(doc, "placeholder_brace")
    assert bool(found) is flagged
    if flagged:
        assert found[0].pointer == "/nodes/respond/inputs/model/list/1"
        assert found[0].severity == "warning"


def test_unused_node_config_and_condition_syntax_warnings() -> None:
    doc = base_doc()
    doc["nodes"]["respnod"] = {"inputs": {}}
    doc["nodes"]["route"]["conditions"][0]["condition"] = "js/ctx.request.method === 'GET'"
    result = validate(doc)
    assert result.valid
    assert {(i.code, i.pointer) for i in result.warnings} == {
        ("unused_node_config", "/nodes/respnod"),
        ("condition_syntax", COND + "/0/condition"),
    }


def test_branch_cycle_is_an_error_and_does_not_hang() -> None:
    doc = base_doc()
    doc["nodes"]["route"]["conditions"][0]["steps"].append(
        {"name": "route", "node": "@nanoservice-ts/if-else", "type": "module"}
    )
    result = validate(doc)
    assert [(i.code, i.pointer) for i in result.errors if i.code == "branch_cycle"] == [
        ("branch_cycle", COND + "/0/steps/1/name")
    ]
    assert result.facts is not None and result.facts.step_count == 6


def test_issues_get_positions_when_parsed_from_source() -> None:
    doc = base_doc()
    doc["trigger"]["http"]["method"] = "ANY"
    doc["nodes"]["route"]["conditions"].append({"type": "if", "condition": "true", "steps": []})
    del doc["nodes"]["reject"]
    for fmt in ("json", "yaml", "toml"):
        source = export(doc, fmt)
        lines = source.splitlines()
        _, result = analyze(source, fmt)
        for issue in (*result.errors, *result.warnings):
            assert issue.line is not None and issue.column is not None, (fmt, issue)
        by_code = {issue.code: issue for issue in (*result.errors, *result.warnings)}
        method_line = lines[by_code["any_method"].line - 1]  # type: ignore[operator]
        assert "method" in method_line and "ANY" in method_line, (fmt, method_line)
        else_line = lines[by_code["else_not_last"].line - 1]  # type: ignore[operator]
        assert "else" in else_line, (fmt, else_line)
        missing = by_code["missing_node_config"]
        assert missing.line is not None and missing.column is not None
        at_key = lines[missing.line - 1][missing.column - 1 :].lstrip('"')
        assert at_key.startswith("name") and "reject" in at_key, (fmt, missing)


def test_issue_to_dict_omits_missing_positions() -> None:
    assert Issue("x", "m", "/a").to_dict() == {
        "code": "x",
        "message": "m",
        "pointer": "/a",
        "severity": "error",
    }
    assert Issue("x", "m", "", 3, 4, "warning").to_dict() == {
        "code": "x",
        "message": "m",
        "pointer": "",
        "severity": "warning",
        "line": 3,
        "column": 4,
    }
