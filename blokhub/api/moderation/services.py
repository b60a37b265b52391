"""Reports from users; moderators resolve them, hide content and ban accounts."""

from __future__ import annotations

from typing import Literal

from arq.connections import ArqRedis
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from blokhub.api.auth.services import revoke_sessions
from blokhub.api.errors import Conflict, Forbidden, NotFound, Unprocessable
from blokhub.api.pagination import clamp_limit, decode_cursor, encode_cursor
from blokhub.api.social import limits
from blokhub.api.social.schemas import ReportIn, ReportOut
from blokhub.api.users.schemas import UserRef
from blokhub.api.users.services import get_by_username
from blokhub.api.workflows.access import get_visible
from blokhub.db.base import utcnow
from blokhub.db.models import Comment, Report, Role, User
from blokhub.outbox import emit


def _out(report: Report, reporter: User | None) -> ReportOut:
    return ReportOut(
        id=report.id,
        target_type=report.target_type,
        target_id=report.target_id,
        reason=report.reason,
        status=report.status,
        reporter=UserRef(username=reporter.username, display_name=reporter.display_name) if reporter else None,
        resolution=report.resolution,
        created_at=report.created_at,
        resolved_at=report.resolved_at,
    )


async def _target_id(db: AsyncSession, user: User, data: ReportIn) -> int:
    """The reported object must exist and be visible to the reporter (else 404, like everywhere)."""
    if data.target_type == "user":
        if data.target_username:
            return (await get_by_username(db, data.target_username)).id
        target = await db.get(User, data.target_id) if data.target_id else None
        if target is None or target.banned_at is not None:
            raise NotFound("No such user.")
        return target.id
    if data.target_id is None:
        raise Unprocessable("target_id is required.", details=[{"pointer": "/target_id", "message": "required"}])
    if data.target_type == "workflow":
        return (await get_visible(db, user, data.target_id)).id
    comment = await db.get(Comment, data.target_id)
    if comment is None or comment.hidden_at is not None or comment.deleted_at is not None:
        raise NotFound(f"No comment {data.target_id}.")
    await get_visible(db, user, comment.workflow_id)
    return comment.id


async def report(db: AsyncSession, redis: ArqRedis, user: User, data: ReportIn) -> ReportOut:
    await limits.check(redis, "report", user.id)
    target_id = await _target_id(db, user, data)
    row = Report(
        reporter_id=user.id,
        target_type=data.target_type,
        target_id=target_id,
        reason=data.reason.strip(),
        status="open",
        created_at=utcnow(),
    )
    db.add(row)
    await db.flush()
    return _out(row, user)


async def list_reports(
    db: AsyncSession, status: str | None, cursor: str | None, limit: int | None
) -> tuple[list[ReportOut], str | None]:
    size = clamp_limit(limit)
    reporter = aliased(User)
    stmt = select(Report, reporter).outerjoin(reporter, reporter.id == Report.reporter_id)
    if status:
        stmt = stmt.where(Report.status == status)
    if (after := decode_cursor(cursor, int)) is not None:
        stmt = stmt.where(Report.id < after[0])
    rows = (await db.execute(stmt.order_by(Report.id.desc()).limit(size + 1))).all()
    items = [_out(r, u) for r, u in rows[:size]]
    return items, encode_cursor(items[-1].id) if len(rows) > size and items else None


async def set_workflow_hidden(db: AsyncSession, moderator: User, workflow_id: int, hidden: bool) -> None:
    workflow = await get_visible(db, moderator, workflow_id, lock=True)
    workflow.hidden_at = utcnow() if hidden else None  # profile and fork counters follow (database triggers)
    emit(db, "workflow.hidden" if hidden else "workflow.unhidden", "workflow", workflow.id, {"by": moderator.id})


async def set_comment_hidden(db: AsyncSession, moderator: User, comment_id: int, hidden: bool) -> None:
    comment = await db.get(Comment, comment_id, with_for_update=True)
    if comment is None:
        raise NotFound(f"No comment {comment_id}.")
    comment.hidden_at = utcnow() if hidden else None


async def ban(db: AsyncSession, redis: Redis, moderator: User, username: str) -> None:
    target = await get_by_username(db, username)
    if target.id == moderator.id:
        raise Unprocessable("You cannot ban yourself.", code="ban_self")
    if target.is_moderator and moderator.role != Role.ADMIN:
        raise Forbidden("Only an admin can ban a moderator.")
    target.banned_at = utcnow()
    # Every session ends now: the next request with any of their tokens is refused.
    await revoke_sessions(db, redis, target.id, reason="banned")
    emit(db, "user.banned", "user", target.id, {"by": moderator.id})


async def resolve(
    db: AsyncSession,
    redis: Redis,
    moderator: User,
    report_id: int,
    resolution: str,
    action: Literal["none", "hide", "ban"],
) -> ReportOut:
    row = await db.get(Report, report_id, with_for_update=True)
    if row is None:
        raise NotFound(f"No report {report_id}.")
    if row.status != "open":
        raise Conflict("This report is already resolved.", code="already_resolved")
    if action == "hide":
        if row.target_type == "workflow":
            await set_workflow_hidden(db, moderator, row.target_id, True)
        elif row.target_type == "comment":
            await set_comment_hidden(db, moderator, row.target_id, True)
        else:
            raise Unprocessable("Users are banned, not hidden: use action 'ban'.", code="invalid_action")
    elif action == "ban":
        if row.target_type != "user":
            raise Unprocessable("Only a reported user can be banned from a report.", code="invalid_action")
        target = await db.get(User, row.target_id)
        if target is None:
            raise NotFound("The reported user no longer exists.")
        await ban(db, redis, moderator, target.username)
    row.status, row.resolution, row.resolved_by, row.resolved_at = "resolved", resolution, moderator.id, utcnow()
    reporter = await db.get(User, row.reporter_id)
    return _out(row, reporter)
