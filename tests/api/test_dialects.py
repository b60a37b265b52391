"""Both Blok dialects through HTTP: import, validate, dialect in every answer, export in either dialect."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import yaml

from blokhub.outbox.relay import process_pending
from blokhub.runtime.resources import Resources
from tests.api.workflow_helpers import FIXTURES, VALID, fixture_format, simple
from tests.conftest import Account, assert_error

W = "/api/v1/workflows"
S = "/api/v1/search/workflows"
V2 = sorted((FIXTURES / "v2").glob("*.json"))
TRAVEL = FIXTURES / "v2" / "v05-travel-booking.json"
COUNTRIES_V2 = FIXTURES / "v2" / "countries.json"
V1_BRANCHES = FIXTURES / "valid" / "countries-vs-facts-6b1d1a0.json"


def _read(path: Path) -> bytes:
    return path.read_bytes()


async def _import(account: Account, path: Path, visibility: str = "public") -> dict[str, Any]:
    r = await account.post(
        f"{W}/import?visibility={visibility}",
        content=_read(path),
        headers={"content-type": f"application/{fixture_format(path)}"},
    )
    assert r.status_code == 201, (path.name, r.text)
    body: dict[str, Any] = r.json()
    return body


async def test_every_v2_fixture_imports_as_valid_v2(alice: Account) -> None:
    assert len(V2) == 30
    for path in V2:
        body = await _import(alice, path, visibility="private")
        assert body["dialect"] == "v2" and body["facts"]["dialect"] == "v2", path.name
        messages = [e["message"] for e in body["health"]["errors"]]
        assert body["health"]["valid"], (path.name, messages)
        assert not any("nodes" in m or "missing 'name'" in m for m in messages)
        assert body["definition"] == json.loads(path.read_text()), "the author's document is kept as written"
    listed = (await alice.get(f"{W}?owner=alice&limit=100")).json()["items"]
    assert {w["dialect"] for w in listed} == {"v2"}


async def test_v2_facts_cover_blocks_nodes_and_domains(alice: Account) -> None:
    body = await _import(alice, TRAVEL)
    facts = body["facts"]
    assert facts["trigger"] == "http" and facts["method"] == "POST" and facts["path"] == "/v05-travel-booking"
    assert facts["control_flow"] == ["branch", "tryCatch"] and facts["has_branches"] is True
    assert set(facts["nodes"]) == {"@blokjs/json-schema", "@blokjs/api-call", "@blokjs/throw", "@blokjs/expr"}
    assert facts["runtimes"] == ["typescript"] and facts["domains"] == ["httpbin.org"]
    assert facts["step_count"] == 13  # 3 top-level, 3 in try, 7 in catch (branches included)


async def test_validate_names_the_dialect_and_places_v2_errors(alice: Account, client: Any) -> None:
    r = await client.post(f"{W}/validate", json={"definition": json.loads(COUNTRIES_V2.read_text())})
    assert r.status_code == 200 and r.json()["valid"] and r.json()["dialect"] == "v2"
    r = await client.post(f"{W}/validate", json={"definition": simple()})
    assert r.status_code == 200 and r.json()["dialect"] == "v1" and r.json()["facts"]["dialect"] == "v1"
    broken = COUNTRIES_V2.read_text().replace('"use": "@blokjs/api-call"', '"set_var": true')
    r = await client.post(f"{W}/validate", json={"source": broken, "format": "json"})
    body = r.json()
    assert r.status_code == 200 and body["dialect"] == "v2" and not body["valid"]
    by_pointer = {e["pointer"]: e for e in body["errors"]}
    assert by_pointer["/steps/0/set_var"]["code"] == "set_var_removed"
    assert by_pointer["/steps/0/set_var"]["line"] == 15 and by_pointer["/steps/0/set_var"]["column"] == 4
    assert "use" in by_pointer["/steps/0"]["message"]


async def test_neither_dialect_is_refused_with_what_it_resembles(alice: Account, client: Any) -> None:
    for doc, resembles in (
        ({"name": "x", "version": "1.0.0", "trigger": {"http": {"method": "GET", "path": "/"}}}, "v1"),
        ({"name": "x", "version": "1.0.0", "steps": [{"run": "thing"}]}, "v2"),
    ):
        # Validate answers every outcome about the document in one shape (issue 13): 200, valid false, same error.
        checked = await client.post(f"{W}/validate", json={"definition": doc})
        assert checked.status_code == 200 and checked.json()["valid"] is False, checked.text
        issue = checked.json()["errors"][0]
        assert issue["code"] == "unknown_dialect" and f"most resembles {resembles}" in issue["message"]
        for response in (
            await alice.post(W, json={"definition": doc, "visibility": "private"}),
            await alice.post(f"{W}/import", content=json.dumps(doc), headers={"content-type": "application/json"}),
        ):
            error = assert_error(response, 422, "unknown_dialect")
            assert f"most resembles {resembles}" in error["message"]
            assert "steps" in error["message"] and error["details"][0]["resembles"] == resembles


async def test_export_defaults_to_the_uploaded_document(alice: Account) -> None:
    created = await _import(alice, TRAVEL)
    r = await alice.get(f"{W}/{created['id']}/export?format=json")
    assert r.status_code == 200 and json.loads(r.text) == json.loads(TRAVEL.read_text())
    r = await alice.get(f"{W}/{created['id']}/export?format=json&dialect=v2")
    assert json.loads(r.text) == json.loads(TRAVEL.read_text())


async def test_export_v2_to_v1_lists_every_inexpressible_construct(alice: Account) -> None:
    created = await _import(alice, TRAVEL)
    error = assert_error(await alice.get(f"{W}/{created['id']}/export?dialect=v1"), 422, "not_expressible")
    pointers = [d["pointer"] for d in error["details"]]
    assert "/steps/1/tryCatch" in pointers
    assert "/steps/2/inputs/expression" in pointers  # reads ctx.state, which v1 has not
    assert all(d["code"] == "not_expressible" and d["message"] for d in error["details"])


async def test_export_v2_to_v1_converts_what_v1_can_express(alice: Account, client: Any) -> None:
    created = await _import(alice, COUNTRIES_V2)
    for fmt, load in (("json", json.loads), ("yaml", yaml.safe_load), ("toml", tomllib.loads)):
        r = await alice.get(f"{W}/{created['id']}/export?format={fmt}&dialect=v1")
        assert r.status_code == 200, r.text
        v1 = load(r.text)
        assert v1["steps"] == [{"name": "get-countries-api", "node": "@blokjs/api-call", "type": "module"}]
        assert v1["nodes"]["get-countries-api"]["inputs"]["method"] == "GET"
        check = (await client.post(f"{W}/validate", json={"definition": v1})).json()
        assert check["valid"] and check["dialect"] == "v1"


async def test_export_v1_to_v2_and_back_through_import(alice: Account, client: Any) -> None:
    original = await _import(alice, V1_BRANCHES)
    assert original["dialect"] == "v1"
    r = await alice.get(f"{W}/{original['id']}/export?format=yaml&dialect=v2")
    assert r.status_code == 200, r.text
    assert "branch:" in r.text and "nodes:" not in r.text
    converted = await alice.post(
        f"{W}/import?visibility=private", content=r.content, headers={"content-type": "application/yaml"}
    )
    assert converted.status_code == 201 and converted.json()["dialect"] == "v2"
    assert converted.json()["health"]["valid"], converted.json()["health"]
    assert converted.json()["facts"]["nodes"] == ["@nanoservice-ts/api-call"]
    back = await alice.get(f"{W}/{converted.json()['id']}/export?format=json&dialect=v1")
    assert back.status_code == 200, back.text
    same = (
        await client.post(f"{W}/validate", json={"definition": json.loads(back.text)}),
        await client.post(f"{W}/validate", json={"source": V1_BRANCHES.read_text(), "format": "json"}),
    )
    assert same[0].json()["facts"] == same[1].json()["facts"]


async def test_every_valid_v1_fixture_exports_as_v2(alice: Account) -> None:
    for path in VALID:
        created = await _import(alice, path, visibility="private")
        r = await alice.get(f"{W}/{created['id']}/export?dialect=v2")
        if "metadata" in json.loads((await alice.get(f"{W}/{created['id']}/export")).text):
            assert_error(r, 422, "not_expressible")
            continue
        assert r.status_code == 200, (path.name, r.text)
        assert "nodes" not in json.loads(r.text)


async def test_create_update_and_diff_a_v2_workflow(alice: Account) -> None:
    document = json.loads(TRAVEL.read_text())
    r = await alice.post(W, json={"definition": document})
    assert r.status_code == 201 and r.json()["dialect"] == "v2", r.text
    workflow_id = r.json()["id"]
    document["steps"][1]["tryCatch"]["try"][0]["inputs"]["method"] = "PUT"
    r = await alice.patch(f"{W}/{workflow_id}", json={"definition": document, "changelog": "PUT flights"})
    assert r.status_code == 200 and r.json()["version"] == 2
    changes = (await alice.get(f"{W}/{workflow_id}/diff?from=1&to=2")).json()["changes"]
    assert changes == [
        {
            "op": "changed",
            "kind": "node",
            "pointer": "/steps/1/tryCatch/try/0/inputs/method",
            "name": "book-flight",
            "before": "POST",
            "after": "PUT",
        }
    ]
    spelled = json.loads(json.dumps({**document, "schemaVersion": "2"}))
    r = await alice.patch(f"{W}/{workflow_id}", json={"definition": spelled})
    assert r.json()["version"] == 2, "a spelled-out default is not a new version"


async def test_search_has_a_dialect_facet_and_filter(alice: Account, client: Any, clean: Resources) -> None:
    for path in (TRAVEL, COUNTRIES_V2, V1_BRANCHES):
        await _import(alice, path)
    await process_pending({"resources": clean})
    body = (await client.get(S, params={"facets": "dialect,runtime"})).json()
    assert body["facets"]["dialect"] == {"v2": 2, "v1": 1} and body["total"] == 3
    v2_only = (await client.get(S, params={"dialect": "v2"})).json()
    assert {h["workflow"]["dialect"] for h in v2_only["hits"]} == {"v2"} and v2_only["total"] == 2
    found = (await client.get(S, params={"q": "book-hotel", "dialect": "v2"})).json()  # a step id nested in tryCatch
    assert [h["workflow"]["title"] for h in found["hits"]] == ["v05-travel-booking"]
    assert_error(await client.get(S, params={"dialect": "v3"}), 422)
