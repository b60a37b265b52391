"""GET /workflows/{id}/similar and GET /recommendations: vector results hydrated and re-checked in PostgreSQL.

Every PostgreSQL read on these paths is a bare statement on the request path's asyncpg pool (no session, no ORM
entities; see api/workflows/summaries.py), except a cold start's trending list."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.discovery import trending
from blokhub.api.discovery.schemas import Recommendation
from blokhub.api.errors import NotFound, ServiceUnavailable
from blokhub.api.workflows.access import visible_sql
from blokhub.api.workflows.summaries import listed_summaries
from blokhub.db.models import User
from blokhub.recommend.diversity import NEAR_DUPLICATE
from blokhub.recommend.for_you import for_you
from blokhub.recommend.neighbours import Source, similar
from blokhub.recommend.own_work import own_work, owner_copies
from blokhub.runtime.pg_pool import BarePool
from blokhub.runtime.resources import Resources

# The workflow a similar list is about, if the viewer may open it ($2: moderator, $3: viewer id or NULL).
_SOURCE = (
    "SELECT w.id, w.owner_id, w.canonical_hash, w.forked_from_id, w.created_at, w.facts -> 'nodes' AS nodes, w.tags "
    f"FROM workflows w WHERE w.id = $1 AND {visible_sql('w', moderator='$2::boolean', viewer='$3::bigint')}"
)


async def _source(pool: BarePool, viewer: User | None, workflow_id: int) -> Source:
    moderator, viewer_id = (viewer.is_moderator, viewer.id) if viewer is not None else (False, None)
    r = await pool.fetchrow(_SOURCE, workflow_id, moderator, viewer_id)
    if r is None:  # invisible and missing answer the same 404 (api/workflows/access.py)
        raise NotFound(f"No workflow {workflow_id}.")
    nodes = r["nodes"] if isinstance(r["nodes"], list) else []
    return Source(
        r["id"], r["owner_id"], r["canonical_hash"], r["forked_from_id"], r["created_at"], nodes, list(r["tags"])
    )


async def _hydrate(
    pool: BarePool,
    ranked: list[tuple[int, float, str]],
    viewer: User | None,
    leave_out: set[int] | None = None,
) -> list[Recommendation]:
    # Listed only; for a viewer never their own, never what they already favorited (even if the index lags).
    ids = [wid for wid, _, _ in ranked if wid not in (leave_out or set())]
    rows = await listed_summaries(pool, ids, not_for_user=viewer.id if viewer is not None else None)
    if viewer is not None and rows:  # nor a copy or a fork (at any depth) of your own work
        for wid in await own_work(pool, viewer.id, list(rows)):
            rows.pop(wid, None)
    return [
        Recommendation(workflow=rows[wid], score=round(score, 4), reason=why)
        for wid, score, why in ranked
        if wid in rows
    ]


async def similar_to(resources: Resources, viewer: User | None, workflow_id: int, limit: int) -> list[Recommendation]:
    pool = resources.bare_pg
    workflow = await _source(pool, viewer, workflow_id)
    try:
        ranked = await similar(resources.vectors, resources.embedder, resources.sessionmaker, workflow, limit + 5)
    except Exception as exc:
        raise ServiceUnavailable(f"Similar workflows are unavailable right now ({type(exc).__name__}).") from None
    # The owner's own re-imports and forks of this workflow are the same work, not a neighbour; a signed-in
    # viewer's own work is not a discovery for them either.
    ids = [i for i, _, _ in ranked]
    near = [i for i, score, _ in ranked if score >= NEAR_DUPLICATE]
    leave_out = await owner_copies(pool, workflow, ids, near)
    if viewer is not None:
        leave_out |= await own_work(pool, viewer.id, ids)
    return (await _hydrate(pool, ranked, None, leave_out))[:limit]


async def recommendations(db: AsyncSession, resources: Resources, user: User, limit: int) -> list[Recommendation]:
    pool = resources.bare_pg
    try:
        ranked = await for_you(resources.vectors, pool, user, limit + 5)  # some may be left out as own work
    except Exception as exc:
        raise ServiceUnavailable(f"Recommendations are unavailable right now ({type(exc).__name__}).") from None
    if ranked is None:  # cold start: what everyone engages with now
        items = await trending.trending(db, "week", limit * 2)
        own = await own_work(pool, user.id, [i.workflow.id for i in items])
        return [i for i in items if i.workflow.owner.username != user.username and i.workflow.id not in own][:limit]
    return (await _hydrate(pool, ranked, user))[:limit]
