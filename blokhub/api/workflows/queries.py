"""Read side: lists with keyset pagination, history, diffs, forks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub import blok
from blokhub.api.errors import NotFound, Unprocessable
from blokhub.api.pagination import clamp_limit, decode_cursor, encode_cursor
from blokhub.api.textforms import fold
from blokhub.api.users.services import get_by_username
from blokhub.api.workflows.access import listed_for
from blokhub.api.workflows.presenters import SUMMARY_LOAD
from blokhub.db.models import User, Workflow, WorkflowVersion


def _after(cursor: str | None) -> ColumnElement[bool] | None:
    decoded = decode_cursor(cursor, datetime, int)
    if decoded is None:
        return None
    created, wid = decoded
    return or_(Workflow.created_at < created, and_(Workflow.created_at == created, Workflow.id < wid))


async def _page(
    db: AsyncSession, where: list[ColumnElement[bool]], cursor: str | None, limit: int | None
) -> tuple[list[Workflow], str | None]:
    size = clamp_limit(limit)
    after = _after(cursor)
    stmt = (
        select(Workflow)
        .options(*SUMMARY_LOAD)
        .where(*where, *([after] if after is not None else []))
        .order_by(Workflow.created_at.desc(), Workflow.id.desc())
        .limit(size + 1)
    )
    rows = list((await db.scalars(stmt)).all())
    more = len(rows) > size
    rows = rows[:size]
    return rows, encode_cursor(rows[-1].created_at, rows[-1].id) if more and rows else None


async def list_workflows(
    db: AsyncSession,
    viewer: User | None,
    *,
    owner: str | None,
    tag: str | None,
    visibility: str | None,
    cursor: str | None,
    limit: int | None,
) -> tuple[list[Workflow], str | None]:
    owner_user = await get_by_username(db, owner) if owner else None
    where = [listed_for(viewer, owner_user)]
    if visibility is not None:
        if owner_user is None or viewer is None or viewer.id != owner_user.id:
            raise Unprocessable(
                "Filtering by visibility is only for your own workflows (add owner=<you>).",
                code="visibility_filter_own_only",
                details=[{"pointer": "/visibility", "message": ""}],
            )
        where.append(Workflow.visibility == visibility)
    if tag:
        where.append(Workflow.tags.contains(["-".join(fold(tag).split())]))
    return await _page(db, where, cursor, limit)


async def list_forks(
    db: AsyncSession, viewer: User | None, original: Workflow, cursor: str | None, limit: int | None
) -> tuple[list[Workflow], str | None]:
    return await _page(db, [listed_for(viewer), Workflow.forked_from_id == original.id], cursor, limit)


async def versions(
    db: AsyncSession, workflow: Workflow, cursor: str | None, limit: int | None
) -> tuple[list[WorkflowVersion], str | None]:
    size = clamp_limit(limit)
    decoded = decode_cursor(cursor, int)
    stmt = select(WorkflowVersion).where(WorkflowVersion.workflow_id == workflow.id)
    if decoded is not None:
        stmt = stmt.where(WorkflowVersion.version < decoded[0])
    rows = list((await db.scalars(stmt.order_by(WorkflowVersion.version.desc()).limit(size + 1))).all())
    more = len(rows) > size
    rows = rows[:size]
    return rows, encode_cursor(rows[-1].version) if more and rows else None


async def version(db: AsyncSession, workflow: Workflow, number: int) -> WorkflowVersion:
    row = await db.get(WorkflowVersion, (workflow.id, number))
    if row is None:
        raise NotFound(f"Workflow {workflow.id} has no version {number} (latest is {workflow.version}).")
    return row


async def diff(db: AsyncSession, workflow: Workflow, from_version: int, to_version: int) -> list[blok.Change]:
    old = await version(db, workflow, from_version)
    new = await version(db, workflow, to_version)
    return blok.diff(old.definition, new.definition)
