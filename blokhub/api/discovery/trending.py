"""GET /trending: the highest time-decayed engagement of a window, topped up with all-time favorites."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.discovery.schemas import Recommendation
from blokhub.api.workflows.access import listed_for
from blokhub.api.workflows.presenters import SUMMARY_LOAD, summary_of
from blokhub.db.models import User, Workflow
from blokhub.recommend.trending import WINDOWS, reasons


async def trending(db: AsyncSession, window_name: str, limit: int, viewer: User | None = None) -> list[Recommendation]:
    window = WINDOWS[window_name]
    column = getattr(Workflow, f"trending_{window.name}")
    rows = list(
        (
            await db.scalars(
                select(Workflow)
                .options(*SUMMARY_LOAD)
                .where(listed_for(None), column > 0)
                .order_by(column.desc(), Workflow.id.desc())
                .limit(limit)
            )
        ).all()
    )
    why = await reasons(db, [w.id for w in rows], window) if rows else {}
    items = [
        Recommendation(
            workflow=summary_of(w, viewer), score=round(getattr(w, f"trending_{window.name}"), 4), reason=why[w.id]
        )
        for w in rows
    ]
    if len(items) < limit:  # a quiet period (or a new site) still shows something worth a look
        seen = {w.id for w in rows}
        popular = (
            await db.scalars(
                select(Workflow)
                .options(*SUMMARY_LOAD)
                .where(listed_for(None), Workflow.id.notin_(seen or {0}))
                .order_by(Workflow.favorites_count.desc(), Workflow.rating_score.desc(), Workflow.id.desc())
                .limit(limit - len(items))
            )
        ).all()
        items += [
            Recommendation(
                workflow=summary_of(w, viewer), score=0.0, reason=f"popular all-time ({w.favorites_count} favorites)"
            )
            for w in popular
        ]
    return items
