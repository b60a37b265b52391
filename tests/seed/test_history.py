"""Issue 13.6: the hub is alive on the first request — the demo corpus carries a deterministic history (follows,
favorites, reviews, comments, views over past weeks) and trending and scores are computed at start."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from blokhub.indexers.reindex import reindex
from blokhub.runtime.resources import Resources
from blokhub.seed.service import DEMO_PASSWORD, seed_if_empty


async def test_the_demo_hub_is_alive_on_the_first_request(client: httpx.AsyncClient, clean: Resources) -> None:
    report = await seed_if_empty(clean.settings, 60)
    assert report is not None and report.history is not None
    assert report.history.follows and report.history.favorites and report.history.reviews
    assert report.history.comments and report.history.view_days
    await reindex(clean.read_sessionmaker, clean.search, progress=False)  # as serve does after seeding
    async with clean.engine.connect() as conn:
        authors = (
            (
                await conn.execute(
                    text(
                        "SELECT u.username FROM users u JOIN activities a ON a.actor_id = u.id "
                        "WHERE a.verb <> 'published' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2"
                    )
                )
            )
            .scalars()
            .all()
        )
        spread = await conn.scalar(text("SELECT max(created_at) - min(created_at) FROM favorites"))
    assert spread.days >= 14  # spread over the past weeks, not one instant
    r = await client.post(
        "/api/v1/auth/register",
        json={"username": "newcomer", "email": "n@example.com", "password": "a-Sturdy-passphrase-42"},
    )
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    for name in authors:  # following two demo authors gives a feed at once
        assert (await client.put(f"/api/v1/users/{name}/follow", headers=headers)).status_code in (200, 204)
    feed = (await client.get("/api/v1/feed", headers=headers)).json()["items"]
    assert len(feed) >= 2 and {i["verb"] for i in feed} - {"published"}
    trending = (await client.get("/api/v1/trending")).json()["items"]
    assert trending and trending[0]["score"] > 0 and "0 favorites" not in trending[0]["reason"]
    top = (await client.get("/api/v1/search/workflows", params={"sort": "top_rated"})).json()["hits"]
    assert top[0]["workflow"]["stats"]["rating"]["count"] > 0 and top[0]["score"] > 0
    favorites = (await client.get("/api/v1/search/workflows", params={"sort": "favorites"})).json()["hits"]
    assert favorites[0]["workflow"]["stats"]["favorites"] > 0
    assert favorites[0]["workflow"]["stats"]["views"] > 0
    demo = await client.post("/api/v1/auth/login", json={"login": authors[0], "password": DEMO_PASSWORD})
    assert demo.status_code == 200
