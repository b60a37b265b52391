"""The hand-written structural validator must accept exactly what the shipped JSON Schema accepts."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from blokhub.blok import load_schema, parse, schema_issues
from tests.blok.conftest import FIXTURES, INVALID, VALID, base_doc, fmt_of
from tests.blok.mutations import mutate

VALIDATOR = Draft202012Validator(load_schema())
Doc = dict[str, Any]


def _agree(doc: Any) -> None:
    ours = schema_issues(doc)
    theirs = list(VALIDATOR.iter_errors(doc))
    assert (not ours) == (not theirs), (
        f"hand-written: {[i.pointer + ' ' + i.message for i in ours]}; "
        f"jsonschema: {[e.json_path + ' ' + e.message for e in theirs]}"
    )


# The shared reference set sits beside the repository (``../shared`` from its root) on machines that have it.
REFERENCE_SCHEMA = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "blok-workflow.schema.json"


def test_shipped_schema_is_a_valid_schema() -> None:
    Draft202012Validator.check_schema(load_schema())


@pytest.mark.skipif(not REFERENCE_SCHEMA.exists(), reason=f"no shared reference set at {REFERENCE_SCHEMA}")
def test_shipped_schema_is_the_reference_schema() -> None:
    assert load_schema() == json.loads(REFERENCE_SCHEMA.read_text())


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: p.name)
def test_agrees_on_fixtures(path: Path) -> None:
    _agree(parse(path.read_bytes(), fmt_of(path)).document)


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        *parents, last = path.strip("/").split("/")
        target: Any = doc
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return apply


def _delete(path: str) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        *parents, last = path.strip("/").split("/")
        target: Any = doc
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[int(last) if isinstance(target, list) else last]

    return apply


COND = "/nodes/route/conditions"
MUTATIONS: dict[str, Callable[[Doc], None]] = {
    "no-name": _delete("/name"),
    "empty-name": _set("/name", ""),
    "int-name": _set("/name", 3),
    "no-version": _delete("/version"),
    "numeric-version": _set("/version", 1.0),
    "bad-version": _set("/version", "1.0"),
    "prerelease-version": _set("/version", "1.0.0-beta.1"),
    "newline-version": _set("/version", "1.0.0\n"),
    "int-description": _set("/description", 5),
    "no-description": _delete("/description"),
    "edges": _set("/edges", []),
    "metadata-list": _set("/metadata", []),
    "metadata-object": _set("/metadata", {"a": 1}),
    "no-trigger": _delete("/trigger"),
    "empty-trigger": _set("/trigger", {}),
    "list-trigger": _set("/trigger", []),
    "webhook-trigger": _set("/trigger/webhook", {}),
    "grpc-trigger": _set("/trigger/grpc", {}),
    "grpc-list": _set("/trigger/grpc", []),
    "cron-trigger": _set("/trigger/cron", {"schedule": "* * * * *"}),
    "method-any": _set("/trigger/http/method", "ANY"),
    "method-lower": _set("/trigger/http/method", "get"),
    "method-int": _set("/trigger/http/method", 1),
    "no-method": _delete("/trigger/http/method"),
    "path-no-slash": _set("/trigger/http/path", "orders"),
    "path-int": _set("/trigger/http/path", 5),
    "no-path": _delete("/trigger/http/path"),
    "empty-accept": _set("/trigger/http/accept", ""),
    "http-extra": _set("/trigger/http/verb", "GET"),
    "http-headers-list": _set("/trigger/http/headers", []),
    "http-jwt-int": _set("/trigger/http/jwt_secret", 1),
    "http-inputs-extra": _set("/trigger/http/inputs", {"x": {}}),
    "http-inputs-ok": _set("/trigger/http/inputs", {"query": {}, "body": {"type": "object"}}),
    "http-inputs-query-list": _set("/trigger/http/inputs", {"query": []}),
    "mcp-ok": _set("/trigger/mcp", {"type": "tool", "method": "POST", "path": "/", "extra": 1}),
    "mcp-no-type": _set("/trigger/mcp", {"method": "POST", "path": "/"}),
    "mcp-bad-type": _set("/trigger/mcp", {"type": "prompt"}),
    "mcp-bad-method": _set("/trigger/mcp", {"type": "tool", "method": "ANY"}),
    "mcp-bad-path": _set("/trigger/mcp", {"type": "tool", "path": "x"}),
    "mcp-accept-empty": _set("/trigger/mcp", {"type": "tool", "accept": ""}),
    "no-steps": _delete("/steps"),
    "empty-steps": _set("/steps", []),
    "steps-object": _set("/steps", {}),
    "step-string": _set("/steps/0", "auth"),
    "step-no-node": _delete("/steps/0/node"),
    "step-no-type": _delete("/steps/0/type"),
    "step-python": _set("/steps/0/type", "python"),
    "step-inputs": _set("/steps/0/inputs", {}),
    "step-extra": _set("/steps/0/retries", 3),
    "step-flag-string": _set("/steps/0/set_var", "true"),
    "step-flags-ok": _set("/steps/0/stop", False),
    "step-empty-node": _set("/steps/0/node", ""),
    "step-int-name": _set("/steps/0/name", 7),
    "no-nodes": _delete("/nodes"),
    "nodes-list": _set("/nodes", []),
    "nodes-empty-key": _set("/nodes/", {"inputs": {}}),
    "node-empty": _set("/nodes/auth", {}),
    "node-both": _set("/nodes/auth/conditions", []),
    "node-extra": _set("/nodes/auth/type", "x"),
    "node-inputs-list": _set("/nodes/auth/inputs", []),
    "node-string": _set("/nodes/auth", "x"),
    "node-steps-shape": _set("/nodes/auth", {"steps": []}),
    "conditions-empty": _set(COND, []),
    "conditions-object": _set(COND, {}),
    "else-first": _set(COND + "/0/type", "else"),
    "two-else": _set(COND + "/0", {"type": "else", "steps": []}),
    "two-ifs": _set(COND + "/1", {"type": "if", "condition": "x", "steps": []}),
    "lone-if": _delete(COND + "/1"),
    "if-no-condition": _delete(COND + "/0/condition"),
    "if-empty-condition": _set(COND + "/0/condition", ""),
    "condition-int": _set(COND + "/0/condition", 1),
    "else-with-condition": _set(COND + "/1/condition", "x"),
    "else-empty-condition": _set(COND + "/1/condition", ""),
    "condition-no-steps": _delete(COND + "/1/steps"),
    "condition-steps-object": _set(COND + "/1/steps", {}),
    "condition-extra": _set(COND + "/1/when", "x"),
    "condition-bad-type": _set(COND + "/1/type", "elif"),
    "condition-no-type": _delete(COND + "/1/type"),
    "condition-string": _set(COND + "/1", "else"),
    "nested-step-bad": _set(COND + "/0/steps/0/type", "python"),
    "nested-step-extra": _set(COND + "/0/steps/0/inputs", {}),
    "branch-empty-steps": _set(COND + "/1/steps", []),
}


@pytest.mark.parametrize("mutation", MUTATIONS.values(), ids=MUTATIONS.keys())
def test_agrees_on_mutations(mutation: Callable[[Doc], None]) -> None:
    doc = base_doc()
    mutation(doc)
    _agree(doc)


def test_agrees_on_the_unmutated_base() -> None:
    assert schema_issues(base_doc()) == []
    assert VALIDATOR.is_valid(base_doc())


SAMPLES: list[Any] = [
    None,
    True,
    0,
    1.5,
    "",
    "x",
    "ANY",
    "else",
    "if",
    "/",
    [],
    {},
    ["x"],
    {"a": 1},
    {"inputs": {}},
    {"type": "if", "steps": []},
    {"type": "else", "steps": []},
]


V1_KEYS = ["type", "steps", "inputs", "condition", "extra"]


def test_agrees_on_random_mutations() -> None:
    rng = random.Random(20240601)
    seeds = [base_doc()] + [parse(p.read_bytes(), fmt_of(p)).document for p in VALID[:8]]
    outcomes = {True: 0, False: 0}
    for _ in range(1500):
        doc = rng.choice(seeds)
        for _ in range(rng.randint(1, 3)):
            doc = mutate(rng, doc, SAMPLES, V1_KEYS, replace=0.6)
        _agree(doc)
        outcomes[VALIDATOR.is_valid(doc)] += 1
    assert outcomes[True] > 100 and outcomes[False] > 100, outcomes  # both sides are really exercised


def test_fixture_directory_present() -> None:
    assert len(VALID) == 19 and len(INVALID) == 2, FIXTURES
