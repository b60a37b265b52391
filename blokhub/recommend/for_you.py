""" "For you": Qdrant recommend from what the user favorited, rated well, published and forked, away from what they
rated badly; never their own or already-favorited workflows. Each item says which of their choices led to it."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.models import Favorite, Review, User, Visibility, Workflow
from blokhub.indexers.vectors import VectorFilter
from blokhub.recommend.diversity import Candidate, collapse, mmr

MAX_EXAMPLES = 50


async def signals(db: AsyncSession, user: User) -> tuple[dict[int, str], list[int], list[int]]:
    """(positive id → how the user chose it, negative ids, favorited ids)."""
    positives: dict[int, str] = {}
    favorited = list(
        (
            await db.scalars(
                select(Favorite.workflow_id)
                .where(Favorite.user_id == user.id)
                .order_by(Favorite.created_at.desc())
                .limit(MAX_EXAMPLES)
            )
        ).all()
    )
    positives.update({wid: "favorited" for wid in favorited})
    reviews = (
        await db.execute(
            select(Review.workflow_id, Review.stars)
            .where(Review.user_id == user.id)
            .order_by(Review.updated_at.desc())
            .limit(MAX_EXAMPLES)
        )
    ).all()
    positives.update({wid: f"rated {stars} stars" for wid, stars in reviews if stars >= 4})
    negatives = [wid for wid, stars in reviews if stars <= 2]
    own = (
        await db.execute(
            select(Workflow.id, Workflow.forked_from_id)
            .where(
                Workflow.owner_id == user.id, Workflow.deleted_at.is_(None), Workflow.visibility == Visibility.PUBLIC
            )
            .order_by(Workflow.created_at.desc())
            .limit(MAX_EXAMPLES)
        )
    ).all()
    for wid, original in own:
        positives.setdefault(wid, "published")
        if original is not None:
            positives.setdefault(original, "forked")
    return positives, negatives, favorited


async def for_you(resources: Any, db: AsyncSession, user: User, limit: int) -> list[tuple[int, float, str]] | None:
    """(id, score, reason) ranked for ``user``; None on a cold start (nothing to learn from yet)."""
    positives, negatives, favorited = await signals(db, user)
    if not positives:
        return None
    hits = await resources.vectors.recommend(
        list(positives),
        negatives,
        limit * 4,
        VectorFilter(exclude_ids=sorted({*favorited, *positives}), exclude_owner_ids=[user.id]),
        with_vectors=True,
    )
    if not hits:
        return None
    example_vectors = await resources.vectors.vectors(list(positives))
    titles = dict((await db.execute(select(Workflow.id, Workflow.title).where(Workflow.id.in_(example_vectors)))).all())
    candidates = [
        Candidate(h.id, h.score, h.vector, h.payload.get("canonical_hash"), float(h.payload.get("created_at", 0)))
        for h in hits
        if h.vector is not None
    ]
    out = []
    for c in mmr(collapse(candidates), limit):
        # The example this item is closest to is the honest reason it is here.
        closest = max(example_vectors, key=lambda wid: float(np.dot(example_vectors[wid], c.vector)))
        out.append((c.id, c.score, f"because you {positives[closest]} “{titles.get(closest, 'a workflow')}”"))
    return out
