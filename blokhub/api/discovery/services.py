"""GET /workflows/{id}/similar and GET /recommendations: vector results hydrated and re-checked in PostgreSQL."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.discovery import trending
from blokhub.api.discovery.schemas import Recommendation
from blokhub.api.errors import ServiceUnavailable
from blokhub.api.workflows.access import get_visible
from blokhub.api.workflows.summaries import listed_summaries
from blokhub.db.models import User
from blokhub.recommend.diversity import NEAR_DUPLICATE
from blokhub.recommend.for_you import for_you
from blokhub.recommend.neighbours import similar
from blokhub.recommend.own_work import own_work, owner_copies
from blokhub.runtime.resources import Resources


async def _hydrate(
    db: AsyncSession,
    resources: Resources,
    ranked: list[tuple[int, float, str]],
    viewer: User | None,
    leave_out: set[int] | None = None,
) -> list[Recommendation]:
    # Listed only; for a viewer never their own, never what they already favorited (even if the index lags).
    ids = [wid for wid, _, _ in ranked if wid not in (leave_out or set())]
    rows = await listed_summaries(resources.bare_pg, ids, not_for_user=viewer.id if viewer is not None else None)
    if viewer is not None and rows:  # nor a copy or a fork (at any depth) of your own work
        for wid in await own_work(db, viewer.id, list(rows)):
            rows.pop(wid, None)
    return [
        Recommendation(workflow=rows[wid], score=round(score, 4), reason=why)
        for wid, score, why in ranked
        if wid in rows
    ]


async def similar_to(
    db: AsyncSession, resources: Resources, viewer: User | None, workflow_id: int, limit: int
) -> list[Recommendation]:
    workflow = await get_visible(db, viewer, workflow_id)
    try:
        ranked = await similar(resources.vectors, resources.embedder, resources.sessionmaker, workflow, limit + 5)
    except Exception as exc:
        raise ServiceUnavailable(f"Similar workflows are unavailable right now ({type(exc).__name__}).") from None
    # The owner's own re-imports and forks of this workflow are the same work, not a neighbour; a signed-in
    # viewer's own work is not a discovery for them either.
    ids = [i for i, _, _ in ranked]
    near = [i for i, score, _ in ranked if score >= NEAR_DUPLICATE]
    leave_out = await owner_copies(db, workflow, ids, near)
    if viewer is not None:
        leave_out |= await own_work(db, viewer.id, ids)
    return (await _hydrate(db, resources, ranked, None, leave_out))[:limit]


async def recommendations(db: AsyncSession, resources: Resources, user: User, limit: int) -> list[Recommendation]:
    try:
        ranked = await for_you(resources.vectors, db, user, limit + 5)  # some may be left out as own work
    except Exception as exc:
        raise ServiceUnavailable(f"Recommendations are unavailable right now ({type(exc).__name__}).") from None
    if ranked is None:  # cold start: what everyone engages with now
        items = await trending.trending(db, "week", limit * 2)
        own = await own_work(db, user.id, [i.workflow.id for i in items])
        return [i for i in items if i.workflow.owner.username != user.username and i.workflow.id not in own][:limit]
    return (await _hydrate(db, resources, ranked, user))[:limit]
