"""Following authors: idempotent, never yourself, counters exact on both profiles."""

from __future__ import annotations

from datetime import datetime

from arq.connections import ArqRedis
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.errors import Unprocessable
from blokhub.api.notifications.services import notify
from blokhub.api.pagination import clamp_limit, decode_cursor, encode_cursor
from blokhub.api.social.schemas import FollowState, UserCard
from blokhub.api.users.services import get_by_username
from blokhub.db.base import utcnow
from blokhub.db.models import Follow, User


async def _followers(db: AsyncSession, followee_id: int) -> int:
    """The followee's counter, kept from the follows rows by a database trigger."""
    return int(await db.scalar(select(User.followers_count).where(User.id == followee_id)) or 0)


async def follow(db: AsyncSession, redis: ArqRedis, user: User, username: str) -> FollowState:
    target = await get_by_username(db, username)
    if target.id == user.id:
        raise Unprocessable(
            "You cannot follow yourself.", code="follow_self", details=[{"pointer": "/username", "message": "yourself"}]
        )
    inserted = await db.scalar(
        insert(Follow)
        .values(follower_id=user.id, followee_id=target.id, created_at=utcnow())
        .on_conflict_do_nothing()
        .returning(Follow.followee_id)
    )
    if inserted is None:
        return FollowState(following=True, followers=await _followers(db, target.id))
    count = await _followers(db, target.id)
    await notify(db, redis, user_id=target.id, kind="new_follower", actor=user)
    return FollowState(following=True, followers=count)


async def unfollow(db: AsyncSession, user: User, username: str) -> FollowState:
    target = await get_by_username(db, username)
    removed = await db.scalar(
        delete(Follow)
        .where(Follow.follower_id == user.id, Follow.followee_id == target.id)
        .returning(Follow.followee_id)
    )
    if removed is None:
        return FollowState(following=False, followers=await _followers(db, target.id))
    return FollowState(following=False, followers=await _followers(db, target.id))


async def people(
    db: AsyncSession, username: str, *, followers: bool, cursor: str | None, limit: int | None
) -> tuple[list[UserCard], str | None]:
    """``followers`` of a user, or whom they are ``following``; newest relationships first."""
    subject = await get_by_username(db, username)
    size = clamp_limit(limit)
    mine, other = (Follow.followee_id, Follow.follower_id) if followers else (Follow.follower_id, Follow.followee_id)
    stmt = (
        select(User, Follow.created_at)
        .join(Follow, other == User.id)
        .where(mine == subject.id, User.banned_at.is_(None))
    )
    if (after := decode_cursor(cursor, datetime, int)) is not None:
        stmt = stmt.where(or_(Follow.created_at < after[0], and_(Follow.created_at == after[0], other < after[1])))
    rows = (await db.execute(stmt.order_by(Follow.created_at.desc(), other.desc()).limit(size + 1))).all()
    page = rows[:size]
    cards = [
        UserCard(username=u.username, display_name=u.display_name, avatar_url=u.avatar_url, bio=u.bio, since=at)
        for u, at in page
    ]
    return cards, encode_cursor(page[-1][1], page[-1][0].id) if len(rows) > size and page else None
