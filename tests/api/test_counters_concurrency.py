"""Every denormalised counter equals its rows under 50-way concurrency, and slug allocation never fails.

Each scenario fires 50 requests at once through the real app (one event loop, a real connection pool, real
PostgreSQL transactions), then compares what the API shows with the rows in the database.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import text

from blokhub.api.social.ratings import refresh_scores
from blokhub.runtime.resources import Resources
from tests.api.workflow_helpers import simple
from tests.conftest import Account, many_accounts, register

N = 50


async def _scalar(resources: Resources, sql: str, **params: Any) -> Any:
    async with resources.engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar()


async def _publish(account: Account, **extra: Any) -> int:
    response = await account.post("/api/v1/workflows", json={"definition": simple(), **extra})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def _workflow(client: httpx.AsyncClient, wid: int) -> dict[str, Any]:
    response = await client.get(f"/api/v1/workflows/{wid}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_one_account_rating_fifty_times_at_once_is_one_review(
    client: httpx.AsyncClient, clean: Resources, alice: Account, bob: Account
) -> None:
    wid = await _publish(alice)
    statuses = await asyncio.gather(*(bob.put(f"/api/v1/workflows/{wid}/rating", json={"stars": 5}) for _ in range(N)))
    assert {r.status_code for r in statuses} <= {200, 429}, {r.status_code for r in statuses}
    assert any(r.status_code == 200 for r in statuses)
    shown = (await _workflow(client, wid))["stats"]["rating"]
    listed = (await client.get(f"/api/v1/workflows/{wid}/ratings")).json()
    assert shown["count"] == 1 == len(listed["items"]) == listed["summary"]["count"]
    assert await _scalar(clean, "SELECT rating_sum FROM workflows WHERE id = :id", id=wid) == 5
    # Only one "first review" notification, however many requests raced.
    kinds = [n["kind"] for n in (await alice.get("/api/v1/notifications")).json()["items"]]
    assert kinds.count("workflow_review") == 1
    assert (await bob.delete(f"/api/v1/workflows/{wid}/rating")).status_code == 204
    assert (await _workflow(client, wid))["stats"]["rating"]["count"] == 0


async def test_fifty_accounts_rating_at_once(client: httpx.AsyncClient, clean: Resources, alice: Account) -> None:
    wid = await _publish(alice)
    raters = await many_accounts(client, clean, N, prefix="rater")
    results = await asyncio.gather(
        *(a.put(f"/api/v1/workflows/{wid}/rating", json={"stars": 1 + i % 5}) for i, a in enumerate(raters))
    )
    assert all(r.status_code == 200 for r in results), [r.text for r in results if r.status_code != 200][:3]
    # Half change their minds and half of those take the review back, concurrently.
    await asyncio.gather(
        *(a.put(f"/api/v1/workflows/{wid}/rating", json={"stars": 5}) for a in raters[:25]),
        *(a.delete(f"/api/v1/workflows/{wid}/rating") for a in raters[25:40]),
    )
    rows, stars = (
        await _scalar(clean, "SELECT count(*) FROM reviews WHERE workflow_id = :id", id=wid),
        await _scalar(clean, "SELECT sum(stars) FROM reviews WHERE workflow_id = :id", id=wid),
    )
    assert rows == N - 15
    rating = (await _workflow(client, wid))["stats"]["rating"]
    assert rating["count"] == rows
    assert await _scalar(clean, "SELECT rating_sum FROM workflows WHERE id = :id", id=wid) == stars
    # The periodic refresh recomputes from rows, and repairs a counter someone corrupted.
    async with clean.engine.begin() as conn:
        await conn.execute(text("UPDATE workflows SET rating_count = 999, rating_sum = 1 WHERE id = :id"), {"id": wid})
    async with clean.sessionmaker() as db, db.begin():
        await refresh_scores(db, clean.redis)
    assert (await _workflow(client, wid))["stats"]["rating"]["count"] == rows
    assert await _scalar(clean, "SELECT rating_sum FROM workflows WHERE id = :id", id=wid) == stars


async def test_refresh_during_a_rating_storm_keeps_counters_exact(
    client: httpx.AsyncClient, clean: Resources, alice: Account
) -> None:
    wid = await _publish(alice)
    raters = await many_accounts(client, clean, N, prefix="storm")

    async def refresh() -> None:
        async with clean.sessionmaker() as db, db.begin():
            await refresh_scores(db, clean.redis)

    await asyncio.gather(
        *(a.put(f"/api/v1/workflows/{wid}/rating", json={"stars": 4}) for a in raters), *(refresh() for _ in range(5))
    )
    assert (await _workflow(client, wid))["stats"]["rating"]["count"] == N
    assert await _scalar(clean, "SELECT rating_sum FROM workflows WHERE id = :id", id=wid) == 4 * N


async def test_favorites_at_once(client: httpx.AsyncClient, clean: Resources, alice: Account, bob: Account) -> None:
    wid = await _publish(alice)
    fans = await many_accounts(client, clean, N, prefix="fan")
    results = await asyncio.gather(
        *(a.put(f"/api/v1/workflows/{wid}/favorite") for a in fans),
        *(bob.put(f"/api/v1/workflows/{wid}/favorite") for _ in range(N)),
    )
    assert all(r.status_code == 200 for r in results)
    rows = await _scalar(clean, "SELECT count(*) FROM favorites WHERE workflow_id = :id", id=wid)
    assert rows == N + 1
    assert (await _workflow(client, wid))["stats"]["favorites"] == rows
    profile = (await client.get("/api/v1/users/alice")).json()
    assert profile["stats"]["favorites_received"] == rows
    await asyncio.gather(*(a.delete(f"/api/v1/workflows/{wid}/favorite") for a in fans[:30]))
    await asyncio.gather(*(bob.delete(f"/api/v1/workflows/{wid}/favorite") for _ in range(N)))
    assert (await _workflow(client, wid))["stats"]["favorites"] == N - 30
    assert (await client.get("/api/v1/users/alice")).json()["stats"]["favorites_received"] == N - 30


async def test_comments_at_once(client: httpx.AsyncClient, clean: Resources, alice: Account) -> None:
    wid = await _publish(alice)
    talkers = await many_accounts(client, clean, N, prefix="talker")
    posted = await asyncio.gather(*(a.post(f"/api/v1/workflows/{wid}/comments", json={"body": "hi"}) for a in talkers))
    assert all(r.status_code == 201 for r in posted)
    assert (await _workflow(client, wid))["stats"]["comments"] == N
    # 20 authors delete their comment, each twice at once.
    doomed = list(zip(talkers[:20], posted[:20], strict=True))
    await asyncio.gather(*(a.delete(f"/api/v1/comments/{r.json()['id']}") for a, r in doomed for _ in range(2)))
    live = await _scalar(clean, "SELECT count(*) FROM comments WHERE workflow_id = :id AND deleted_at IS NULL", id=wid)
    assert live == N - 20
    assert (await _workflow(client, wid))["stats"]["comments"] == live


async def test_forks_at_once_by_fifty_accounts_and_by_one(
    client: httpx.AsyncClient, clean: Resources, alice: Account, bob: Account
) -> None:
    wid = await _publish(alice)
    forkers = await many_accounts(client, clean, N, prefix="forker")
    results = await asyncio.gather(*(a.post(f"/api/v1/workflows/{wid}/fork", json={}) for a in forkers))
    assert all(r.status_code == 201 for r in results), [r.text for r in results if r.status_code != 201][:3]
    # One account forking 50 times at once: every fork succeeds with its own slug.
    mine = await asyncio.gather(*(bob.post(f"/api/v1/workflows/{wid}/fork", json={}) for _ in range(N)))
    assert [r.status_code for r in mine] == [201] * N, [r.text for r in mine if r.status_code != 201][:3]
    slugs = {r.json()["slug"] for r in mine}
    assert len(slugs) == N
    assert (await _workflow(client, wid))["stats"]["forks"] == 2 * N
    listed, cursor = 0, None
    while True:
        page = (await client.get(f"/api/v1/workflows/{wid}/forks", params={"limit": 100, "cursor": cursor})).json()
        listed += len(page["items"])
        if not (cursor := page["next_cursor"]):
            break
    assert listed == 2 * N
    await asyncio.gather(*(bob.delete(f"/api/v1/workflows/{r.json()['id']}") for r in mine[:10]))
    assert (await _workflow(client, wid))["stats"]["forks"] == 2 * N - 10


async def test_followers_at_once(client: httpx.AsyncClient, clean: Resources, alice: Account) -> None:
    crowd = await many_accounts(client, clean, N, prefix="follower")
    results = await asyncio.gather(*(a.put("/api/v1/users/alice/follow") for a in crowd for _ in range(2)))
    assert all(r.status_code in (200, 201) for r in results), {r.status_code for r in results}
    profile = (await client.get("/api/v1/users/alice")).json()
    assert profile["stats"]["followers"] == N
    # Mutual follows at once must not deadlock, and both sides' counters stay exact.
    pairs = await asyncio.gather(*(alice.put(f"/api/v1/users/{a.username}/follow") for a in crowd))
    assert all(r.status_code in (200, 201) for r in pairs)
    assert (await client.get("/api/v1/users/alice")).json()["stats"]["following"] == N
    await asyncio.gather(*(a.delete("/api/v1/users/alice/follow") for a in crowd[:20] for _ in range(2)))
    assert (await client.get("/api/v1/users/alice")).json()["stats"]["followers"] == N - 20
    rows = await _scalar(
        clean, "SELECT count(*) FROM follows f JOIN users u ON u.id = f.followee_id WHERE u.username = 'alice'"
    )
    assert rows == N - 20


async def test_profile_workflow_count_and_slugs_at_once(
    client: httpx.AsyncClient, clean: Resources, alice: Account
) -> None:
    # 50 publishes with one title at once: all succeed, all slugs distinct.
    created = await asyncio.gather(*(alice.post("/api/v1/workflows", json={"definition": simple()}) for _ in range(N)))
    assert [r.status_code for r in created] == [201] * N, [r.text for r in created if r.status_code != 201][:3]
    assert len({r.json()["slug"] for r in created}) == N
    assert (await client.get("/api/v1/users/alice")).json()["stats"]["workflows"] == N
    ids = [r.json()["id"] for r in created]
    # Half go private, a quarter are deleted, concurrently.
    await asyncio.gather(
        *(alice.patch(f"/api/v1/workflows/{i}", json={"visibility": "private"}) for i in ids[:25]),
        *(alice.delete(f"/api/v1/workflows/{i}") for i in ids[25:37]),
    )
    public = await _scalar(
        clean,
        "SELECT count(*) FROM workflows WHERE visibility = 'public' AND deleted_at IS NULL AND hidden_at IS NULL",
    )
    assert public == N - 37
    assert (await client.get("/api/v1/users/alice")).json()["stats"]["workflows"] == public
    # 50 renames to one title at once: each still gets a free slug.
    renamed = await asyncio.gather(*(alice.patch(f"/api/v1/workflows/{i}", json={"title": "Same"}) for i in ids[:25]))
    assert [r.status_code for r in renamed] == [200] * 25
    assert len({r.json()["slug"] for r in renamed}) == 25


async def test_registering_one_name_at_once_gives_one_account(client: httpx.AsyncClient, clean: Resources) -> None:
    body = {"username": "racer", "email": "racer@example.com", "password": "a-Sturdy-passphrase-42"}
    results = await asyncio.gather(*(client.post("/api/v1/auth/register", json=body) for _ in range(10)))
    assert sorted(r.status_code for r in results) == [201] + [409] * 9
    assert await _scalar(clean, "SELECT count(*) FROM users WHERE username = 'racer'") == 1
    _ = register  # registration helper kept for the scenarios above


async def test_the_migration_repairs_drift_left_by_old_races(
    client: httpx.AsyncClient, clean: Resources, alice: Account, bob: Account
) -> None:
    import importlib

    migration = importlib.import_module("blokhub.db.migrations.versions.2026-11-29-2330_counters_follow_their_rows")
    wid = await _publish(alice)
    await bob.put(f"/api/v1/workflows/{wid}/rating", json={"stars": 4})
    await bob.put(f"/api/v1/workflows/{wid}/favorite")
    await bob.put("/api/v1/users/alice/follow")
    async with clean.engine.begin() as conn:  # the damage the reported race left behind
        await conn.execute(
            text(
                "UPDATE workflows SET rating_count = 9, rating_sum = 45, favorites_count = 7, comments_count = 3, "
                "forks_count = 2 WHERE id = :id"
            ),
            {"id": wid},
        )
        await conn.execute(text("UPDATE users SET followers_count = 5, favorites_received = 8, workflows_count = 4"))
        for statement in migration._statements(migration.REPAIR):
            await conn.execute(text(statement))
    shown = await _workflow(client, wid)
    assert shown["stats"]["rating"]["count"] == 1 and shown["stats"]["favorites"] == 1
    assert shown["stats"]["comments"] == 0 and shown["stats"]["forks"] == 0
    assert await _scalar(clean, "SELECT rating_sum FROM workflows WHERE id = :id", id=wid) == 4
    stats = (await client.get("/api/v1/users/alice")).json()["stats"]
    assert (stats["followers"], stats["favorites_received"], stats["workflows"]) == (1, 1, 1)
    assert (await client.get("/api/v1/users/bob")).json()["stats"]["following"] == 1
