"""The published OpenAPI document itself: names, the error envelope, security, and that it matches real answers."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import httpx
import jsonschema
import pytest

from tests.conftest import Account

METHODS = ("get", "put", "post", "delete", "patch")
GENERIC = {"index", "show", "get", "create", "update", "remove", "delete", "list", "edit", "handler"}


@pytest.fixture
async def doc(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, m, op) for path, item in doc["paths"].items() for m, op in item.items() if m in METHODS]


def resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every component reachable, for jsonschema to validate against."""
    return {**schema, "components": doc["components"]}


async def test_operation_ids_and_summaries_are_unique_and_meaningful(doc: dict[str, Any]) -> None:
    ops = operations(doc)
    assert len(ops) >= 60
    ids = Counter(op["operationId"] for _, _, op in ops)
    assert [i for i, n in ids.items() if n > 1] == []
    for path, method, op in ops:
        op_id, summary = op["operationId"], op["summary"]
        assert re.fullmatch(r"[a-z][A-Za-z]+", op_id), (path, method, op_id)
        assert op_id.lower() not in GENERIC and summary.lower() not in GENERIC, (path, method, op_id, summary)
        assert len(summary.split()) >= 2 or summary in {"Liveness", "Login", "Logout", "Register", "Refresh"}, summary
    summaries = Counter(op["summary"] for _, _, op in ops)
    assert [s for s, n in summaries.items() if n > 1] == []


async def test_component_names_are_readable_and_every_ref_resolves(doc: dict[str, Any]) -> None:
    names = set(doc["components"]["schemas"])
    assert all(re.fullmatch(r"[A-Z][A-Za-z0-9]*", n) for n in names), sorted(n for n in names if "_" in n or "." in n)
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(doc)))
    assert refs <= names, refs - names
    assert {"ErrorResponse", "ErrorBody", "WorkflowSummaryPage"} <= names


async def test_every_error_status_is_documented_with_the_envelope(doc: dict[str, Any]) -> None:
    for path, method, op in operations(doc):
        where = f"{method.upper()} {path}"
        responses = op["responses"]
        errors = {code: r for code, r in responses.items() if code[0] in "45"}
        for code, response in errors.items():
            if path == "/ready":
                continue  # readiness answers 503 with its report, not an error
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, (where, code)
        params = op.get("parameters", [])
        if any(p["in"] == "path" for p in params):
            assert "404" in errors and "422" in errors, where
        if params or "requestBody" in op:
            assert "422" in errors, where
        if "requestBody" in op:
            assert "413" in errors, where
        if any(p["name"] == "cursor" for p in params):
            assert "400" in errors, where
        if op.get("security"):
            assert "401" in errors, where
        if "429" in errors:
            assert errors["429"]["headers"]["Retry-After"]["required"] is True, where
    # Litestar's own error shape must be gone entirely.
    assert '"status_code"' not in json.dumps(doc["paths"])


async def test_bearer_scheme_is_applied_to_authenticated_operations(doc: dict[str, Any]) -> None:
    scheme = doc["components"]["securitySchemes"]["bearer"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    by_id = {op["operationId"]: op for _, _, op in operations(doc)}
    assert by_id["createWorkflow"]["security"] == [{"bearer": []}]
    assert by_id["getMe"]["security"] == [{"bearer": []}]
    assert by_id["listWorkflows"]["security"] == [{}, {"bearer": []}]  # anonymous reads, a token widens them
    assert "security" not in by_id["register"] and "security" not in by_id["health"]
    assert "403" in by_id["listReports"]["responses"]


async def test_raw_bodies_streams_and_exports_are_described(doc: dict[str, Any]) -> None:
    by_id = {op["operationId"]: op for _, _, op in operations(doc)}
    body = by_id["importWorkflow"]["requestBody"]["content"]
    assert set(body) == {"application/json", "application/yaml", "application/toml", "multipart/form-data"}
    assert set(by_id["importWorkflow"]["responses"]) >= {"201", "415", "413", "422"}
    assert set(by_id["chat"]["responses"]["200"]["content"]) == {"text/event-stream"}
    assert set(by_id["exportWorkflow"]["responses"]["200"]["content"]) == {
        "application/json",
        "application/yaml",
        "application/toml",
    }
    assert set(by_id["metrics"]["responses"]["200"]["content"]) == {"text/plain"}


async def test_constraints_the_server_enforces_are_in_the_schema(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    create = schemas["WorkflowCreate"]
    assert create["additionalProperties"] is False
    tags = next(s for s in create["properties"]["tags"]["anyOf"] if s.get("type") == "array")
    assert tags["maxItems"] == 100 and tags["items"]["maxLength"] == 200
    stars = schemas["RatingIn"]["properties"]["stars"]
    assert (stars["minimum"], stars["maximum"]) == (1, 5)
    by_id = {op["operationId"]: op for _, _, op in operations(doc)}
    ids = {p["name"]: p["schema"] for p in by_id["getVersion"]["parameters"]}
    assert (ids["workflow_id"]["minimum"], ids["workflow_id"]["maximum"]) == (1, 2**63 - 1)
    assert ids["number"]["maximum"] == 2**31 - 1


async def test_real_errors_match_the_documented_envelope(
    doc: dict[str, Any], client: httpx.AsyncClient, alice: Account
) -> None:
    envelope = resolve(doc, {"$ref": "#/components/schemas/ErrorResponse"})
    answers = [
        await client.get("/api/v1/workflows/424242"),
        await client.get("/api/v1/me"),
        await alice.post("/api/v1/workflows", json={"title": ""}),
        await alice.post("/api/v1/workflows", content=b"{not json", headers={"Content-Type": "application/json"}),
        await alice.get("/api/v1/workflows/1/versions/2147483648"),
        await alice.get("/api/v1/admin/reports"),
    ]
    assert [a.status_code for a in answers] == [404, 401, 422, 400, 422, 403]
    for answer in answers:
        jsonschema.validate(answer.json(), envelope)


async def test_options_and_405_list_every_method_of_the_path(client: httpx.AsyncClient) -> None:
    for path, methods in {"/api/v1/me": {"GET", "PATCH"}, "/api/v1/workflows/1": {"GET", "PATCH", "DELETE"}}.items():
        options = await client.options(path)
        assert {m.strip() for m in options.headers["allow"].split(",")} == methods | {"OPTIONS"}
        refused = await client.put(path)
        assert refused.status_code == 405
        assert {m.strip() for m in refused.headers["allow"].split(",")} == methods | {"OPTIONS"}


async def test_a_text_guard_is_said_on_every_request_string(client: httpx.AsyncClient) -> None:
    """With a guard refusing control characters, each request-side string (and parameter) carries the rule."""
    from litestar import Litestar

    from blokhub.api.openapi.document import finish
    from blokhub.api.openapi.text_rules import TextRules

    app = client._transport.app  # type: ignore[attr-defined]
    assert isinstance(app, Litestar)
    rules = TextRules(body=r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", line=r"[\x00-\x1f\x7f]")
    doc = finish(app.openapi_schema.to_schema(), app, rules)
    schemas = doc["components"]["schemas"]
    title = next(s for s in schemas["WorkflowCreate"]["properties"]["title"]["anyOf"] if s.get("type") == "string")
    email = schemas["RegisterIn"]["properties"]["email"]
    tags = next(s for s in schemas["WorkflowCreate"]["properties"]["tags"]["anyOf"] if s.get("type") == "array")
    for schema in (title, tags["items"]):
        jsonschema.validate("a title\twith a tab", schema)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate("nul\x00here", schema)
    jsonschema.validate("ada@example.com", email)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate("ada\x01@example.com", email)
    assert "pattern" not in schemas["WorkflowOut"]["properties"]["title"]  # answers are not requests
    by_id = {op["operationId"]: op for _, _, op in operations(doc)}
    owner = next(p for p in by_id["listWorkflows"]["parameters"] if p["name"] == "owner")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate("a\tb", resolve(doc, owner["schema"]))
