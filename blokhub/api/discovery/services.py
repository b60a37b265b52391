"""GET /workflows/{id}/similar and GET /recommendations: vector results hydrated and re-checked in PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.discovery import trending
from blokhub.api.discovery.schemas import Recommendation
from blokhub.api.errors import ServiceUnavailable
from blokhub.api.workflows.access import get_visible, listed_for
from blokhub.api.workflows.presenters import SUMMARY_LOAD, summary_of
from blokhub.db.models import Favorite, User, Workflow
from blokhub.recommend.for_you import for_you
from blokhub.recommend.neighbours import similar
from blokhub.runtime.resources import Resources


async def _hydrate(db: AsyncSession, ranked: list[tuple[int, float, str]], viewer: User | None) -> list[Recommendation]:
    ids = [wid for wid, _, _ in ranked]
    where = [Workflow.id.in_(ids), listed_for(None)]
    if viewer is not None:  # never your own, never what you already favorited (even if the index lags)
        where += [
            Workflow.owner_id != viewer.id,
            Workflow.id.notin_(select(Favorite.workflow_id).where(Favorite.user_id == viewer.id)),
        ]
    rows = {w.id: w for w in (await db.scalars(select(Workflow).options(*SUMMARY_LOAD).where(*where))).all()}
    return [
        Recommendation(workflow=summary_of(rows[wid]), score=round(score, 4), reason=why)
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
    return await _hydrate(db, ranked, None)


async def recommendations(db: AsyncSession, resources: Resources, user: User, limit: int) -> list[Recommendation]:
    try:
        ranked = await for_you(resources.vectors, db, user, limit)
    except Exception as exc:
        raise ServiceUnavailable(f"Recommendations are unavailable right now ({type(exc).__name__}).") from None
    if ranked is None:  # cold start: what everyone engages with now
        items = await trending.trending(db, "week", limit * 2)
        return [i for i in items if i.workflow.owner.username != user.username][:limit]
    return await _hydrate(db, ranked, user)
