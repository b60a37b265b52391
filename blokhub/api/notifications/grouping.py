"""Storing a notification grouped by target and kind: while unread, every event of one kind on one workflow for
one user is one row with a count and the latest event's actor, comment and excerpt (28 comments: one notification
"28 comments", not 28). The group keeps the id of its first notification (marking that id read works however many
events joined since); its time moves to the latest event's, so it rises to the top of the list, which is ordered by
time. The unique partial index settles concurrent events of the same group. Rendering stays where notifications are
read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.base import utcnow
from blokhub.db.models import Notification
from blokhub.db.models.notification import GROUPED

EXCERPT_CHARS = 140


def excerpt_of(text_value: str | None) -> str | None:
    words = " ".join((text_value or "").split())
    if not words:
        return None
    return words if len(words) <= EXCERPT_CHARS else words[: EXCERPT_CHARS - 1].rstrip() + "…"


async def store(
    db: AsyncSession,
    *,
    user_id: int,
    kind: str,
    actor_id: int,
    workflow_id: int | None,
    comment_id: int | None,
    data: dict[str, Any],
    excerpt: str | None,
) -> Notification:
    values: dict[str, Any] = {
        "user_id": user_id,
        "kind": kind,
        "actor_id": actor_id,
        "workflow_id": workflow_id,
        "comment_id": comment_id,
        "data": data,
        "excerpt": excerpt_of(excerpt),
        "created_at": utcnow(),
        "count": 1,
    }
    stmt = insert(Notification).values(**values)
    if workflow_id is not None:
        excluded = stmt.excluded
        stmt = stmt.on_conflict_do_update(
            index_elements=["user_id", "kind", "workflow_id"],
            index_where=text(GROUPED),
            set_={
                "count": Notification.count + excluded.count,
                "actor_id": excluded.actor_id,
                "comment_id": excluded.comment_id,
                "data": excluded.data,
                "excerpt": excluded.excerpt,
                "created_at": excluded.created_at,
            },
        )
    note: Notification = (
        await db.scalars(stmt.returning(Notification).execution_options(populate_existing=True))
    ).one()
    return note
