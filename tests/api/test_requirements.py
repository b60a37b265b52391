"""What a workflow needs to run, on its representation and as a search facet and filter."""

from __future__ import annotations

import httpx

from blokhub.api.search.controllers import RequirementName
from blokhub.blok.requirements import REQUIREMENT_VALUES
from blokhub.outbox.relay import process_pending
from blokhub.runtime.resources import Resources
from tests.api.workflow_helpers import FIXTURES, load
from tests.conftest import Account, assert_error

W = "/api/v1/workflows"
S = "/api/v1/search/workflows"
VALID = FIXTURES / "valid"


async def _create(account: Account, name: str) -> dict[str, object]:
    r = await account.post(W, json={"definition": load(VALID / name), "visibility": "public"})
    assert r.status_code == 201, r.text
    body: dict[str, object] = r.json()
    return body


def test_the_api_accepts_exactly_the_requirement_values() -> None:
    assert set(RequirementName.__args__) == set(REQUIREMENT_VALUES)


async def test_each_node_says_where_it_comes_from(alice: Account) -> None:
    built_in = (await _create(alice, "countries-vs-facts-6b1d1a0.json"))["requirements"]
    assert built_in == {
        "dialect": "v1",
        "trigger": "http",
        "trigger_lines": ["nanoservice-ts", "blok-ts", "blokjs"],
        "nodes": [
            {
                "node": "@nanoservice-ts/if-else",
                "type": "module",
                "origin": "builtin",
                "package": "@nanoservice-ts/if-else",
                "version": "0.0.18",
                "lines": ["nanoservice-ts"],
                "steps": ["filter-request"],
            },
            {
                "node": "@nanoservice-ts/api-call",
                "type": "module",
                "origin": "builtin",
                "package": "@nanoservice-ts/api-call",
                "version": "0.1.17",
                "lines": ["nanoservice-ts"],
                "steps": ["get-countries", "get-facts"],
            },
        ],
        "lines": ["nanoservice-ts"],
        "values": ["builtins_only", "published_runner"],
    }
    local = (await _create(alice, "countries-762da10.json"))["requirements"]
    assert [(n["node"], n["origin"], n["package"]) for n in local["nodes"]] == [  # type: ignore[index]
        ("web/api-call@1.0.0", "local", None)
    ]
    assert local["values"] == ["needs_local_code"]  # type: ignore[index]
    python = (await _create(alice, "countries-py-4ad68ee.json"))["requirements"]
    assert {n["origin"] for n in python["nodes"]} == {"python"}  # type: ignore[index]
    mixed = (await _create(alice, "weather-132367d.json"))["requirements"]
    origins = {n["node"]: n["origin"] for n in mixed["nodes"]}  # type: ignore[index]
    assert origins["mastra-agent"] == "template" and origins["react-js"] == "unresolved"
    assert mixed["values"] == ["needs_template_nodes", "has_unresolved_nodes"]  # type: ignore[index]
    assert mixed["lines"] == []  # type: ignore[index]  # no Blok line registers react-js


async def test_validate_reports_requirements_before_saving(client: httpx.AsyncClient) -> None:
    r = await client.post(f"{W}/validate", json={"definition": load(VALID / "films-e318b92.json")})
    assert r.status_code == 200, r.text
    assert r.json()["requirements"]["values"] == ["needs_template_nodes"]


async def test_search_filters_and_counts_by_requirements(
    alice: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    ids = {
        name: (await _create(alice, name))["id"]
        for name in (
            "countries-vs-facts-6b1d1a0.json",
            "launches-by-year-04cb06e.json",
            "countries-762da10.json",
            "films-e318b92.json",
            "mcp-test-3be7903.json",
        )
    }
    await process_pending({"resources": clean})

    async def found(**params: str) -> set[object]:
        r = await client.get(S, params=params)
        assert r.status_code == 200, r.text
        return {h["workflow"]["id"] for h in r.json()["hits"]}

    # mcp-test uses only @blok-ts built-ins: built-ins only, but not on the runner published on npm.
    assert await found(requirements="builtins_only") == {
        ids["countries-vs-facts-6b1d1a0.json"],
        ids["launches-by-year-04cb06e.json"],
        ids["mcp-test-3be7903.json"],
    }
    assert await found(requirements="published_runner") == {
        ids["countries-vs-facts-6b1d1a0.json"],
        ids["launches-by-year-04cb06e.json"],
    }
    assert await found(requirements="needs_local_code") == {ids["countries-762da10.json"]}
    r = await client.get(S, params={"facets": "requirements"})
    assert r.json()["facets"]["requirements"] == {
        "builtins_only": 3,
        "published_runner": 2,
        "needs_local_code": 1,
        "needs_template_nodes": 1,
    }
    assert_error(await client.get(S, params={"requirements": "magic"}), 422, "validation_error")


async def test_a_saved_search_on_requirements_notifies_only_matching_workflows(
    alice: Account, bob: Account, clean: Resources
) -> None:
    saved = await bob.post(
        "/api/v1/me/saved-searches", json={"name": "runs as is", "filters": {"requirements": "published_runner"}}
    )
    assert saved.status_code == 201, saved.text
    runs = await _create(alice, "countries-vs-facts-6b1d1a0.json")
    await _create(alice, "films-e318b92.json")
    await process_pending({"resources": clean})
    await process_pending({"resources": clean}, lane="saved_searches")  # after the index lane, as it waits for it
    notes = (await bob.get("/api/v1/notifications")).json()["items"]
    assert [(n["kind"], n["workflow"]["id"]) for n in notes] == [("saved_search_match", runs["id"])]
