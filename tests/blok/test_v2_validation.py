"""Blok v2 documents: every real file is accepted, mistakes get v2's own errors with pointers and positions, and the
hand-written checker accepts exactly what the shipped ``workflow.v2.schema.json`` accepts."""

from __future__ import annotations

import copy
import json
import random
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from blokhub.blok import analyze, validate
from blokhub.blok.v2_schema import v2_schema_issues
from tests.blok.conftest import FIXTURES
from tests.blok.mutations import mutate

V2 = sorted((FIXTURES / "v2").glob("*.json"))
V2_FORK = sorted((FIXTURES / "v2-fork").glob("*.json"))
SCHEMA = json.loads(resources.files("blokhub.blok").joinpath("workflow.v2.schema.json").read_text("utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)
TRAVEL = json.loads((FIXTURES / "v2" / "v05-travel-booking.json").read_text())


def test_fixture_sets_are_complete() -> None:
    assert len(V2) == 30 and len(V2_FORK) == 68
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", V2 + V2_FORK, ids=lambda p: p.name)
def test_every_real_v2_file_is_valid_v2(path: Path) -> None:
    _, result = analyze(path.read_bytes(), "json")
    assert result.dialect is not None and result.dialect.value == "v2"
    assert result.valid, [(i.pointer, i.message) for i in result.errors]
    assert VALIDATOR.is_valid(json.loads(path.read_text()))


def _codes(doc: dict[str, Any]) -> dict[str, str]:
    result = validate(doc)
    return {i.pointer: i.code for i in [*result.errors, *result.warnings]}


def _travel() -> dict[str, Any]:
    return copy.deepcopy(TRAVEL)


def test_loader_errors_are_v2_errors_with_pointers() -> None:
    doc = _travel()
    saga = doc["steps"][1]["tryCatch"]
    saga["try"][1]["id"] = "book-flight"  # ids are unique across the whole workflow
    saga["catch"][3]["set_var"] = True
    saga["try"][2]["as"], saga["try"][2]["spread"] = "car", True
    doc["steps"][0]["node"] = "@blokjs/json-schema"  # both use and node
    doc["steps"][2]["retry"] = {"maxAttempts": 50}
    codes = _codes(doc)
    assert codes["/steps/1/tryCatch/try/1/id"] == "duplicate_step_id"
    assert codes["/steps/1/tryCatch/catch/3/set_var"] == "set_var_removed"
    assert codes["/steps/1/tryCatch/try/2/spread"] == "as_and_spread"
    assert codes["/steps/0/node"] == "dialect_conflict"
    assert codes["/steps/2/retry/maxAttempts"] == "schema"
    assert not validate(doc).valid


def test_block_shapes_are_checked_at_any_depth() -> None:
    doc = _travel()
    catch = doc["steps"][1]["tryCatch"]["catch"]
    del catch[0]["branch"]["when"]
    catch[1]["branch"]["then"] = {}
    doc["steps"][1]["tryCatch"]["try"] = []
    doc["steps"].append({"id": "each", "forEach": {"in": "js/ctx.request.body", "as": "1x", "do": []}})
    doc["steps"].append({"id": "no-node", "inputs": {}})
    result = validate(doc)
    messages = {i.pointer: i.message for i in result.errors}
    assert "missing 'when'" in messages["/steps/1/tryCatch/catch/0/branch"]
    assert "/steps/1/tryCatch/catch/1/branch/then" in messages
    assert "at least one step" in messages["/steps/1/tryCatch/try"]
    assert "variable name" in messages["/steps/3/forEach/as"]
    assert "at least one step" in messages["/steps/3/forEach/do"]
    assert "`use`" in messages["/steps/4"]


def test_warnings_do_not_invalidate() -> None:
    doc = _travel()
    doc["trigger"]["http"]["method"] = "*"
    doc["steps"][0]["inputs"]["data"] = {"$ref": {"step": "nowhere", "path": ["x"]}}
    doc["steps"][1]["tryCatch"]["catch"][0]["branch"]["when"] = "js/ctx.state.x"
    result = validate(doc)
    assert result.valid
    assert {i.code for i in result.warnings} == {"wildcard_method", "unknown_ref", "condition_syntax"}


def test_refs_in_control_positions_are_errors() -> None:
    doc = _travel()
    doc["steps"].append(
        {
            "id": "each",
            "forEach": {
                "in": {"$ref": {"step": "@trigger", "path": ["body"]}},
                "as": "x",
                "do": [{"id": "log", "use": "@blokjs/log", "inputs": {"bad": {"$ref": {"stp": "x"}}}}],
            },
        }
    )
    codes = _codes(doc)
    assert codes["/steps/3/forEach/in"] == "ref_in_control"
    assert codes["/steps/3/forEach/do/0/inputs/bad/$ref"] == "invalid_ref"


def test_errors_carry_line_and_column_like_v1() -> None:
    text = (FIXTURES / "v2" / "countries.json").read_text().replace('"type": "module"', '"type": "python"')
    _, result = analyze(text, "json")
    (issue,) = result.errors
    assert issue.pointer == "/steps/0/type" and issue.code == "unknown_step_type"
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"type": "python"' in row)
    assert (issue.line, issue.column) == (line, 4)


def test_a_v2_document_never_gets_v1_errors() -> None:
    doc = _travel()
    doc["steps"][0]["use"] = 5
    messages = " ".join(i.message for i in validate(doc).errors)
    assert "nodes" not in messages and "name, node and type" not in messages


def _agree(doc: Any) -> None:
    ours = v2_schema_issues(doc)
    theirs = list(VALIDATOR.iter_errors(doc))
    assert (not ours) == (not theirs), (
        f"hand-written: {[i.pointer + ' ' + i.message for i in ours]}; "
        f"jsonschema: {[e.json_path + ' ' + e.message for e in theirs]}"
    )


SAMPLES: list[Any] = [
    None, True, 0, 7, -1, 1.5, "", "x", "ANY", "*", "js/ctx.x", "5s", "sequential", "parallel", "module",
    "runtime.go", "/", [], {}, ["x"], {"a": 1}, {"$ref": {"step": "@trigger"}}, {"maxAttempts": 3},
    {"id": "s", "use": "@blokjs/log"}, [{"id": "t", "use": "x"}],
]  # fmt: skip
KEYS = ["id", "use", "type", "inputs", "when", "then", "else", "do", "as", "in", "mode", "try", "catch", "retry",
        "wait", "for", "middleware", "set_var", "extra", "nodes", "cases", "on", "concurrency"]  # fmt: skip


def test_checker_agrees_with_the_schema_on_random_mutations() -> None:
    rng = random.Random(20261129)
    seeds = [json.loads(p.read_text()) for p in V2[::3] + V2_FORK[::6]]
    outcomes = {True: 0, False: 0}
    for _ in range(1500):
        doc = rng.choice(seeds)
        for _ in range(rng.randint(1, 3)):
            doc = mutate(rng, doc, SAMPLES, KEYS, replace=0.55)
        _agree(doc)
        outcomes[VALIDATOR.is_valid(doc)] += 1
    assert outcomes[True] > 100 and outcomes[False] > 100, outcomes


def test_yaml_and_toml_v2_errors_are_placed_too() -> None:
    yaml_text = (
        "name: yaml-v2\nversion: 1.0.0\ntrigger:\n  http:\n    method: POST\n    path: /x\nsteps:\n"
        "  - id: loop-it\n    forEach:\n      in: js/ctx.request.body\n      as: item\n      do: []\n"
    )
    _, result = analyze(yaml_text, "yaml")
    assert result.dialect is not None and result.dialect.value == "v2"
    (issue,) = result.errors
    assert (issue.pointer, issue.line, issue.column) == ("/steps/0/forEach/do", 12, 7)
    toml_text = (
        'name = "toml-v2"\nversion = "1.0.0"\n\n[trigger.http]\nmethod = "GET"\n\n[[steps]]\nid = "a"\nuse = 5\n'
    )
    _, result = analyze(toml_text, "toml")
    (issue,) = result.errors
    assert (issue.pointer, issue.line) == ("/steps/0/use", 9)
