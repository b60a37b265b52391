"""The shipped fixture workflows: valid ones are accepted and round-trip in every format; invalid refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from blokhub.blok import analyze, canonical_hash, export, facts, parse, validate
from tests.blok.conftest import FIXTURES, INVALID, VALID, fmt_of


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_fixture_is_accepted(path: Path) -> None:
    _, result = analyze(path.read_bytes(), fmt_of(path))
    assert result.valid, [issue.to_dict() for issue in result.errors]
    assert result.errors == []
    assert result.facts is not None
    assert all(issue.severity == "warning" for issue in result.warnings)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_valid_fixture_round_trips(path: Path, fmt: str) -> None:
    doc = parse(path.read_bytes(), fmt_of(path)).document
    again = parse(export(doc, fmt), fmt).document
    assert canonical_hash(again) == canonical_hash(doc)
    assert again == doc  # the fixtures hold no integral floats or defaults, so even the raw value survives


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_fixture_is_refused_with_pointed_errors(path: Path) -> None:
    _, result = analyze(path.read_bytes(), fmt_of(path))
    assert not result.valid
    assert result.errors
    for issue in result.errors:
        assert issue.pointer == "" or issue.pointer.startswith("/")
        assert len(issue.message) > 20
        assert issue.line is not None


def test_invalid_fixtures_name_the_actual_problems() -> None:
    _, empty = analyze((FIXTURES / "invalid/empty-201c53a.json").read_text(), "json")
    assert [(i.code, i.pointer) for i in empty.errors] == [("schema", "/steps")]
    assert "at least one step" in empty.errors[0].message
    _, graph = analyze((FIXTURES / "invalid/complex-workflow-924f695.json").read_text(), "json")
    pointers = {issue.pointer for issue in graph.errors}
    assert {"", "/edges", "/triggers", "/nodes/start/type"} <= pointers
    assert any("graph-style" in issue.message for issue in graph.errors)
    assert graph.facts is None  # no steps array: nothing usable to describe


def _countries(name: str) -> dict[str, object]:
    path = FIXTURES / "valid" / name
    return parse(path.read_bytes(), fmt_of(path)).document


def test_countries_yaml_and_toml_are_the_same_workflow() -> None:
    assert canonical_hash(_countries("countries-bb82820.yaml")) == canonical_hash(_countries("countries-12c01e4.toml"))


def test_countries_json_differs_only_in_its_node_reference() -> None:
    # The JSON fixture uses the local node "web/api-call@1.0.0"; the YAML/TOML ones the module node.
    json_doc = _countries("countries-762da10.json")
    yaml_doc = _countries("countries-bb82820.yaml")
    assert canonical_hash(json_doc) != canonical_hash(yaml_doc)
    json_doc["steps"][0].update(node="@nanoservice-ts/api-call", type="module")  # type: ignore[index]
    assert canonical_hash(json_doc) == canonical_hash(yaml_doc)


def test_facts_countries_vs_facts() -> None:
    assert facts(_countries("countries-vs-facts-6b1d1a0.json")).to_dict() == {
        "trigger": "http",
        "method": "GET",
        "path": "/",
        "runtimes": ["typescript"],
        "nodes": ["@nanoservice-ts/api-call", "@nanoservice-ts/if-else"],
        "step_count": 3,
        "has_branches": True,
        "domains": ["catfact.ninja", "countriesnow.space"],
        "dialect": "v1",
        "control_flow": ["branch"],
    }


def test_facts_image_capture() -> None:
    result = facts(_countries("image-capture-1204752.json"))
    assert result.to_dict() == {
        "trigger": "http",
        "method": "*",
        "path": "/:function?",
        "runtimes": ["python3", "typescript"],
        "nodes": [
            "@blok-ts/if-else",
            "embedding-clip",
            "error",
            "image-capture-ui",
            "image-description",
            "save-image",
            "search-in-milvus",
            "store-in-milvus",
        ],
        "step_count": 9,
        "has_branches": True,
        "domains": [],
        "dialect": "v1",
        "control_flow": ["branch"],
    }


def test_facts_dashboard_gen_counts_nested_steps() -> None:
    result = facts(_countries("dashboard-gen-33bd122.json"))
    assert result.step_count == 15
    assert result.path == "/:function?/:id?"
    assert "multiple-query-generator" in result.nodes


def test_facts_launches_keeps_literal_host_of_templated_url() -> None:
    result = facts(_countries("launches-by-year-04cb06e.json"))
    assert result.domains == ["ll.thespacedevs.com"]
    assert result.has_branches is False


def test_facts_python_variant_and_mixed_runtimes() -> None:
    assert facts(_countries("countries-py-4ad68ee.json")).runtimes == ["python3"]
    assert facts(_countries("rentals-pdf-dd17354.json")).runtimes == ["python3", "typescript"]
    assert facts(_countries("countries-762da10.json")).nodes == ["web/api-call@1.0.0"]


def test_facts_domains_skip_hosts_built_from_expressions() -> None:
    doc = _countries("countries-vs-facts-6b1d1a0.json")
    inputs = doc["nodes"]["get-facts"]["inputs"]  # type: ignore[index]
    inputs["url"] = "https://${ctx.env.API_HOST}/fact"
    inputs["mirror"] = "js/'https://' + ctx.env.HOST + '/x'"
    inputs["partial"] = "https://api.${ctx.env.REGION}.example.com/x"
    inputs["list"] = ["see HTTPS://Docs.Example.org:8443/path?q=1 for details", "http://user:pw@10.0.0.1/x"]
    assert facts(doc).domains == ["10.0.0.1", "countriesnow.space", "docs.example.org"]


def test_validate_returns_facts_even_with_errors() -> None:
    doc = _countries("films-e318b92.json")
    doc["version"] = 1  # type: ignore[index]
    result = validate(doc)
    assert not result.valid
    assert result.facts is not None and result.facts.nodes == ["postgres-query"]
    assert validate(["not", "an", "object"]).facts is None
