"""5-star reviews with exact counters and a confidence-adjusted (Bayesian) score."""

from __future__ import annotations

from datetime import datetime

from arq.connections import ArqRedis
from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from blokhub.api.errors import NotFound, Unprocessable
from blokhub.api.notifications.services import notify
from blokhub.api.pagination import clamp_limit, decode_cursor, encode_cursor
from blokhub.api.social import limits
from blokhub.api.social.schemas import RatingIn, RatingSummary, ReviewOut
from blokhub.api.users.schemas import UserRef
from blokhub.api.workflows.access import get_visible
from blokhub.api.workflows.presenters import DEFAULT_PRIOR_MEAN, PRIOR_WEIGHT, rating_of
from blokhub.db.base import utcnow
from blokhub.db.models import Review, User, Workflow
from blokhub.outbox import emit

PRIOR_MEAN_KEY = "ratings:site-mean"


async def site_mean(redis: ArqRedis) -> float:
    """The site-wide mean rating, refreshed by the ``ratings.refresh_scores`` cron; a neutral prior until then."""
    try:
        raw = await redis.get(PRIOR_MEAN_KEY)
        return float(raw) if raw is not None else DEFAULT_PRIOR_MEAN
    except Exception:
        return DEFAULT_PRIOR_MEAN


async def _apply(db: AsyncSession, workflow_id: int, d_sum: int, d_count: int, prior: float) -> None:
    """One atomic UPDATE: counters and score move together, so 200 concurrent ratings lose nothing."""
    new_count = Workflow.rating_count + d_count
    new_sum = Workflow.rating_sum + d_sum
    await db.execute(
        update(Workflow)
        .where(Workflow.id == workflow_id)
        .values(
            rating_sum=new_sum,
            rating_count=new_count,
            rating_score=case(
                (new_count == 0, 0.0), else_=(PRIOR_WEIGHT * prior + new_sum) * 1.0 / (PRIOR_WEIGHT + new_count)
            ),
        )
    )


async def rate(db: AsyncSession, redis: ArqRedis, user: User, workflow_id: int, data: RatingIn) -> ReviewOut:
    workflow = await get_visible(db, user, workflow_id)
    if workflow.owner_id == user.id:
        raise Unprocessable(
            "You cannot rate your own workflow.",
            code="own_workflow",
            details=[{"pointer": "/stars", "message": "own workflow"}],
        )
    await limits.check(redis, "review", user.id)
    now = utcnow()
    old = await db.scalar(
        select(Review.stars).where(Review.workflow_id == workflow.id, Review.user_id == user.id).with_for_update()
    )
    stmt = insert(Review).values(
        workflow_id=workflow.id,
        user_id=user.id,
        stars=data.stars,
        body=(data.review or "").strip(),
        created_at=now,
        updated_at=now,
    )
    body_update = {"stars": data.stars, "updated_at": now}
    if data.review is not None:
        body_update["body"] = data.review.strip()
    saved = (
        await db.execute(
            stmt.on_conflict_do_update(index_elements=["workflow_id", "user_id"], set_=body_update).returning(
                Review.stars, Review.body, Review.created_at, Review.updated_at
            )
        )
    ).one()
    await _apply(db, workflow.id, data.stars - (old or 0), 0 if old is not None else 1, await site_mean(redis))
    if old is None:
        await notify(
            db,
            redis,
            user_id=workflow.owner_id,
            kind="workflow_review",
            actor=user,
            workflow=workflow,
            data={"stars": data.stars},
        )
    emit(db, "review.saved", "workflow", workflow.id, {"actor_id": user.id, "stars": data.stars, "first": old is None})
    return ReviewOut(
        user=UserRef(username=user.username, display_name=user.display_name),
        stars=saved.stars,
        review=saved.body,
        created_at=saved.created_at,
        updated_at=saved.updated_at,
    )


async def unrate(db: AsyncSession, redis: ArqRedis, user: User, workflow_id: int) -> None:
    workflow = await get_visible(db, user, workflow_id)
    stars = await db.scalar(
        delete(Review).where(Review.workflow_id == workflow.id, Review.user_id == user.id).returning(Review.stars)
    )
    if stars is None:
        raise NotFound("You have not rated this workflow.")
    await _apply(db, workflow.id, -stars, -1, await site_mean(redis))


async def reviews(
    db: AsyncSession, viewer: User | None, workflow_id: int, cursor: str | None, limit: int | None
) -> tuple[list[ReviewOut], str | None, RatingSummary]:
    workflow = await get_visible(db, viewer, workflow_id)
    size = clamp_limit(limit)
    stmt = (
        select(Review)
        .options(joinedload(Review.user))
        .where(Review.workflow_id == workflow.id, Review.user.has(User.banned_at.is_(None)))
    )
    if (after := decode_cursor(cursor, datetime, int)) is not None:
        stmt = stmt.where(
            or_(Review.updated_at < after[0], and_(Review.updated_at == after[0], Review.user_id < after[1]))
        )
    rows = list(
        (await db.scalars(stmt.order_by(Review.updated_at.desc(), Review.user_id.desc()).limit(size + 1))).all()
    )
    more = len(rows) > size
    rows = rows[:size]
    histogram = {str(n): 0 for n in range(1, 6)}
    for stars, count in (
        await db.execute(
            select(Review.stars, func.count()).where(Review.workflow_id == workflow.id).group_by(Review.stars)
        )
    ).all():
        histogram[str(stars)] = int(count)
    rating = rating_of(workflow.rating_sum, workflow.rating_count, workflow.rating_score)
    summary = RatingSummary(average=rating.average, count=rating.count, score=rating.score, histogram=histogram)
    items = [
        ReviewOut(
            user=UserRef(username=r.user.username, display_name=r.user.display_name),
            stars=r.stars,
            review=r.body,
            created_at=r.created_at,
            updated_at=r.updated_at,
        )
        for r in rows
    ]
    return items, encode_cursor(rows[-1].updated_at, rows[-1].user_id) if more and rows else None, summary


async def refresh_scores(db: AsyncSession, redis: ArqRedis) -> float:
    """Recompute the site-wide mean and every rated workflow's score against it (cron ``ratings.refresh_scores``)."""
    total_sum, total_count = (
        await db.execute(
            select(func.coalesce(func.sum(Workflow.rating_sum), 0), func.coalesce(func.sum(Workflow.rating_count), 0))
        )
    ).one()
    mean = float(total_sum) / float(total_count) if total_count else DEFAULT_PRIOR_MEAN
    await db.execute(
        update(Workflow)
        .where(Workflow.rating_count > 0)
        .values(rating_score=(PRIOR_WEIGHT * mean + Workflow.rating_sum) * 1.0 / (PRIOR_WEIGHT + Workflow.rating_count))
    )
    await redis.set(PRIOR_MEAN_KEY, str(mean))
    return mean
