"""Bookmarks: idempotent PUT/DELETE. The counters on the workflow and its owner are kept by database triggers."""

from __future__ import annotations

from datetime import datetime

from arq.connections import ArqRedis
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.notifications.services import notify
from blokhub.api.pagination import clamp_limit, decode_cursor, encode_cursor
from blokhub.api.social.schemas import FavoriteState
from blokhub.api.workflows.access import get_visible, visible_to
from blokhub.api.workflows.presenters import SUMMARY_LOAD
from blokhub.db.base import utcnow
from blokhub.db.models import Favorite, User, Workflow
from blokhub.outbox import emit


async def _count(db: AsyncSession, workflow: Workflow) -> int:
    return int(await db.scalar(select(Workflow.favorites_count).where(Workflow.id == workflow.id)) or 0)


async def favorite(db: AsyncSession, redis: ArqRedis, user: User, workflow_id: int) -> FavoriteState:
    workflow = await get_visible(db, user, workflow_id)
    inserted = await db.scalar(
        insert(Favorite)
        .values(user_id=user.id, workflow_id=workflow.id, created_at=utcnow())
        .on_conflict_do_nothing()
        .returning(Favorite.workflow_id)
    )
    if inserted is None:  # already a favorite: PUT is idempotent
        return FavoriteState(favorited=True, favorites=await _count(db, workflow))
    count = await _count(db, workflow)
    await notify(db, redis, user_id=workflow.owner_id, kind="workflow_favorite", actor=user, workflow=workflow)
    emit(db, "favorite.created", "workflow", workflow.id, {"actor_id": user.id})
    return FavoriteState(favorited=True, favorites=count)


async def unfavorite(db: AsyncSession, user: User, workflow_id: int) -> FavoriteState:
    workflow = await get_visible(db, user, workflow_id)
    removed = await db.scalar(
        delete(Favorite)
        .where(Favorite.user_id == user.id, Favorite.workflow_id == workflow.id)
        .returning(Favorite.workflow_id)
    )
    if removed is None:
        return FavoriteState(favorited=False, favorites=await _count(db, workflow))
    return FavoriteState(favorited=False, favorites=await _count(db, workflow))


async def my_favorites(
    db: AsyncSession, user: User, cursor: str | None, limit: int | None
) -> tuple[list[Workflow], str | None]:
    size = clamp_limit(limit)
    stmt = (
        select(Workflow, Favorite.created_at)
        .join(Favorite, Favorite.workflow_id == Workflow.id)
        .options(*SUMMARY_LOAD)
        .where(Favorite.user_id == user.id, visible_to(user))
    )
    if (after := decode_cursor(cursor, datetime, int)) is not None:
        stmt = stmt.where(
            or_(Favorite.created_at < after[0], and_(Favorite.created_at == after[0], Favorite.workflow_id < after[1]))
        )
    rows = (
        await db.execute(stmt.order_by(Favorite.created_at.desc(), Favorite.workflow_id.desc()).limit(size + 1))
    ).all()
    page = rows[:size]
    cursor_out = encode_cursor(page[-1][1], page[-1][0].id) if len(rows) > size and page else None
    return [w for w, _ in page], cursor_out
