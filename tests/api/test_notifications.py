from __future__ import annotations

from typing import Any

import httpx

from tests.api.workflow_helpers import simple
from tests.conftest import Account, assert_error, register

W = "/api/v1/workflows"


async def _kinds(account: Account, **params: Any) -> list[str]:
    return [n["kind"] for n in (await account.get("/api/v1/notifications", params=params)).json()["items"]]


async def test_each_kind_is_stored_once_and_never_for_yourself(
    alice: Account, bob: Account, client: httpx.AsyncClient
) -> None:
    carol = await register(client, "carol")
    wid = (await alice.post(W, json={"definition": simple()})).json()["id"]
    await bob.put("/api/v1/users/alice/follow")
    await bob.put(f"{W}/{wid}/favorite")
    await bob.put(f"{W}/{wid}/favorite")  # idempotent: no second notification
    await bob.put(f"{W}/{wid}/rating", json={"stars": 4})
    await bob.put(f"{W}/{wid}/rating", json={"stars": 5})  # an update is not news
    comment = (await bob.post(f"{W}/{wid}/comments", json={"body": "question"})).json()
    await alice.post(f"{W}/{wid}/comments", json={"body": "answer", "parent_id": comment["id"]})
    await alice.post(f"{W}/{wid}/comments", json={"body": "talking to myself"})
    await carol.post(f"{W}/{wid}/fork")
    await carol.post(f"{W}/{wid}/fork", json={"visibility": "private"})  # private copies are not announced
    assert await _kinds(alice) == [
        "workflow_fork",
        "workflow_comment",
        "workflow_review",
        "workflow_favorite",
        "new_follower",
    ]
    assert await _kinds(bob) == ["comment_reply"]
    page = (await alice.get("/api/v1/notifications")).json()
    assert page["unread"] == 5
    first = page["items"][1]
    assert first["actor"]["username"] == "bob" and first["workflow"]["id"] == wid and first["comment_id"]


async def test_mark_read_some_or_all(alice: Account, bob: Account, client: httpx.AsyncClient) -> None:
    carol = await register(client, "carol")
    await bob.put("/api/v1/users/alice/follow")
    await carol.put("/api/v1/users/alice/follow")
    items = (await alice.get("/api/v1/notifications")).json()["items"]
    r = await alice.post("/api/v1/notifications/read", json={"ids": [items[0]["id"]]})
    assert r.json() == {"marked": 1, "unread": 1}
    unread = (await alice.get("/api/v1/notifications", params={"unread": "true"})).json()["items"]
    assert [n["id"] for n in unread] == [items[1]["id"]]
    r = await alice.post("/api/v1/notifications/read")
    assert r.json() == {"marked": 1, "unread": 0}
    # Someone else's ids are simply not yours to mark.
    await alice.put("/api/v1/users/bob/follow")
    bobs = (await bob.get("/api/v1/notifications")).json()["items"]
    assert (await alice.post("/api/v1/notifications/read", json={"ids": [bobs[0]["id"]]})).json()["marked"] == 0
    assert_error(await client.get("/api/v1/notifications"), 401)


async def test_muted_workflow_stays_quiet(alice: Account, bob: Account) -> None:
    wid = (await alice.post(W, json={"definition": simple()})).json()["id"]
    assert (await alice.put(f"{W}/{wid}/mute")).status_code == 204
    await bob.post(f"{W}/{wid}/comments", json={"body": "hello?"})
    await bob.put(f"{W}/{wid}/favorite")
    assert await _kinds(alice) == []
    assert (await alice.delete(f"{W}/{wid}/mute")).status_code == 204
    await bob.put(f"{W}/{wid}/rating", json={"stars": 3})
    assert await _kinds(alice) == ["workflow_review"]


async def test_notifications_group_by_target_and_kind_with_count_and_excerpt(
    alice: Account, bob: Account, client: httpx.AsyncClient
) -> None:
    """Issue 13.11: 28 comments on one workflow are one notification with a count and the latest words."""
    carol = await register(client, "carol")
    wid = (await alice.post("/api/v1/workflows", json={"definition": simple()})).json()["id"]
    other = (await alice.post("/api/v1/workflows", json={"definition": simple(name="Other")})).json()["id"]
    for i in range(27):
        assert (await bob.post(f"/api/v1/workflows/{wid}/comments", json={"body": f"comment {i}"})).status_code == 201
    long_words = "Does it retry on 429? " * 20
    assert (await carol.post(f"/api/v1/workflows/{wid}/comments", json={"body": long_words})).status_code == 201
    assert (await bob.post(f"/api/v1/workflows/{other}/comments", json={"body": "elsewhere"})).status_code == 201
    await bob.put(f"/api/v1/workflows/{wid}/favorite")
    page = (await alice.get("/api/v1/notifications")).json()
    grouped = [(n["kind"], n["workflow"]["id"], n["count"]) for n in page["items"]]
    assert grouped == [("workflow_favorite", wid, 1), ("workflow_comment", other, 1), ("workflow_comment", wid, 28)]
    comments = page["items"][2]
    assert comments["actor"]["username"] == "carol"  # the latest
    assert comments["excerpt"].startswith("Does it retry on 429?") and len(comments["excerpt"]) <= 140
    assert page["items"][1]["excerpt"] == "elsewhere" and page["unread"] == 3
    # once read, the next comment starts a new group
    assert (await alice.post("/api/v1/notifications/read", json={})).status_code in (200, 201)
    await bob.post(f"/api/v1/workflows/{wid}/comments", json={"body": "one more"})
    unread = (await alice.get("/api/v1/notifications", params={"unread": "true"})).json()["items"]
    assert [(n["kind"], n["count"], n["excerpt"]) for n in unread] == [("workflow_comment", 1, "one more")]


async def test_a_group_keeps_its_first_id_and_marking_it_read_settles_the_group(
    alice: Account, bob: Account, client: httpx.AsyncClient
) -> None:
    """Issue 13.11: events joining a group do not change its id; reading by that id reads the whole group."""
    wid = (await alice.post(W, json={"definition": simple()})).json()["id"]
    other = (await alice.post(W, json={"definition": simple(name="Other")})).json()["id"]
    await bob.post(f"{W}/{wid}/comments", json={"body": "first"})
    first = (await alice.get("/api/v1/notifications")).json()["items"][0]
    await bob.post(f"{W}/{other}/comments", json={"body": "elsewhere"})
    for i in range(3):
        await bob.post(f"{W}/{wid}/comments", json={"body": f"more {i}"})
    page = (await alice.get("/api/v1/notifications")).json()
    top = page["items"][0]
    # the grown group rose to the top under the id it was first given
    assert (top["id"], top["count"], top["excerpt"]) == (first["id"], 4, "more 2")
    assert [n["workflow"]["id"] for n in page["items"]] == [wid, other] and page["unread"] == 2
    # a cursor walks the time-ordered list without repeating or skipping
    one = (await alice.get("/api/v1/notifications", params={"limit": 1})).json()
    two = (await alice.get("/api/v1/notifications", params={"limit": 1, "cursor": one["next_cursor"]})).json()
    assert [n["id"] for n in one["items"] + two["items"]] == [n["id"] for n in page["items"]]
    assert two["next_cursor"] is None
    r = await alice.post("/api/v1/notifications/read", json={"ids": [first["id"]]})
    assert r.status_code in (200, 201) and r.json()["unread"] == 1
    unread = (await alice.get("/api/v1/notifications", params={"unread": "true"})).json()["items"]
    assert [n["workflow"]["id"] for n in unread] == [other]
