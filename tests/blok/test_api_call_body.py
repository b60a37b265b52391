"""api_call_body_not_object: an api-call step whose body is a string or an array (the published node refuses it)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from blokhub.blok import Issue, analyze, parse, validate
from tests.blok.conftest import FIXTURES, VALID, base_doc

CODE = "api_call_body_not_object"
BODY = "/nodes/auth/inputs/body"


def _warnings(doc: dict[str, Any]) -> list[Issue]:
    result = validate(doc)
    assert result.valid, result.errors  # a warning never makes the document invalid
    return [issue for issue in result.warnings if issue.code == CODE]


def _with_body(body: Any, node: str = "@nanoservice-ts/api-call") -> dict[str, Any]:
    doc = base_doc()
    doc["steps"][0]["node"] = node
    doc["nodes"]["auth"]["inputs"].update(method="POST", body=body)
    return doc


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("js/JSON.stringify(ctx.request.body)", "a string"),
        ("js/JSON.stringify({ id: ctx.request.params.id })", "a string"),
        ("js/String(ctx.vars.total)", "a string"),
        ("js/`order ${ctx.request.params.id}`", "a string"),
        ("js/'plain text'", "a string"),
        ("New order ${ctx.request.body.id}", "a string"),  # ${} is spliced into text
        ('{"id": 1}', "a string"),  # JSON written as text is still text
        ("js/[ctx.request.body]", "an array"),
        ([{"id": 1}], "an array"),
    ],
)
def test_a_string_or_array_body_is_a_warning_with_what_to_do(body: Any, kind: str) -> None:
    [issue] = _warnings(_with_body(body))
    assert (issue.severity, issue.pointer) == ("warning", BODY)
    assert f"it is {kind}" in issue.message
    assert "pass an object" in issue.message and "serialises" in issue.message


@pytest.mark.parametrize(
    "body",
    [
        {"id": "${ctx.request.body.id}"},
        {},
        "js/ctx.request.body",  # its type is only known at run time
        "js/({ id: ctx.request.body.id })",
        "js/ctx.vars['load'] || {}",
        "js/JSON.stringify(a) ? { a: 1 } : {}",  # starts like a string but is not one
        "js/[ctx.request.body][0]",
        None,
    ],
)
def test_object_bodies_and_unknown_expressions_are_not_flagged(body: Any) -> None:
    assert _warnings(_with_body(body)) == []


@pytest.mark.parametrize("node", ["@blok-ts/api-call", "@blokjs/api-call"])
def test_every_lines_api_call_is_checked(node: str) -> None:
    [issue] = _warnings(_with_body("js/JSON.stringify(ctx.request.body)", node))
    assert issue.message.startswith(node)


def test_other_nodes_may_take_a_string_body() -> None:
    doc = _with_body("js/JSON.stringify(ctx.request.body)", "@community/s3-put")
    assert _warnings(doc) == []


def test_v1_warning_has_the_line_and_column_of_the_body() -> None:
    source = json.dumps(_with_body("js/JSON.stringify(ctx.request.body)"), indent=2)
    _, result = analyze(source, "json")
    [issue] = [w for w in result.warnings if w.code == CODE]
    line, text = next((n, text) for n, text in enumerate(source.splitlines(), 1) if '"body": "js/JSON' in text)
    assert (issue.pointer, issue.line, issue.column) == (BODY, line, text.index('"body"') + 1)


def test_a_step_used_twice_is_warned_once_at_its_nodes_entry() -> None:
    doc = _with_body(["a"])
    doc["steps"].append(copy.deepcopy(doc["steps"][0]) | {"name": "auth"})
    assert [w.pointer for w in validate(doc).warnings if w.code == CODE] == [BODY]


V2_SOURCE = """schemaVersion: "2"
name: Forward an order
version: 1.0.0
trigger:
  http:
    method: POST
    path: /orders
steps:
  - id: forward
    use: "@blokjs/api-call"
    inputs:
      url: https://orders.example.com/
      method: POST
      body:
        $tpl: ["order ", {$ref: {step: "@trigger", path: [body, id]}}]
  - id: tag
    use: "@blokjs/api-call"
    inputs:
      url: https://tags.example.com/
      method: POST
      body:
        id: {$ref: {step: "@trigger", path: [body, id]}}
"""


def test_v2_api_call_with_a_template_body_is_warned_at_its_line() -> None:
    parsed, result = analyze(V2_SOURCE, "yaml")
    assert result.valid and parsed.document["schemaVersion"] == "2"
    [issue] = [w for w in result.warnings if w.code == CODE]
    assert (issue.pointer, issue.line) == ("/steps/0/inputs/body", 14)
    assert "it is a string" in issue.message


def test_no_shared_fixture_sends_a_string_or_array_body() -> None:
    files = [*VALID, *sorted((FIXTURES / "v2").glob("*.json")), *sorted((FIXTURES / "v2-fork").glob("*.json"))]
    flagged = []
    for path in files:
        if path.suffix not in (".json", ".yaml", ".toml"):
            continue
        result = validate(parse(path.read_bytes(), path.suffix[1:]).document)
        flagged += [(path.name, w.pointer) for w in result.warnings if w.code == CODE]
    assert len(files) > 20 and flagged == []
