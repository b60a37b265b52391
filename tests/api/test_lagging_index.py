"""With Redis down the index lags; a workflow made private still vanishes at once from suggest and facet counts."""

from __future__ import annotations

import httpx

from blokhub.outbox.relay import process_pending
from blokhub.runtime.resources import Resources
from tests.api.test_redis_down import no_redis_client  # noqa: F401  (fixture)
from tests.api.workflow_helpers import simple
from tests.conftest import register

S = "/api/v1/search"


async def test_private_workflow_leaves_suggest_and_facets_while_the_index_lags(
    no_redis_client: httpx.AsyncClient,  # noqa: F811
    clean: Resources,
) -> None:
    client = no_redis_client
    secretive = await register(client, "secretive")
    other = await register(client, "plainauthor")
    wid = (
        await secretive.post(
            "/api/v1/workflows", json={"definition": simple(name="Zebra payments"), "tags": ["zebracorn", "payments"]}
        )
    ).json()["id"]
    await other.post("/api/v1/workflows", json={"definition": simple(name="Plain payments"), "tags": ["payments"]})
    await process_pending({"resources": clean})  # indexed while public
    suggested = (await client.get(f"{S}/suggest", params={"q": "zebrac"})).json()["items"]
    assert {"text": "zebracorn", "kind": "tag"} in [{"text": s["text"], "kind": s["kind"]} for s in suggested]
    facets = (await client.get(f"{S}/workflows", params={"q": "payments", "facets": "tags,author"})).json()["facets"]
    assert facets["tags"].get("zebracorn") == 1 and facets["author"].get("secretive") == 1

    # Private now; with Redis down nothing tells the indexer (the relay's next sweep would).
    r = await secretive.patch(f"/api/v1/workflows/{wid}", json={"visibility": "private"})
    assert r.status_code == 200
    assert wid in await clean.search.all_ids()  # the index still has it
    suggested = (await client.get(f"{S}/suggest", params={"q": "zebrac"})).json()["items"]
    assert all(s["text"] != "zebracorn" for s in suggested), suggested
    assert all(
        s["text"] != "secretive" for s in (await client.get(f"{S}/suggest", params={"q": "secre"})).json()["items"]
    )
    body = (await client.get(f"{S}/workflows", params={"q": "payments", "facets": "tags,author"})).json()
    assert "zebracorn" not in body["facets"]["tags"] and "secretive" not in body["facets"]["author"]
    assert body["facets"]["tags"]["payments"] == 1 and body["total"] == 1
    assert [h["workflow"]["id"] for h in body["hits"]] != [wid]


async def test_a_tag_stays_suggested_while_something_listed_carries_it(
    no_redis_client: httpx.AsyncClient,  # noqa: F811
    clean: Resources,
) -> None:
    """The check looks first at the workflows the index says carry the tag; when none of those is listed any more,
    it still finds a listed one the index does not know yet."""
    client = no_redis_client
    first, second = await register(client, "firstauthor"), await register(client, "secondauthor")
    body = {"definition": simple(name="Quokka alerts"), "tags": ["quokkaware"]}
    wid = (await first.post("/api/v1/workflows", json=body)).json()["id"]
    await process_pending({"resources": clean})  # indexed while public
    assert (await first.patch(f"/api/v1/workflows/{wid}", json={"visibility": "private"})).status_code == 200
    suggested = (await client.get(f"{S}/suggest", params={"q": "quokkaw"})).json()["items"]
    assert all(s["text"] != "quokkaware" for s in suggested), suggested
    # Published with the tag while the index still lags: the index's only carrier is the private one.
    body = {"definition": simple(name="Quokka reports"), "tags": ["quokkaware"]}
    assert (await second.post("/api/v1/workflows", json=body)).status_code == 201
    suggested = (await client.get(f"{S}/suggest", params={"q": "quokkaw"})).json()["items"]
    assert {"text": "quokkaware", "kind": "tag"} in [{"text": s["text"], "kind": s["kind"]} for s in suggested]
