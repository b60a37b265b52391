from __future__ import annotations

import asyncio
from typing import Any

import httpx

from blokhub.api.social.ratings import refresh_scores
from blokhub.api.workflows.presenters import PRIOR_WEIGHT
from blokhub.runtime.resources import Resources
from tests.api.workflow_helpers import simple
from tests.conftest import Account, assert_error, many_accounts, register

W = "/api/v1/workflows"


async def _workflow(account: Account, **body: Any) -> int:
    r = await account.post(W, json={"definition": simple(), **body})
    assert r.status_code == 201, r.text
    wid: int = r.json()["id"]
    return wid


async def test_rating_rules_and_summary(alice: Account, bob: Account, client: httpx.AsyncClient) -> None:
    wid = await _workflow(alice)
    assert_error(await alice.put(f"{W}/{wid}/rating", json={"stars": 5}), 422, "own_workflow")
    for stars in (0, 6, 4.5, "five", None):
        assert_error(await bob.put(f"{W}/{wid}/rating", json={"stars": stars}), 422)
    r = await bob.put(f"{W}/{wid}/rating", json={"stars": 4, "review": "Solid, needs retries"})
    assert r.status_code == 200 and r.json()["stars"] == 4
    r = await bob.put(f"{W}/{wid}/rating", json={"stars": 2})  # one per user: this updates
    assert r.json()["stars"] == 2 and r.json()["review"] == "Solid, needs retries"
    carol = await register(client, "carol")
    await carol.put(f"{W}/{wid}/rating", json={"stars": 5})
    page = (await client.get(f"{W}/{wid}/ratings")).json()
    assert page["summary"]["count"] == 2 and page["summary"]["average"] == 3.5
    assert page["summary"]["histogram"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}
    assert [i["user"]["username"] for i in page["items"]] == ["carol", "bob"]
    assert (await bob.delete(f"{W}/{wid}/rating")).status_code == 204
    assert_error(await bob.delete(f"{W}/{wid}/rating"), 404)
    stats = (await client.get(f"{W}/{wid}")).json()["stats"]["rating"]
    assert stats["count"] == 1 and stats["average"] == 5.0
    private = await _workflow(alice, visibility="private")
    assert_error(await bob.put(f"{W}/{private}/rating", json={"stars": 5}), 404)


async def test_bayesian_score_orders_confidence(client: httpx.AsyncClient, alice: Account, clean: Resources) -> None:
    """Three 5-star votes must not outrank hundreds of 4.8s (on a site whose ratings average like real ones)."""
    few = await _workflow(alice, title="Few perfect votes")
    many = await _workflow(alice, title="Many great votes")
    typical = await _workflow(alice, title="Typical")
    voters = await many_accounts(client, clean, 200, prefix="voter")
    for i, v in enumerate(voters):  # the rest of the site: 3s and 4s
        assert (await v.put(f"{W}/{typical}/rating", json={"stars": 3 + i % 2})).status_code == 200
    for v in voters[:3]:
        assert (await v.put(f"{W}/{few}/rating", json={"stars": 5})).status_code == 200
    for i, v in enumerate(voters):  # 160 fives and 40 fours: average 4.8
        assert (await v.put(f"{W}/{many}/rating", json={"stars": 5 if i % 5 else 4})).status_code == 200
    async with clean.sessionmaker() as db, db.begin():
        mean = await refresh_scores(db, clean.redis)
    few_r = (await client.get(f"{W}/{few}")).json()["stats"]["rating"]
    many_r = (await client.get(f"{W}/{many}")).json()["stats"]["rating"]
    assert few_r["average"] == 5.0 and many_r["average"] == 4.8
    assert many_r["score"] > few_r["score"]
    assert 4.0 < mean < 4.3
    expected = (PRIOR_WEIGHT * mean + 15) / (PRIOR_WEIGHT + 3)
    assert abs(few_r["score"] - expected) < 1e-3


async def test_counters_exact_under_200_concurrent_writers(
    client: httpx.AsyncClient, alice: Account, clean: Resources
) -> None:
    wid = await _workflow(alice)
    users = await many_accounts(client, clean, 200, prefix="fan")
    results = await asyncio.gather(
        *(u.put(f"{W}/{wid}/rating", json={"stars": 1 + i % 5}) for i, u in enumerate(users)),
        *(u.put(f"{W}/{wid}/favorite") for u in users),
    )
    assert all(r.status_code == 200 for r in results), {r.status_code for r in results}
    w = (await client.get(f"{W}/{wid}")).json()
    assert w["stats"]["favorites"] == 200
    assert w["stats"]["rating"]["count"] == 200
    assert w["stats"]["rating"]["average"] == 3.0  # 40 of each star
    assert (await client.get("/api/v1/users/alice")).json()["stats"]["favorites_received"] == 200
    # And back down, concurrently, including repeats that must be no-ops.
    results = await asyncio.gather(*(u.delete(f"{W}/{wid}/favorite") for u in users for _ in range(2)))
    assert all(r.status_code == 200 for r in results)
    assert (await client.get(f"{W}/{wid}")).json()["stats"]["favorites"] == 0


async def test_favorites_are_idempotent_and_listed(alice: Account, bob: Account, client: httpx.AsyncClient) -> None:
    first = await _workflow(alice, title="One")
    second = await _workflow(alice, title="Two")
    for _ in range(2):
        r = await bob.put(f"{W}/{first}/favorite")
        assert r.status_code == 200 and r.json() == {"favorited": True, "favorites": 1}
    await bob.put(f"{W}/{second}/favorite")
    mine = (await bob.get("/api/v1/me/favorites")).json()["items"]
    assert [w["title"] for w in mine] == ["Two", "One"]
    for _ in range(2):
        r = await bob.delete(f"{W}/{first}/favorite")
        assert r.json() == {"favorited": False, "favorites": 0}
    assert [w["title"] for w in (await bob.get("/api/v1/me/favorites")).json()["items"]] == ["Two"]
    # A favorite of a workflow that later goes private disappears from the list.
    await alice.patch(f"{W}/{second}", json={"visibility": "private"})
    assert (await bob.get("/api/v1/me/favorites")).json()["items"] == []
    assert_error(await bob.put(f"{W}/{second}/favorite"), 404)
    assert_error(await client.put(f"{W}/{first}/favorite"), 401)
