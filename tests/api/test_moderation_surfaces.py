"""Issue 13.2: moderation that moderates — the owner sees the state and is told; a ban removes everything the user
made from every surface and an unban brings it back; one open report per target and reporter; admin endpoints."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import update

from blokhub.db.models import User
from blokhub.outbox.relay import process_pending
from blokhub.runtime.resources import Resources
from tests.api.workflow_helpers import simple
from tests.conftest import Account, assert_error, register

W = "/api/v1/workflows"
ADMIN = "/api/v1/admin"


async def _staff(client: httpx.AsyncClient, resources: Resources, name: str, role: str) -> Account:
    account = await register(client, name)
    async with resources.sessionmaker() as db, db.begin():
        await db.execute(update(User).where(User.username == name).values(role=role))
    return account


async def _relay(resources: Resources) -> None:
    await process_pending({"resources": resources})
    await process_pending({"resources": resources}, lane="vectors")


async def test_owner_sees_moderation_state_and_is_notified(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    mod = await _staff(client, clean, "mod", "moderator")
    wid = (await alice.post(W, json={"definition": simple()})).json()["id"]
    assert (await alice.get(f"{W}/{wid}")).json()["moderation"] == {"state": "visible", "reason": None, "at": None}
    assert (await bob.get(f"{W}/{wid}")).json()["moderation"] is None  # nobody else learns about moderation
    r = await mod.post(f"{ADMIN}/workflows/{wid}/hide", json={"reason": "links to a phishing page"})
    assert r.status_code == 204
    mine = (await alice.get(f"{W}/{wid}")).json()
    assert mine["visibility"] == "public" and mine["moderation"]["state"] == "hidden"
    assert mine["moderation"]["reason"] == "links to a phishing page" and mine["moderation"]["at"]
    assert (await mod.get(f"{W}/{wid}")).json()["moderation"]["state"] == "hidden"
    assert_error(await bob.get(f"{W}/{wid}"), 404)
    own_list = (await alice.get("/api/v1/users/alice/workflows")).json()["items"]
    assert own_list[0]["moderation"]["state"] == "hidden"
    kinds = [n["kind"] for n in (await alice.get("/api/v1/notifications")).json()["items"]]
    assert "workflow_hidden" in kinds
    assert (await mod.post(f"{ADMIN}/workflows/{wid}/unhide")).status_code == 204
    assert (await alice.get(f"{W}/{wid}")).json()["moderation"]["state"] == "visible"
    kinds = [n["kind"] for n in (await alice.get("/api/v1/notifications")).json()["items"]]
    assert "workflow_restored" in kinds


async def _surfaces(viewer: Account, client: httpx.AsyncClient, ids: list[int], bobs: int) -> dict[str, Any]:
    search = (await client.get("/api/v1/search/workflows", params={"q": "zanzibar", "facets": "author,tags"})).json()
    suggest = (await client.get("/api/v1/search/suggest", params={"q": "zanz"})).json()["items"]
    users = (await client.get("/api/v1/search/suggest", params={"q": "alic"})).json()["items"]
    feed = (await viewer.get("/api/v1/feed")).json()["items"]
    similar = (await client.get(f"{W}/{bobs}/similar", params={"limit": 50})).json()["items"]
    for_you = (await viewer.get("/api/v1/recommendations", params={"limit": 50})).json()["items"]
    trending = (await client.get("/api/v1/trending", params={"limit": 100})).json()["items"]
    comments = (await client.get(f"{W}/{bobs}/comments")).json()["items"]
    return {
        "reads": [(await client.get(f"{W}/{i}")).status_code for i in ids],
        "search": sorted(h["workflow"]["id"] for h in search["hits"]),
        "facets": search["facets"].get("author", {}).get("alice", 0),
        "suggest": sorted(s["id"] for s in suggest if s["kind"] == "title" and s["id"] in ids),
        "users": [s["text"] for s in users if s["kind"] == "user"],
        "feed": sorted({i["workflow"]["id"] for i in feed} & set(ids)),
        "similar": sorted({i["workflow"]["id"] for i in similar} & set(ids)),
        "for_you": sorted({i["workflow"]["id"] for i in for_you} & set(ids)),
        "trending": sorted({i["workflow"]["id"] for i in trending} & set(ids)),
        "comments": [c["body"] for c in comments],
        "list": sorted({w["id"] for w in (await client.get(W)).json()["items"]} & set(ids)),
    }


async def test_a_ban_removes_everything_from_every_surface_and_an_unban_restores_it(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    mod = await _staff(client, clean, "mod", "moderator")
    carol = await register(client, "carol")
    doc = simple(name="Zanzibar ferry times to Slack", description="Ferry departures from Zanzibar posted to Slack.")
    ids = [(await alice.post(W, json={"definition": doc, "tags": ["zanzibar"]})).json()["id"]]
    doc2 = simple(name="Zanzibar weather digest", description="Daily Zanzibar forecast posted to Slack.")
    ids.append((await alice.post(W, json={"definition": doc2, "tags": ["zanzibar"]})).json()["id"])
    bobs = (await bob.post(W, json={"definition": simple(name="Ferry times to Slack")})).json()["id"]
    assert (await alice.post(f"{W}/{bobs}/comments", json={"body": "Works for Zanzibar too"})).status_code == 201
    await carol.put("/api/v1/users/alice/follow")
    await carol.put(f"{W}/{bobs}/favorite")
    await _relay(clean)
    before = await _surfaces(carol, client, ids, bobs)
    assert before["reads"] == [200, 200] and before["search"] == ids and before["facets"] == 2
    assert before["suggest"] and before["users"] == ["alice"] and before["feed"] == ids
    assert before["similar"] and before["for_you"] and before["comments"] == ["Works for Zanzibar too"]
    assert before["list"] == ids

    assert (await mod.post(f"{ADMIN}/users/alice/ban")).status_code == 204
    await _relay(clean)
    after = await _surfaces(carol, client, ids, bobs)
    assert after == {
        "reads": [404, 404],
        "search": [],
        "facets": 0,
        "suggest": [],
        "users": [],
        "feed": [],
        "similar": [],
        "for_you": [],
        "trending": [],
        "comments": ["[removed by a moderator]"],
        "list": [],
    }
    assert_error(await alice.get("/api/v1/me"), 401)  # their sessions ended

    assert (await mod.post(f"{ADMIN}/users/alice/unban")).status_code == 204
    await _relay(clean)
    restored = await _surfaces(carol, client, ids, bobs)
    assert {k: v for k, v in restored.items() if k != "trending"} == {
        k: v for k, v in before.items() if k != "trending"
    }


async def test_one_open_report_per_target_and_reporter_and_resolving_settles_all(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    mod = await _staff(client, clean, "mod", "moderator")
    carol = await register(client, "carol")
    wid = (await alice.post(W, json={"definition": simple()})).json()["id"]
    body = {"target_type": "workflow", "target_id": wid, "reason": "spam"}
    first = await bob.post("/api/v1/reports", json=body)
    again = await bob.post("/api/v1/reports", json={**body, "reason": "still spam"})
    assert first.status_code == 201 and again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert (await carol.post("/api/v1/reports", json=body)).status_code == 201
    assert len((await mod.get(f"{ADMIN}/reports")).json()["items"]) == 2
    r = await mod.post(f"{ADMIN}/reports/{first.json()['id']}/resolve", json={"resolution": "spam", "action": "hide"})
    assert r.status_code == 200
    assert (await mod.get(f"{ADMIN}/reports")).json()["items"] == []
    resolved = (await mod.get(f"{ADMIN}/reports", params={"status": "resolved"})).json()["items"]
    assert len(resolved) == 2 and {x["status"] for x in resolved} == {"resolved"}
    # once resolved, the same reporter may open a new report on the same target
    user_report = {"target_type": "user", "target_username": "alice", "reason": "abusive account"}
    first_on_user = await bob.post("/api/v1/reports", json=user_report)
    assert first_on_user.status_code == 201, first_on_user.text
    await mod.post(f"{ADMIN}/reports/{first_on_user.json()['id']}/resolve", json={"resolution": "warned"})
    reopened = await bob.post("/api/v1/reports", json=user_report)
    assert reopened.status_code == 201 and reopened.json()["id"] != first_on_user.json()["id"]


async def test_every_list_shows_the_owner_the_moderation_state_and_nobody_else(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    """Issue 13.2: search hits and list items carry `moderation` for the owner (and moderators) as the workflow
    page does. Search and the public lists show only what everyone may see, the owner included: hidden work is
    listed for its owner in their own lists (their profile, `?owner=<me>`), with its state and reason."""
    mod = await _staff(client, clean, "mod", "moderator")
    shown = (await alice.post(W, json={"definition": simple(name="Quokka counter to Slack")})).json()["id"]
    hidden = (await alice.post(W, json={"definition": simple(name="Quokka census to Slack")})).json()["id"]
    assert (await mod.post(f"{ADMIN}/workflows/{hidden}/hide", json={"reason": "spam links"})).status_code == 204
    await _relay(clean)

    async def hits(viewer: Any) -> dict[int, Any]:
        body = (await viewer.get("/api/v1/search/workflows", params={"q": "quokka", "author": "alice"})).json()
        return {h["workflow"]["id"]: h["workflow"]["moderation"] for h in body["hits"]}

    visible = {"state": "visible", "reason": None, "at": None}
    assert await hits(alice) == {shown: visible}
    assert await hits(mod) == {shown: visible}
    assert await hits(bob) == {shown: None} and await hits(client) == {shown: None}
    for url in ("/api/v1/users/alice/workflows", f"{W}?owner=alice"):
        mine = {w["id"]: w["moderation"] for w in (await alice.get(url)).json()["items"]}
        assert mine[shown] == visible and mine[hidden]["state"] == "hidden"
        assert mine[hidden]["reason"] == "spam links" and mine[hidden]["at"]
        theirs = {w["id"]: w["moderation"] for w in (await bob.get(url)).json()["items"]}
        assert theirs == {shown: None}
    trending = (await alice.get("/api/v1/trending", params={"limit": 100})).json()["items"]
    assert {i["workflow"]["id"]: i["workflow"]["moderation"] for i in trending} == {shown: visible}
    assert all(i["workflow"]["moderation"] is None for i in (await bob.get("/api/v1/trending")).json()["items"])
