from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import text

from blokhub.outbox.relay import process_pending
from blokhub.runtime.resources import Resources
from tests.api.workflow_helpers import simple, with_step
from tests.conftest import Account, assert_error, register

W = "/api/v1/workflows"


async def _workflow(account: Account, **body: Any) -> int:
    r = await account.post(W, json={"definition": simple(), **body})
    assert r.status_code == 201, r.text
    wid: int = r.json()["id"]
    return wid


async def test_follow_rules_and_lists(alice: Account, bob: Account, client: httpx.AsyncClient) -> None:
    carol = await register(client, "carol")
    for _ in range(2):
        r = await bob.put("/api/v1/users/alice/follow")
        assert r.status_code == 200 and r.json() == {"following": True, "followers": 1}
    await carol.put("/api/v1/users/alice/follow")
    await carol.put("/api/v1/users/bob/follow")
    assert_error(await alice.put("/api/v1/users/alice/follow"), 422, "follow_self")
    assert_error(await alice.put("/api/v1/users/ghost/follow"), 404)
    assert_error(await client.put("/api/v1/users/alice/follow"), 401)
    followers = (await client.get("/api/v1/users/alice/followers")).json()["items"]
    assert [u["username"] for u in followers] == ["carol", "bob"]
    following = (await client.get("/api/v1/users/carol/following")).json()["items"]
    assert [u["username"] for u in following] == ["bob", "alice"]
    page = (await client.get("/api/v1/users/alice/followers", params={"limit": 1})).json()
    rest = (
        await client.get("/api/v1/users/alice/followers", params={"limit": 1, "cursor": page["next_cursor"]})
    ).json()
    assert [u["username"] for u in page["items"] + rest["items"]] == ["carol", "bob"]
    profile = (await client.get("/api/v1/users/alice")).json()["stats"]
    assert profile["followers"] == 2 and profile["following"] == 0
    assert (await client.get("/api/v1/users/carol")).json()["stats"]["following"] == 2
    for _ in range(2):
        r = await bob.delete("/api/v1/users/alice/follow")
        assert r.json() == {"following": False, "followers": 1}


async def test_feed_shows_followed_activity_newest_first(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    carol = await register(client, "carol")
    await bob.put("/api/v1/users/alice/follow")
    await bob.put("/api/v1/users/carol/follow")
    published = await _workflow(alice, title="Alice's public flow")
    await _workflow(alice, title="Alice's secret", visibility="private")
    await _workflow(alice, title="Alice's unlisted", visibility="unlisted")
    await alice.patch(f"{W}/{published}", json={"definition": with_step(simple(), "extra", "https://x.example")})
    carols = await _workflow(carol, title="Carol's flow")
    await alice.put(f"{W}/{carols}/favorite")
    await alice.put(f"{W}/{carols}/rating", json={"stars": 5})
    await alice.post(f"{W}/{carols}/comments", json={"body": "nice"})
    fork = await carol.post(f"{W}/{published}/fork")
    await _workflow(bob, title="Bob's own")  # your own activity is not in your feed
    await process_pending({"resources": clean})
    await process_pending({"resources": clean})  # re-delivery must not duplicate anything

    feed = (await bob.get("/api/v1/feed")).json()
    got = [(i["actor"]["username"], i["verb"], i["workflow"]["title"]) for i in feed["items"]]
    assert got == [
        ("carol", "forked", fork.json()["title"]),
        ("alice", "commented", "Carol's flow"),
        ("alice", "reviewed", "Carol's flow"),
        ("alice", "favorited", "Carol's flow"),
        ("carol", "published", "Carol's flow"),
        ("alice", "updated", "Alice's public flow"),
        ("alice", "published", "Alice's public flow"),
    ]
    assert feed["items"][2]["data"] == {"stars": 5}
    pages, cursor = [], None
    while True:
        page = (await bob.get("/api/v1/feed", params={"limit": 3, **({"cursor": cursor} if cursor else {})})).json()
        pages += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages == [i["id"] for i in feed["items"]]
    # What you can no longer see leaves the feed.
    await alice.patch(f"{W}/{published}", json={"visibility": "private"})
    left = [(i["verb"], i["workflow"]["title"]) for i in (await bob.get("/api/v1/feed")).json()["items"]]
    assert ("published", "Alice's public flow") not in left
    assert (await alice.get("/api/v1/feed")).json()["items"] == []  # follows nobody
    assert_error(await client.get("/api/v1/feed"), 401)


async def test_personal_rank_prefers_authors_you_engage_with(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    carol = await register(client, "carol")
    await bob.put("/api/v1/users/alice/follow")
    await bob.put("/api/v1/users/carol/follow")
    liked = await _workflow(alice, title="Alice A")
    await _workflow(carol, title="Carol older")
    await _workflow(carol, title="Carol newer")
    await bob.put(f"{W}/{liked}/favorite")
    await bob.put(f"{W}/{liked}/rating", json={"stars": 5})
    await process_pending({"resources": clean})
    recent = [i["workflow"]["title"] for i in (await bob.get("/api/v1/feed")).json()["items"]]
    assert recent[0] == "Carol newer"
    personal = (await bob.get("/api/v1/feed", params={"rank": "personal"})).json()
    assert personal["items"][0]["workflow"]["title"] == "Alice A"
    assert {i["workflow"]["title"] for i in personal["items"]} == set(recent)
    # Issue 13.7: every personal item carries its score and why, in ranking order.
    scores = [i["score"] for i in personal["items"]]
    assert all(isinstance(s, float) and s > 0 for s in scores) and scores == sorted(scores, reverse=True)
    first = personal["items"][0]["reason"]
    assert "someone you follow" in first and "you gave their work 2 favorites or good review(s)" in first
    assert all("someone you follow" in i["reason"] for i in personal["items"])
    assert personal["ranked_by"] == "personal"
    assert_error(await bob.get("/api/v1/feed", params={"rank": "weird"}), 422)


async def test_the_chronological_feed_scores_by_recency_and_says_so(
    alice: Account, bob: Account, clean: Resources
) -> None:
    """Issue 13.7: every item of both feed modes has a score and a reason; newest first is scored by recency."""
    await bob.put("/api/v1/users/alice/follow")
    old = await _workflow(alice, title="Two days old")
    await _workflow(alice, title="Fresh")
    await process_pending({"resources": clean})
    async with clean.sessionmaker() as db, db.begin():
        await db.execute(
            text("UPDATE activities SET created_at = now() - interval '49 hours' WHERE workflow_id = :id"), {"id": old}
        )
    feed = (await bob.get("/api/v1/feed")).json()
    assert feed["ranked_by"] == "recency"
    items = [(i["workflow"]["title"], i["score"], i["reason"]) for i in feed["items"]]
    assert [title for title, _, _ in items] == ["Fresh", "Two days old"]
    (_, fresh, fresh_reason), (_, aged, aged_reason) = items
    assert 0.99 < fresh <= 1.0 and fresh_reason == "someone you follow; within the hour"
    assert 0.45 < aged < 0.5 and aged_reason == "someone you follow; 2 days ago"  # half-life 48 h
