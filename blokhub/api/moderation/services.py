"""Reports from users; moderators resolve them, hide content and ban accounts."""

from __future__ import annotations

from typing import Literal

from arq.connections import ArqRedis
from redis.asyncio import Redis
from sqlalchemy import select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from blokhub.api.errors import Conflict, NotFound, Unprocessable
from blokhub.api.moderation import accounts
from blokhub.api.notifications.services import notify
from blokhub.api.pagination import clamp_limit, decode_cursor, encode_cursor
from blokhub.api.social import limits
from blokhub.api.social.schemas import ReportIn, ReportOut
from blokhub.api.users.schemas import UserRef
from blokhub.api.users.services import get_by_username
from blokhub.api.workflows.access import get_visible
from blokhub.db.base import utcnow
from blokhub.db.models import Comment, Report, User
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


async def report(db: AsyncSession, redis: ArqRedis, user: User, data: ReportIn) -> tuple[ReportOut, bool]:
    """(the report, whether it is new). One open report per target and reporter: reporting again while one is open
    answers that one (the unique partial index settles concurrent reports)."""
    await limits.check(redis, "report", user.id)
    target_id = await _target_id(db, user, data)
    inserted = await db.scalar(
        insert(Report)
        .values(
            reporter_id=user.id,
            target_type=data.target_type,
            target_id=target_id,
            reason=data.reason.strip(),
            status="open",
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(
            index_elements=["target_type", "target_id", "reporter_id"], index_where=text("status = 'open'")
        )
        .returning(Report.id)
    )
    row = await db.scalar(
        select(Report).where(
            Report.target_type == data.target_type,
            Report.target_id == target_id,
            Report.reporter_id == user.id,
            Report.status == "open",
        )
    )
    assert row is not None
    return _out(row, user), inserted is not None


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


async def set_workflow_hidden(
    db: AsyncSession, redis: ArqRedis, moderator: User, workflow_id: int, hidden: bool, reason: str | None = None
) -> None:
    """Hide (or restore) a workflow; its owner sees the state and reason as `moderation` and is notified."""
    workflow = await get_visible(db, moderator, workflow_id, lock=True)
    if (workflow.hidden_at is not None) == hidden:
        return  # already so: no second notification
    workflow.hidden_at = utcnow() if hidden else None  # profile and fork counters follow (database triggers)
    workflow.hidden_reason = (reason or "").strip() or None if hidden else None
    emit(db, "workflow.hidden" if hidden else "workflow.unhidden", "workflow", workflow.id, {"by": moderator.id})
    await notify(
        db,
        redis,
        user_id=workflow.owner_id,
        kind="workflow_hidden" if hidden else "workflow_restored",
        actor=moderator,
        workflow=workflow,
        data={"reason": workflow.hidden_reason} if hidden else {},
    )
    if hidden:
        await resolve_open_reports(db, moderator, "workflow", workflow.id, "hidden")


async def resolve_open_reports(db: AsyncSession, moderator: User, target_type: str, target_id: int, how: str) -> None:
    """Acting on a target settles every open report about it."""
    await db.execute(
        update(Report)
        .where(Report.target_type == target_type, Report.target_id == target_id, Report.status == "open")
        .values(status="resolved", resolution=how, resolved_by=moderator.id, resolved_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def set_comment_hidden(db: AsyncSession, moderator: User, comment_id: int, hidden: bool) -> None:
    comment = await db.get(Comment, comment_id, with_for_update=True)
    if comment is None:
        raise NotFound(f"No comment {comment_id}.")
    comment.hidden_at = utcnow() if hidden else None
    if hidden:
        await resolve_open_reports(db, moderator, "comment", comment.id, "hidden")


async def ban(db: AsyncSession, redis: Redis, moderator: User, username: str) -> None:
    target = await accounts.ban(db, redis, moderator, username)
    await resolve_open_reports(db, moderator, "user", target.id, "banned")


async def resolve(
    db: AsyncSession,
    redis: ArqRedis,
    moderator: User,
    report_id: int,
    resolution: str,
    action: Literal["none", "hide", "ban"],
) -> ReportOut:
    """Resolve a report and every other open report about the same target."""
    row = await db.get(Report, report_id, with_for_update=True)
    if row is None:
        raise NotFound(f"No report {report_id}.")
    if row.status != "open":
        raise Conflict("This report is already resolved.", code="already_resolved")
    if action == "hide":
        if row.target_type == "workflow":
            await set_workflow_hidden(db, redis, moderator, row.target_id, True, resolution)
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
    await resolve_open_reports(db, moderator, row.target_type, row.target_id, resolution)
    row.status, row.resolution, row.resolved_by, row.resolved_at = "resolved", resolution, moderator.id, utcnow()
    reporter = await db.get(User, row.reporter_id)
    return _out(row, reporter)
