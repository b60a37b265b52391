"""PostgreSQL rows → search documents. The only place that decides what a workflow looks like to search."""

from __future__ import annotations

import math
from collections.abc import Sequence

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from blokhub.blok.model import model_steps
from blokhub.blok.requirements import requirements
from blokhub.db.models import Workflow
from blokhub.indexers.search import SearchDocument


def searchable() -> ColumnElement[bool]:
    """Only live, public, unhidden workflows are in the index (the same rule as public lists)."""
    return Workflow.listed.expression


def popularity(w: Workflow) -> float:
    return math.log1p(3 * w.favorites_count + 2 * w.forks_count + 2 * w.rating_count + w.views_count / 10)


def step_names(definition: dict[str, object]) -> list[str]:
    """Step names (v1) or ids (v2) at every depth, in execution order, at most 50."""
    names = [step.id for step in model_steps(definition) if step.id is not None]
    return list(dict.fromkeys(names))[:50]


def document(w: Workflow) -> SearchDocument:
    facts = w.facts or {}
    return SearchDocument(
        id=w.id,
        title=w.title,
        description=w.description,
        tags=list(w.tags),
        nodes=list(facts.get("nodes", [])),
        step_names=step_names(w.definition),
        author=w.owner.username,
        author_name=w.owner.display_name,
        trigger=facts.get("trigger"),
        method=facts.get("method"),
        runtimes=list(facts.get("runtimes", [])),
        has_branches=bool(facts.get("has_branches")),
        created_at=w.created_at.timestamp(),
        updated_at=w.updated_at.timestamp(),
        favorites=w.favorites_count,
        forks=w.forks_count,
        views=w.views_count,
        rating_score=w.rating_score if w.rating_count else 0.0,
        rating_count=w.rating_count,
        trending=w.trending_week,  # the `discovery.trending` cron keeps it current
        popularity=popularity(w),
        rating_average=round(w.rating_sum / w.rating_count, 3) if w.rating_count else 0.0,
        requirements=list(requirements(w.definition).values),
        dialect="v2" if facts.get("dialect") == "v2" else "v1",
    )


async def load(db: AsyncSession, ids: Sequence[int]) -> tuple[list[SearchDocument], list[int]]:
    """Current documents for ``ids`` and the ids that must leave the index (private, deleted, hidden, gone)."""
    rows = (
        await db.scalars(select(Workflow).options(joinedload(Workflow.owner)).where(Workflow.id.in_(ids), searchable()))
    ).all()
    docs = [document(w) for w in rows]
    present = {d.id for d in docs}
    return docs, [i for i in ids if i not in present]
