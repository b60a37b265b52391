"""Who may see and change a workflow. Invisible and missing answer the same 404."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from blokhub.api.errors import Forbidden, NotFound
from blokhub.db.models import User, Visibility, Workflow


def visible_to(viewer: User | None) -> ColumnElement[bool]:
    """SQL predicate: the workflows ``viewer`` may open (by id)."""
    alive = Workflow.deleted_at.is_(None)
    if viewer is not None and viewer.is_moderator:
        return alive
    shared = and_(
        Workflow.visibility.in_(Visibility.SHARED), Workflow.hidden_at.is_(None), Workflow.owner_banned_at.is_(None)
    )
    if viewer is None:
        return and_(alive, shared)
    return and_(alive, or_(shared, Workflow.owner_id == viewer.id))


def visible_sql(alias: str, *, moderator: str, viewer: str) -> str:
    """`visible_to` spelled for hand-written SQL; `moderator` and `viewer` are the placeholders of the viewer's
    is_moderator flag and id (false and NULL for anonymous). tests/api/test_visible_sql.py checks they agree."""
    p = f"{alias}."
    shared = ", ".join(f"'{v}'" for v in Visibility.SHARED)
    return (
        f"{p}deleted_at IS NULL AND ({moderator} OR {p}owner_id = {viewer} OR ({p}visibility IN ({shared})"
        f" AND {p}hidden_at IS NULL AND {p}owner_banned_at IS NULL))"
    )


def listed_for(viewer: User | None, owner: User | None = None) -> ColumnElement[bool]:
    """SQL predicate: the workflows that appear in lists. Only public ones, except in an owner's own list."""
    if owner is not None and viewer is not None and (viewer.id == owner.id or viewer.is_moderator):
        return and_(Workflow.deleted_at.is_(None), Workflow.owner_id == owner.id)
    return and_(Workflow.listed, Workflow.owner_id == owner.id) if owner is not None else and_(Workflow.listed, true())


async def get_visible(db: AsyncSession, viewer: User | None, workflow_id: int, *, lock: bool = False) -> Workflow:
    stmt = select(Workflow).options(joinedload(Workflow.owner)).where(Workflow.id == workflow_id, visible_to(viewer))
    if lock:
        stmt = stmt.with_for_update(of=Workflow)
    workflow = await db.scalar(stmt)
    if workflow is None:
        raise NotFound(f"No workflow {workflow_id}.")
    return workflow


async def get_editable(db: AsyncSession, user: User, workflow_id: int) -> Workflow:
    """Only the owner edits; others who can see it get 403, others who cannot get 404."""
    workflow = await get_visible(db, user, workflow_id, lock=True)
    if workflow.owner_id != user.id:
        raise Forbidden("Only the owner can change this workflow; fork it to make your own copy.")
    return workflow


async def get_deletable(db: AsyncSession, user: User, workflow_id: int) -> Workflow:
    workflow = await get_visible(db, user, workflow_id, lock=True)
    if workflow.owner_id != user.id and not user.is_moderator:
        raise Forbidden("Only the owner or a moderator can delete this workflow.")
    return workflow
