"""A believable, deterministic history for the demo corpus, so the hub is alive on the first request: authors are
followed, workflows favorited, reviewed, commented on and viewed over the past four weeks, each with its activity
(the feed and trending read those); then trending and the Bayesian scores are computed at once instead of waiting
for their cron jobs. The same seed gives the same history (relative to now). Texts live in data/history.json."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from redis.asyncio import Redis

from blokhub.api.social.ratings import refresh_scores
from blokhub.config import Settings
from blokhub.db.models import listed_sql
from blokhub.db.session import create_engine, create_sessionmaker, session_scope
from blokhub.recommend.trending import recompute

TEXTS: dict[str, Any] = json.loads((Path(__file__).parent / "data" / "history.json").read_text())
DAYS = 28


@dataclass
class HistoryReport:
    follows: int = 0
    favorites: int = 0
    reviews: int = 0
    comments: int = 0
    view_days: int = 0


def _when(r: random.Random, now: datetime, after: datetime) -> datetime:
    """A moment in the past four weeks, after ``after``, more often recent (activity grows toward now)."""
    start = max(after, now - timedelta(days=DAYS))
    span = max((now - start).total_seconds(), 60.0)
    return now - timedelta(seconds=span * (1 - r.random() ** 0.6))


def _stars(r: random.Random) -> int:
    table = TEXTS["review_stars"]
    return int(r.choices([s for s, _ in table], weights=[w for _, w in table])[0])


async def seed_history(settings: Settings, conn: asyncpg.Connection, seed: int) -> HistoryReport:
    r = random.Random(f"history-{seed}")
    now = datetime.now(UTC)
    users = [u["id"] for u in await conn.fetch("SELECT id FROM users WHERE role = 'user' ORDER BY id")]
    rows = await conn.fetch(
        f"SELECT id, owner_id, created_at, forked_from_id FROM workflows WHERE {listed_sql()} ORDER BY id"
    )
    if not users or not rows:
        return HistoryReport()
    # Popularity is skewed, as everywhere: a few workflows draw most of the engagement.
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(rows))]
    r.shuffle(weights)
    authors: dict[int, int] = {}
    for w in rows:
        authors[w["owner_id"]] = authors.get(w["owner_id"], 0) + 1
    report = HistoryReport()
    follows: list[tuple[Any, ...]] = []
    favorites: list[tuple[Any, ...]] = []
    reviews: list[tuple[Any, ...]] = []
    comments: list[tuple[Any, ...]] = []
    activities: list[tuple[Any, ...]] = []
    for w in rows:  # every listed workflow was published (and a fork forked) when it was created
        activities.append((w["owner_id"], "published", w["id"], "{}", w["created_at"]))
        if w["forked_from_id"] is not None:
            data = json.dumps({"original_id": w["forked_from_id"]})
            activities.append((w["owner_id"], "forked", w["id"], data, w["created_at"]))
    for user in users:
        _user_history(r, now, user, rows, weights, authors, follows, favorites, reviews, comments, activities)
    async with conn.transaction():
        await conn.executemany(
            "INSERT INTO follows (follower_id, followee_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            follows,
        )
        await conn.executemany(
            "INSERT INTO favorites (user_id, workflow_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            favorites,
        )
        await conn.executemany(
            "INSERT INTO reviews (workflow_id, user_id, stars, body, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT DO NOTHING",
            reviews,
        )
        for workflow_id, author, body, at in sorted(comments, key=lambda c: c[3]):
            comment_id = await conn.fetchval(
                "INSERT INTO comments (workflow_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                workflow_id,
                author,
                body,
                at,
            )
            activities.append((author, "commented", workflow_id, json.dumps({"comment_id": comment_id}), at))
        activities.sort(key=lambda a: a[4])  # ids follow time, as the feed's keyset expects
        await conn.executemany(
            "INSERT INTO activities (actor_id, verb, workflow_id, data, created_at) VALUES ($1, $2, $3, $4::jsonb, $5)",
            activities,
        )
        views = _daily_views(r, rows, weights, now.date())
        await conn.executemany(
            "INSERT INTO workflow_daily_views (workflow_id, day, views) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            views,
        )
        await conn.execute(
            "UPDATE workflows w SET views_count = w.views_count + v.n "
            "FROM (SELECT workflow_id, sum(views) AS n FROM workflow_daily_views GROUP BY 1) v WHERE v.workflow_id = w.id"
        )
    report.follows, report.favorites, report.reviews = len(follows), len(favorites), len(reviews)
    report.comments, report.view_days = len(comments), len(views)
    await compute_now(settings)
    return report


def _user_history(
    r: random.Random,
    now: datetime,
    user: int,
    rows: list[Any],
    weights: list[float],
    authors: dict[int, int],
    follows: list[Any],
    favorites: list[Any],
    reviews: list[Any],
    comments: list[Any],
    activities: list[Any],
) -> None:
    """One demo user's follows (prolific authors more often), favorites, reviews and comments (popular work more
    often), never on their own workflows."""
    others = [a for a in sorted(authors) if a != user]
    chosen = r.choices(others, weights=[authors[a] for a in others], k=min(len(others), r.randint(3, 8)))
    for followee in sorted(set(chosen)):
        follows.append((user, followee, now - timedelta(days=r.uniform(1, 60))))
    for i in dict.fromkeys(r.choices(range(len(rows)), weights=weights, k=r.randint(2, 12))):
        w = rows[i]
        if w["owner_id"] != user:
            at = _when(r, now, w["created_at"])
            favorites.append((user, w["id"], at))
            activities.append((user, "favorited", w["id"], "{}", at))
    for i in dict.fromkeys(r.choices(range(len(rows)), weights=weights, k=r.randint(0, 5))):
        w = rows[i]
        if w["owner_id"] != user:
            at, stars = _when(r, now, w["created_at"]), _stars(r)
            reviews.append((w["id"], user, stars, r.choice(TEXTS["reviews"]), at))
            activities.append((user, "reviewed", w["id"], json.dumps({"stars": stars}), at))
    for i in r.choices(range(len(rows)), weights=weights, k=r.choice([0, 0, 1, 1, 2, 3])):
        w = rows[i]
        comments.append((w["id"], user, r.choice(TEXTS["comments"]), _when(r, now, w["created_at"])))


def _daily_views(r: random.Random, rows: list[Any], weights: list[float], today: date) -> list[tuple[int, date, int]]:
    out = []
    top = max(weights)
    for w, weight in zip(rows, weights, strict=True):
        first = max(w["created_at"].date(), today - timedelta(days=DAYS))
        for day_offset in range((today - first).days + 1):
            expected = 40 * weight / top * (0.6 + 0.4 * r.random())
            n = int(expected + r.random() * 3)
            if n:
                out.append((w["id"], first + timedelta(days=day_offset), n))
    return out


async def compute_now(settings: Settings) -> None:
    """Trending and the Bayesian rating scores, now rather than at their crons' next run."""
    engine = create_engine(settings)
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    try:
        async with session_scope(create_sessionmaker(engine)) as db:
            await recompute(db)
            if redis is not None:
                await refresh_scores(db, redis)
    finally:
        if redis is not None:
            await redis.aclose()
        await engine.dispose()
