"""Issue 4 benchmark: feed page latency for a user following 500 authors with 1,000,000 activities in the table,
at the first page and 100 pages deep, and notification push latency (create -> WebSocket receive).

    python bench/feed.py [--activities 1000000] [--follows 500] [--samples 200]

Targets: feed p95 <= 20 ms at any depth; push p95 <= 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx
from websockets.asyncio.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_baseline import free_port, start, stop

from blokhub.api.auth.passwords import hash_password
from blokhub.config import Settings
from blokhub.db.migrate import upgrade
from blokhub.db.session import create_engine
from blokhub.runtime import Runtime
from blokhub.seed.service import asyncpg_dsn, seed_corpus

PASSWORD = "feed-Bench-secret-2024"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def prepare(settings: Settings, activities: int, follows: int) -> None:
    engine = create_engine(settings)
    await upgrade(engine)
    await engine.dispose()
    await seed_corpus(settings, seed=1, users=5_000, workflows=20_000, progress=True)
    conn = await asyncpg.connect(asyncpg_dsn(settings))
    try:
        digest = await hash_password(PASSWORD)
        for name in ("reader", "actor"):
            await conn.execute(
                "INSERT INTO users (username, email, display_name, bio, links, password_hash, role) "
                "VALUES ($1::text, $1::text || '@example.com', $1::text, '', '[]', $2, 'user')",
                name,
                digest,
            )
        started = time.perf_counter()
        # Activities spread over every seeded author, each on one of that author's public workflows.
        await conn.execute(
            """
            WITH pub AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(owner_id ORDER BY id) AS owners,
                                count(*)::int AS n FROM workflows WHERE visibility = 'public')
            INSERT INTO activities (actor_id, verb, workflow_id, data, created_at)
            SELECT pub.owners[1 + (g::bigint * 7919) % pub.n],
                   (ARRAY['published','updated','forked','reviewed','commented','favorited'])[1 + g % 6],
                   pub.ids[1 + (g::bigint * 7919) % pub.n], '{}'::jsonb, now() - make_interval(secs => ($1 - g))
            FROM generate_series(1, $1) g, pub
        """,
            activities,
        )
        print(f"inserted {activities:,} activities in {time.perf_counter() - started:.1f}s")
        await conn.execute(
            """
            INSERT INTO follows (follower_id, followee_id, created_at)
            SELECT (SELECT id FROM users WHERE username = 'reader'), actor_id, now()
            FROM (SELECT actor_id, count(*) FROM activities GROUP BY 1 ORDER BY 2 DESC LIMIT $1) top
        """,
            follows,
        )
        await conn.execute("VACUUM ANALYZE activities")  # what autovacuum does after a bulk load
        await conn.execute("ANALYZE")
        stats = await conn.fetchrow("""
            SELECT count(*) AS n FROM activities a JOIN follows f ON f.followee_id = a.actor_id
            WHERE f.follower_id = (SELECT id FROM users WHERE username = 'reader')""")
        print(f"reader follows {follows} authors with {stats['n']:,} activities between them")
    finally:
        await conn.close()


async def measure(port: int, samples: int) -> None:
    base = f"http://127.0.0.1:{port}/api/v1"
    async with httpx.AsyncClient(base_url=base, timeout=30) as c:
        reader = (await c.post("/auth/login", json={"login": "reader", "password": PASSWORD})).json()["access_token"]
        actor = (await c.post("/auth/login", json={"login": "actor", "password": PASSWORD})).json()["access_token"]
        h = {"Authorization": f"Bearer {reader}"}
        cursors: list[str | None] = [None]
        for _ in range(100):
            page = (
                await c.get(
                    "/feed", params={"limit": 20, **({"cursor": cursors[-1]} if cursors[-1] else {})}, headers=h
                )
            ).json()
            assert len(page["items"]) == 20, page
            cursors.append(page["next_cursor"])
        for label, cursor in [("first page", None), ("100 pages deep", cursors[100])]:
            times = []
            for _ in range(samples):
                t = time.perf_counter()
                r = await c.get("/feed", params={"limit": 20, **({"cursor": cursor} if cursor else {})}, headers=h)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200
            print(
                f"feed {label:<15} p50 {pct(times, 50):6.2f} ms   p95 {pct(times, 95):6.2f} ms   "
                f"p99 {pct(times, 99):6.2f} ms   (HTTP round trip, 20 items)"
            )

        latencies = []
        async with connect(f"ws://127.0.0.1:{port}/ws?token={reader}") as ws:
            json.loads(await ws.recv())  # hello
            ah = {"Authorization": f"Bearer {actor}"}
            for _ in range(samples):
                await c.delete("/users/reader/follow", headers=ah)
                t = time.perf_counter()
                r = await c.put("/users/reader/follow", headers=ah)
                assert r.status_code == 200, r.text
                try:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 5))
                except TimeoutError:
                    raise SystemExit(
                        f"no push after {r.text}; notifications: "
                        f"{(await c.get('/notifications', headers=h)).text[:500]}"
                    ) from None
                latencies.append((time.perf_counter() - t) * 1000)
                assert message["notification"]["kind"] == "new_follower"
        print(
            f"push (request sent -> WebSocket received) p50 {statistics.median(latencies):6.2f} ms   "
            f"p95 {pct(latencies, 95):6.2f} ms   p99 {pct(latencies, 99):6.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--follows", type=int, default=500)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bh-feed-") as tmp:
        data_dir = Path(tmp) / "data"
        with Runtime(Settings(data_dir=data_dir, log_level="WARNING")) as settings:
            asyncio.run(prepare(settings, args.activities, args.follows))
        port = free_port()
        proc, _ = start(data_dir, port)
        try:
            asyncio.run(measure(port, args.samples))
        finally:
            stop(proc)


if __name__ == "__main__":
    main()
