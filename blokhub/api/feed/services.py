"""The activity feed: what the people you follow did, newest first (fan-out on read).

One index probe per followed author on activities(actor_id, id DESC), each bounded by the page size, merged and cut:
the cost depends on how many authors you follow and the page size, not on the table size or the page depth.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.errors import BadRequest
from blokhub.api.pagination import clamp_limit, decode_cursor, encode_cursor
from blokhub.api.workflows.presenters import SUMMARY_LOAD
from blokhub.db.base import utcnow
from blokhub.db.models import User, Workflow, listed_sql
from blokhub.indexers.vectors import VectorEngine
from blokhub.recommend.for_you import signals
from blokhub.runtime.pg_pool import BarePool

# Candidate ids only: one index-only probe per followed author on activities(actor_id, id DESC).
_CANDIDATES = text("""
SELECT a.id
FROM follows f
JOIN users u ON u.id = f.followee_id AND u.banned_at IS NULL
CROSS JOIN LATERAL (
    SELECT a.id FROM activities a
    WHERE a.actor_id = f.followee_id AND a.id < :before
    ORDER BY a.id DESC
    LIMIT :n
) a
WHERE f.follower_id = :me
ORDER BY a.id DESC
LIMIT :n
""")

# The candidates' rows, keeping only activity on workflows everyone may see right now.
_VISIBLE = text(f"""
SELECT a.id, a.actor_id, a.verb, a.workflow_id, a.data, a.created_at
FROM activities a
JOIN workflows w ON w.id = a.workflow_id
 AND {listed_sql("w")}
WHERE a.id = ANY(:ids)
ORDER BY a.id DESC
""")

# Interactions with an author's work make them count more in the personal ranking.
_AFFINITY = text("""
SELECT w.owner_id, count(*) AS n FROM favorites fav JOIN workflows w ON w.id = fav.workflow_id
WHERE fav.user_id = :me AND w.owner_id = ANY(:authors) GROUP BY 1
UNION ALL
SELECT w.owner_id, count(*) FROM reviews r JOIN workflows w ON w.id = r.workflow_id
WHERE r.user_id = :me AND r.stars >= 4 AND w.owner_id = ANY(:authors) GROUP BY 1
""")

PERSONAL_CANDIDATES = 200
HALF_LIFE_HOURS = 48.0


async def _rows(db: AsyncSession, user: User, before: int, n: int) -> list[Any]:
    """Up to ``n`` visible activities older than ``before``. Candidates are cheap to find, and visibility is checked
    on the few that could be on the page; when some are filtered out, look further back."""
    rows: list[Any] = []
    while len(rows) < n:
        want = n - len(rows)
        ids = list((await db.scalars(_CANDIDATES, {"me": user.id, "before": before, "n": want})).all())
        if not ids:
            break
        rows += (await db.execute(_VISIBLE, {"ids": ids})).all()
        before = ids[-1]
        if len(ids) < want:
            break
    return rows[:n]


async def _hydrate(db: AsyncSession, rows: list[Any]) -> tuple[dict[int, User], dict[int, Workflow]]:
    actor_ids = {r.actor_id for r in rows}
    workflow_ids = {r.workflow_id for r in rows}
    actors = {u.id: u for u in (await db.scalars(select(User).where(User.id.in_(actor_ids)))).all()}
    workflows = {
        w.id: w
        for w in (await db.scalars(select(Workflow).options(*SUMMARY_LOAD).where(Workflow.id.in_(workflow_ids)))).all()
    }
    return actors, workflows


async def chronological(
    db: AsyncSession, user: User, cursor: str | None, limit: int | None
) -> tuple[list[Any], dict[int, User], dict[int, Workflow], str | None, dict[int, tuple[float, str]]]:
    """Newest first; each item's score is its recency (the personal ranking's decay alone), so it falls down the
    page as the order does."""
    size = clamp_limit(limit)
    before = decode_cursor(cursor, int)
    rows = await _rows(db, user, before[0] if before else 2**63 - 1, size + 1)
    more = len(rows) > size
    rows = rows[:size]
    actors, workflows = await _hydrate(db, rows)
    explained = {r.id: (round(_decay(r.created_at), 4), f"someone you follow; {_age(r.created_at)}") for r in rows}
    return rows, actors, workflows, encode_cursor(rows[-1].id) if more and rows else None, explained


def _decay(created_at: datetime) -> float:
    hours = max(0.0, (utcnow() - created_at).total_seconds() / 3600)
    return math.exp(-math.log(2) * hours / HALF_LIFE_HOURS)


async def _taste_similarity(
    vectors: VectorEngine, pool: BarePool, user: User, workflow_ids: list[int]
) -> dict[int, float]:
    """Cosine between each workflow and the user's taste (the mean of what they favorited, rated well, published)."""
    positives = (await signals(pool, user)).positives
    if not positives or not workflow_ids:
        return {}
    try:
        stored = await vectors.vectors([*positives, *workflow_ids])
    except Exception:  # the vector index is optional here: follows and recency still rank
        return {}
    examples = [v for wid, v in stored.items() if wid in positives]
    if not examples:
        return {}
    taste = np.mean(examples, axis=0)
    taste = taste / (np.linalg.norm(taste) or 1.0)
    return {wid: float(np.dot(taste, stored[wid])) for wid in workflow_ids if wid in stored}


def _age(created_at: datetime) -> str:
    hours = max(0.0, (utcnow() - created_at).total_seconds() / 3600)
    if hours < 1:
        return "within the hour"
    if hours < 48:
        return f"{int(hours)} h ago"
    return f"{int(hours // 24)} days ago"


def explain(affinity: int, similarity: float, created_at: datetime) -> str:
    """The personal ranking's factors in words, strongest signal first (it is what a reader checks)."""
    parts = ["someone you follow"]
    if affinity:
        parts.append(f"you gave their work {affinity} favorite{'s' if affinity != 1 else ''} or good review(s)")
    if similarity > 0.5:
        parts.append("close to what you like")
    elif similarity > 0.3:
        parts.append("near what you like")
    parts.append(_age(created_at))
    return "; ".join(parts)


async def personal(
    db: AsyncSession,
    user: User,
    cursor: str | None,
    limit: int | None,
    vectors: VectorEngine | None = None,
    pool: BarePool | None = None,
) -> tuple[list[Any], dict[int, User], dict[int, Workflow], str | None, dict[int, tuple[float, str]]]:
    """Recent activity of followed authors, scored by recency (48 h half-life) times follow strength (favorites and
    good reviews you gave the author's work) times closeness to your taste (embedding similarity). Returns, besides
    the page, each item's (score, reason) by activity id."""
    size = clamp_limit(limit)
    offset = decode_cursor(cursor, int)
    start = offset[0] if offset else 0
    if start < 0 or start > PERSONAL_CANDIDATES:
        raise BadRequest("The cursor is not valid; start again without it.", code="invalid_cursor")
    rows = await _rows(db, user, 2**63 - 1, PERSONAL_CANDIDATES)
    authors = list({r.actor_id for r in rows})
    affinity: dict[int, int] = {}
    if authors:
        for owner_id, n in (await db.execute(_AFFINITY, {"me": user.id, "authors": authors})).all():
            affinity[owner_id] = affinity.get(owner_id, 0) + int(n)
    workflow_ids = list({r.workflow_id for r in rows})
    similarity = await _taste_similarity(vectors, pool, user, workflow_ids) if vectors and pool else {}

    def score(r: Any) -> float:
        follow = 1 + math.log1p(affinity.get(r.actor_id, 0))
        return _decay(r.created_at) * follow * (1 + max(0.0, similarity.get(r.workflow_id, 0.0)))

    ranked = sorted(rows, key=lambda r: (-score(r), -r.id))
    page = ranked[start : start + size]
    actors, workflows = await _hydrate(db, page)
    more = start + size < len(ranked)
    explained = {
        r.id: (
            round(score(r), 4),
            explain(affinity.get(r.actor_id, 0), similarity.get(r.workflow_id, 0.0), r.created_at),
        )
        for r in page
    }
    return page, actors, workflows, encode_cursor(start + size) if more else None, explained
