"""Threaded comments on workflows."""

from __future__ import annotations

from datetime import datetime

from arq.connections import ArqRedis
from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from blokhub.api.errors import Conflict, Forbidden, NotFound, Unprocessable
from blokhub.api.notifications.services import notify
from blokhub.api.pagination import clamp_limit, decode_cursor, encode_cursor
from blokhub.api.social import limits
from blokhub.api.social.schemas import CommentIn, CommentOut
from blokhub.api.users.schemas import UserRef
from blokhub.api.workflows.access import get_visible
from blokhub.db.base import utcnow
from blokhub.db.models import DELETED_BODY, Comment, User
from blokhub.outbox import emit

HIDDEN_BODY = "[removed by a moderator]"


def _out(c: Comment, viewer: User | None) -> CommentOut:
    hidden = c.hidden_at is not None and not (viewer is not None and viewer.is_moderator)
    gone = c.deleted_at is not None or hidden
    return CommentOut(
        id=c.id,
        workflow_id=c.workflow_id,
        parent_id=c.parent_id,
        author=None if gone else UserRef(username=c.author.username, display_name=c.author.display_name),
        body=(HIDDEN_BODY if hidden else DELETED_BODY) if gone else c.body,
        created_at=c.created_at,
        edited_at=c.edited_at,
        deleted=gone,
    )


async def create(db: AsyncSession, redis: ArqRedis, user: User, workflow_id: int, data: CommentIn) -> CommentOut:
    workflow = await get_visible(db, user, workflow_id)
    await limits.check(redis, "comment", user.id)
    parent = None
    if data.parent_id is not None:
        parent = await db.scalar(
            select(Comment).options(joinedload(Comment.author)).where(Comment.id == data.parent_id)
        )
        if parent is None or parent.workflow_id != workflow.id or parent.hidden_at is not None:
            raise Unprocessable(
                "parent_id must be a comment on the same workflow.",
                code="invalid_parent",
                details=[{"pointer": "/parent_id", "message": "not a comment of this workflow"}],
            )
    comment = Comment(
        workflow_id=workflow.id,
        author_id=user.id,
        author=user,
        parent_id=data.parent_id,
        body=data.body,
        created_at=utcnow(),
    )
    db.add(comment)
    await db.flush()
    notified: set[int] = set()
    if parent is not None and parent.deleted_at is None:
        await notify(
            db,
            redis,
            user_id=parent.author_id,
            kind="comment_reply",
            actor=user,
            workflow=workflow,
            comment_id=comment.id,
            data={"parent_id": parent.id},
        )
        notified.add(parent.author_id)
    if workflow.owner_id not in notified:
        await notify(
            db,
            redis,
            user_id=workflow.owner_id,
            kind="workflow_comment",
            actor=user,
            workflow=workflow,
            comment_id=comment.id,
        )
    emit(db, "comment.created", "comment", comment.id, {"workflow_id": workflow.id, "actor_id": user.id})
    return _out(comment, user)


async def _get_for_change(db: AsyncSession, user: User, comment_id: int) -> Comment:
    comment = await db.scalar(
        select(Comment).options(joinedload(Comment.author)).where(Comment.id == comment_id).with_for_update(of=Comment)
    )
    if comment is None or (comment.hidden_at is not None and not user.is_moderator):
        raise NotFound(f"No comment {comment_id}.")
    await get_visible(db, user, comment.workflow_id)  # comments of workflows you cannot see do not exist for you
    return comment


async def edit(db: AsyncSession, user: User, comment_id: int, body: str) -> CommentOut:
    comment = await _get_for_change(db, user, comment_id)
    if comment.author_id != user.id:
        raise Forbidden("Only the author can edit a comment.")
    if comment.deleted_at is not None:
        raise Conflict("A deleted comment cannot be edited.", code="comment_deleted")
    comment.body, comment.edited_at = body, utcnow()
    await db.flush()
    return _out(comment, user)


async def remove(db: AsyncSession, user: User, comment_id: int) -> None:
    comment = await _get_for_change(db, user, comment_id)
    if comment.author_id != user.id and not user.is_moderator:
        raise Forbidden("Only the author or a moderator can delete a comment.")
    if comment.deleted_at is not None:
        return
    # The node stays so its replies keep their place in the thread; only its content goes.
    comment.deleted_at, comment.body = utcnow(), DELETED_BODY
    await db.flush()


async def thread(
    db: AsyncSession, viewer: User | None, workflow_id: int, cursor: str | None, limit: int | None
) -> tuple[list[CommentOut], str | None, int]:
    """Top-level comments oldest first (keyset), each with its whole reply tree nested."""
    workflow = await get_visible(db, viewer, workflow_id)
    size = clamp_limit(limit)
    after = decode_cursor(cursor, datetime, int)
    top = (
        select(Comment)
        .options(joinedload(Comment.author))
        .where(Comment.workflow_id == workflow.id, Comment.parent_id.is_(None))
    )
    if after is not None:
        top = top.where(or_(Comment.created_at > after[0], and_(Comment.created_at == after[0], Comment.id > after[1])))
    roots = list((await db.scalars(top.order_by(Comment.created_at, Comment.id).limit(size + 1))).all())
    more = len(roots) > size
    roots = roots[:size]
    total = int(await db.scalar(select(func.count()).where(Comment.workflow_id == workflow.id)) or 0)
    if not roots:
        return [], None, total
    # Every descendant of this page's roots in one recursive query.
    tree = select(Comment.id).where(Comment.parent_id.in_([r.id for r in roots])).cte("tree", recursive=True)
    tree = tree.union_all(select(Comment.id).where(Comment.parent_id == tree.c.id))
    replies = list(
        (
            await db.scalars(
                select(Comment)
                .options(joinedload(Comment.author))
                .where(Comment.id.in_(select(tree.c.id)))
                .order_by(Comment.created_at, Comment.id)
            )
        ).all()
    )
    nodes = {c.id: _out(c, viewer) for c in [*roots, *replies]}
    for c in replies:
        nodes[c.parent_id].replies.append(nodes[c.id])  # type: ignore[index]
    items = [nodes[r.id] for r in roots]
    return items, encode_cursor(roots[-1].created_at, roots[-1].id) if more else None, total
