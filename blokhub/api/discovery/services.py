"""GET /workflows/{id}/similar and GET /recommendations: vector results hydrated and re-checked in PostgreSQL."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.discovery import trending
from blokhub.api.discovery.schemas import Recommendation
from blokhub.api.errors import ServiceUnavailable
from blokhub.api.workflows.access import get_visible
from blokhub.api.workflows.summaries import listed_summaries
from blokhub.db.models import User
from blokhub.recommend.for_you import for_you
from blokhub.recommend.neighbours import similar
from blokhub.runtime.resources import Resources


async def _hydrate(
    resources: Resources, ranked: list[tuple[int, float, str]], viewer: User | None
) -> list[Recommendation]:
    # Listed only; for a viewer never their own, never what they already favorited (even if the index lags).
    rows = await listed_summaries(
        resources.bare_pg, [wid for wid, _, _ in ranked], not_for_user=viewer.id if viewer is not None else None
    )
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
        ranked = await similar(resources.vectors, resources.embedder, resources.sessionmaker, workflow, limit)
    except Exception as exc:
        raise ServiceUnavailable(f"Similar workflows are unavailable right now ({type(exc).__name__}).") from None
    return await _hydrate(resources, ranked, None)


async def recommendations(db: AsyncSession, resources: Resources, user: User, limit: int) -> list[Recommendation]:
    try:
        ranked = await for_you(resources.vectors, db, user, limit)
    except Exception as exc:
        raise ServiceUnavailable(f"Recommendations are unavailable right now ({type(exc).__name__}).") from None
    if ranked is None:  # cold start: what everyone engages with now
        items = await trending.trending(db, "week", limit * 2)
        return [i for i in items if i.workflow.owner.username != user.username][:limit]
    return await _hydrate(resources, ranked, user)
