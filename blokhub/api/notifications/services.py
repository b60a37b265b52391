"""Stored notifications, mutes, and the push after commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from arq.connections import ArqRedis
from sqlalchemy import Select, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from blokhub.api.notifications import grouping
from blokhub.api.notifications.hub import publish
from blokhub.api.notifications.schemas import NotificationOut, WorkflowRef
from blokhub.api.pagination import clamp_limit, decode_cursor, encode_cursor
from blokhub.api.users.schemas import UserRef
from blokhub.api.workflows.access import visible_to
from blokhub.db import after_commit
from blokhub.db.base import utcnow
from blokhub.db.models import Notification, NotificationMute, User, Workflow


async def notify(
    db: AsyncSession,
    redis: ArqRedis,
    *,
    user_id: int,
    kind: str,
    actor: User,
    workflow: Workflow | None = None,
    comment_id: int | None = None,
    data: dict[str, Any] | None = None,
    excerpt: str | None = None,
) -> None:
    """Store a notification for ``user_id`` (never for one's own action, never on a muted workflow), grouped with
    its unread siblings of the same kind on the same workflow, and push it to their sockets on every replica once
    the transaction commits."""
    if user_id == actor.id:
        return
    if workflow is not None and await db.get(NotificationMute, (user_id, workflow.id)) is not None:
        return
    note = await grouping.store(
        db,
        user_id=user_id,
        kind=kind,
        actor_id=actor.id,
        workflow_id=workflow.id if workflow else None,
        comment_id=comment_id,
        data=data or {},
        excerpt=excerpt,
    )
    # Only the id travels: each socket renders it when it is delivered, under its reader's visibility then.
    message = {"type": "notification", "id": note.id}

    async def push() -> None:
        await publish(redis, user_id, message)

    after_commit.after_commit(db, push)


async def unread_count(db: AsyncSession, user_id: int) -> int:
    return int(
        await db.scalar(select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None)))
        or 0
    )


def _rendered(reader: User) -> Select[Notification, str, str, str]:
    """Notifications as ``reader`` may see them now: the target workflow's current title only while the reader may
    open it (a workflow made private, hidden or deleted since shows as no workflow), the actor while not banned."""
    actor = aliased(User)
    return (
        select(Notification, actor.username, actor.display_name, Workflow.title)
        .outerjoin(actor, and_(actor.id == Notification.actor_id, actor.banned_at.is_(None)))
        .outerjoin(Workflow, and_(Workflow.id == Notification.workflow_id, visible_to(reader)))
        .where(Notification.user_id == reader.id)
    )


def _out(row: Any) -> NotificationOut:
    n, uname, dname, title = row
    return NotificationOut(
        id=n.id,
        kind=n.kind,
        actor=UserRef(username=uname, display_name=dname) if uname else None,
        workflow=WorkflowRef(id=n.workflow_id, title=title) if title is not None and n.workflow_id else None,
        comment_id=n.comment_id,
        data=n.data,
        created_at=n.created_at,
        read_at=n.read_at,
        count=n.count,
        excerpt=n.excerpt,
    )


async def render(db: AsyncSession, reader: User, notification_id: int) -> dict[str, Any] | None:
    """One notification as its reader may see it now (what a socket sends), or None when it is not theirs."""
    row = (await db.execute(_rendered(reader).where(Notification.id == notification_id))).first()
    return None if row is None else {"type": "notification", "notification": msgspec.to_builtins(_out(row))}


async def list_notifications(
    db: AsyncSession, user: User, *, unread: bool, cursor: str | None, limit: int | None
) -> tuple[list[NotificationOut], str | None]:
    """Newest event first: a group that grew rises to the top under the id it was first given."""
    size = clamp_limit(limit)
    stmt = _rendered(user).order_by(Notification.created_at.desc(), Notification.id.desc()).limit(size + 1)
    if unread:
        stmt = stmt.where(Notification.read_at.is_(None))
    if (after := decode_cursor(cursor, datetime, int)) is not None:
        stmt = stmt.where(
            or_(
                Notification.created_at < after[0],
                and_(Notification.created_at == after[0], Notification.id < after[1]),
            )
        )
    rows = (await db.execute(stmt)).all()
    items = [_out(row) for row in rows[:size]]
    return items, encode_cursor(items[-1].created_at, items[-1].id) if len(rows) > size and items else None


async def mark_read(db: AsyncSession, user: User, ids: list[int] | None) -> int:
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    result = await db.execute(stmt.values(read_at=utcnow()))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def set_mute(db: AsyncSession, user: User, workflow_id: int, muted: bool) -> None:
    from sqlalchemy.dialects.postgresql import insert

    if muted:
        await db.execute(
            insert(NotificationMute).values(user_id=user.id, workflow_id=workflow_id).on_conflict_do_nothing()
        )
    else:
        await db.execute(
            delete(NotificationMute).where(
                NotificationMute.user_id == user.id, NotificationMute.workflow_id == workflow_id
            )
        )
