"""Bans and roles. A ban removes everything the user made from every surface, an unban restores it: the owner's ban
is copied onto each of their workflows (`owner_banned_at`, part of the one listed rule), and each workflow is sent
through the outbox so the search and vector indexes drop it (or take it back). It is also copied onto each comment,
review, favorite and follow they wrote, where the counter triggers see it: counts, sums and scores then agree with
what is listed; the workflows whose numbers moved are rescored and sent through the outbox too."""

from __future__ import annotations

from datetime import datetime

from redis.asyncio import Redis
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.auth.services import revoke_sessions
from blokhub.api.errors import Conflict, Forbidden, Unprocessable
from blokhub.api.social.ratings import rescore, site_mean
from blokhub.api.users.services import get_by_username
from blokhub.db.base import utcnow
from blokhub.db.models import Comment, Favorite, Follow, Review, Role, User, Workflow
from blokhub.outbox import emit


async def _mark_workflows(db: AsyncSession, user_id: int, banned_at: datetime | None) -> int:
    ids = (
        await db.scalars(
            update(Workflow)
            .where(Workflow.owner_id == user_id)
            .values(owner_banned_at=banned_at)
            .returning(Workflow.id)
            .execution_options(synchronize_session=False)
        )
    ).all()
    topic = "workflow.owner_banned" if banned_at is not None else "workflow.owner_unbanned"
    for workflow_id in ids:
        emit(db, topic, "workflow", workflow_id, {"owner_id": user_id})
    return len(ids)


async def _mark_engagement(db: AsyncSession, redis: Redis | None, user_id: int, banned_at: datetime | None) -> None:
    """Copy the ban onto everything the user wrote about others' work; the triggers move the counters."""
    touched: set[int] = set()
    for model, author in ((Comment, Comment.author_id), (Review, Review.user_id), (Favorite, Favorite.user_id)):
        rows = await db.scalars(
            update(model)
            .where(author == user_id)
            .values(author_banned_at=banned_at)
            .returning(model.workflow_id)
            .execution_options(synchronize_session=False)
        )
        touched.update(rows.all())
    for side, column in ((Follow.follower_id, "follower_banned_at"), (Follow.followee_id, "followee_banned_at")):
        await db.execute(
            update(Follow)
            .where(side == user_id)
            .values({column: banned_at})
            .execution_options(synchronize_session=False)
        )
    prior = await site_mean(redis)
    for workflow_id in sorted(touched):
        await rescore(db, workflow_id, prior)
        # Their favorites, rating and comment counts moved: the search documents' sort keys follow.
        emit(db, "workflow.stats_changed", "workflow", workflow_id, {"owner_banned": user_id})


def _may_act_on(actor: User, target: User) -> None:
    if target.id == actor.id:
        raise Unprocessable("You cannot do that to your own account.", code="self_action")
    if target.is_moderator and actor.role != Role.ADMIN:
        raise Forbidden("Only an admin can ban or unban a moderator or an admin.")


async def apply_ban(db: AsyncSession, redis: Redis | None, target: User, banned: bool, by: int | None) -> None:
    """Ban or unban ``target`` (idempotent); the API and the CLI both come here."""
    if (target.banned_at is not None) == banned:
        return
    target.banned_at = utcnow() if banned else None
    await _mark_workflows(db, target.id, target.banned_at)
    await _mark_engagement(db, redis, target.id, target.banned_at)
    if banned:
        # Every session ends now: the next request with any of their tokens is refused.
        await revoke_sessions(db, redis, target.id, reason="banned")
    emit(db, "user.banned" if banned else "user.unbanned", "user", target.id, {"by": by})


async def ban(db: AsyncSession, redis: Redis, actor: User, username: str) -> User:
    target = await get_by_username(db, username, include_banned=True)
    _may_act_on(actor, target)
    await apply_ban(db, redis, target, True, actor.id)
    return target


async def unban(db: AsyncSession, redis: Redis, actor: User, username: str) -> User:
    target = await get_by_username(db, username, include_banned=True)
    _may_act_on(actor, target)
    await apply_ban(db, redis, target, False, actor.id)
    return target


async def set_role(db: AsyncSession, actor: User, username: str, role: str) -> User:
    """Admins promote and demote; nobody changes their own role (so the last admin cannot lock everyone out)."""
    if actor.role != Role.ADMIN:
        raise Forbidden("Only an admin can change roles.")
    target = await get_by_username(db, username, include_banned=True)
    if target.id == actor.id:
        raise Conflict("You cannot change your own role; ask another admin.", code="self_action")
    target.role = Role(role).value
    emit(db, "user.role_changed", "user", target.id, {"by": actor.id, "role": target.role})
    return target
