"""Issue 13.2: a ban takes the user's engagement out of every number a reader sees (comments, favorites, reviews,
rating, followers), an unban puts it back, and each number agrees with what is listed; hiding a comment takes it
out of the comment count the same way."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import update

from blokhub.db.models import User
from blokhub.outbox.relay import process_pending
from blokhub.runtime.resources import Resources
from tests.api.workflow_helpers import simple
from tests.conftest import Account, register

W = "/api/v1/workflows"
ADMIN = "/api/v1/admin"


async def _numbers(client: httpx.AsyncClient, wid: int) -> dict[str, Any]:
    """Every number about bob's workflow and bob and carol that a reader sees, next to what is listed."""
    workflow = (await client.get(f"{W}/{wid}")).json()
    reviews = (await client.get(f"{W}/{wid}/ratings")).json()
    comments = (await client.get(f"{W}/{wid}/comments")).json()["items"]
    bob = (await client.get("/api/v1/users/bob")).json()["stats"]
    carol = (await client.get("/api/v1/users/carol")).json()["stats"]
    hits = (await client.get("/api/v1/search/workflows", params={"q": "pelican"})).json()["hits"]
    return {
        "stats": {k: workflow["stats"][k] for k in ("comments", "favorites")},
        "rating": workflow["stats"]["rating"],
        "hit_stats": {k: hits[0]["workflow"]["stats"][k] for k in ("comments", "favorites", "rating")},
        "reviews_listed": len(reviews["items"]),
        "summary": {k: reviews["summary"][k] for k in ("count", "average", "histogram")},
        "comments_shown": sum(1 for c in comments if not c["deleted"]),
        "bob": {k: bob[k] for k in ("followers", "favorites_received")},
        "bob_followers_listed": len((await client.get("/api/v1/users/bob/followers")).json()["items"]),
        "carol_following": carol["following"],
        "carol_following_listed": len((await client.get("/api/v1/users/carol/following")).json()["items"]),
    }


async def test_a_ban_takes_engagement_out_of_every_count_and_an_unban_restores_it(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    mod = await register(client, "mod")
    async with clean.sessionmaker() as db, db.begin():
        await db.execute(update(User).where(User.username == "mod").values(role="moderator"))
    carol = await register(client, "carol")
    doc = simple(name="Pelican sightings to Slack", description="Posts pelican sightings to a Slack channel.")
    wid = (await bob.post(W, json={"definition": doc})).json()["id"]
    for account, stars in ((alice, 1), (carol, 5)):
        assert (await account.put(f"{W}/{wid}/rating", json={"stars": stars, "review": "ok"})).status_code == 200
        assert (await account.put(f"{W}/{wid}/favorite")).status_code == 200
        assert (await account.post(f"{W}/{wid}/comments", json={"body": "nice"})).status_code == 201
        assert (await account.put("/api/v1/users/bob/follow")).status_code == 200
    assert (await carol.put("/api/v1/users/alice/follow")).status_code == 200
    await process_pending({"resources": clean})
    before = await _numbers(client, wid)
    assert before["stats"] == {"comments": 2, "favorites": 2} and before["comments_shown"] == 2
    assert before["rating"]["count"] == 2 and before["rating"]["average"] == 3.0
    assert before["summary"]["histogram"]["1"] == 1 and before["reviews_listed"] == 2
    assert before["bob"] == {"followers": 2, "favorites_received": 2} and before["bob_followers_listed"] == 2
    assert before["carol_following"] == 2 == before["carol_following_listed"]
    assert before["hit_stats"]["favorites"] == 2

    assert (await mod.post(f"{ADMIN}/users/alice/ban")).status_code == 204
    await process_pending({"resources": clean})
    banned = await _numbers(client, wid)
    assert banned["stats"] == {"comments": 1, "favorites": 1} and banned["comments_shown"] == 1
    # alice's 1 star no longer moves the displayed rating: carol's 5 is the only review
    assert banned["rating"]["count"] == 1 and banned["rating"]["average"] == 5.0
    assert banned["summary"] == {
        "count": 1,
        "average": 5.0,
        "histogram": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1},
    }
    assert banned["reviews_listed"] == 1
    assert banned["rating"]["score"] > before["rating"]["score"]
    assert banned["bob"] == {"followers": 1, "favorites_received": 1} and banned["bob_followers_listed"] == 1
    assert banned["carol_following"] == 1 == banned["carol_following_listed"]
    # the search hit (its document refreshed through the outbox) shows the same numbers as the workflow
    assert banned["hit_stats"] == {**banned["stats"], "rating": banned["rating"]}

    # a moderator deleting the banned user's comment meanwhile does not count it twice
    alices = next(c for c in (await mod.get(f"{W}/{wid}/comments")).json()["items"] if c["body"] == "nice")
    assert (await mod.delete(f"/api/v1/comments/{alices['id']}")).status_code == 204

    assert (await mod.post(f"{ADMIN}/users/alice/unban")).status_code == 204
    await process_pending({"resources": clean})
    restored = await _numbers(client, wid)
    assert restored["stats"] == {"comments": 1, "favorites": 2} and restored["rating"] == before["rating"]
    assert restored["summary"] == before["summary"] and restored["reviews_listed"] == 2
    assert restored["bob"] == before["bob"] and restored["carol_following"] == 2


async def test_hiding_a_comment_takes_it_out_of_the_count(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    mod = await register(client, "mod")
    async with clean.sessionmaker() as db, db.begin():
        await db.execute(update(User).where(User.username == "mod").values(role="moderator"))
    wid = (await bob.post(W, json={"definition": simple()})).json()["id"]
    cid = (await alice.post(f"{W}/{wid}/comments", json={"body": "buy cheap watches"})).json()["id"]
    await alice.post(f"{W}/{wid}/comments", json={"body": "useful, thanks"})
    assert (await client.get(f"{W}/{wid}")).json()["stats"]["comments"] == 2
    assert (await mod.post(f"{ADMIN}/comments/{cid}/hide")).status_code == 204
    shown = [c for c in (await client.get(f"{W}/{wid}/comments")).json()["items"] if not c["deleted"]]
    assert len(shown) == 1 == (await client.get(f"{W}/{wid}")).json()["stats"]["comments"]
