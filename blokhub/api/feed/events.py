"""Outbox → activities. Idempotent: each event records at most one activity (unique source_event_id)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.models import Activity, OutboxEvent, Workflow


def _activity(event: OutboxEvent, owners: dict[int, int]) -> dict[str, Any] | None:
    p = event.payload
    if event.topic == "workflow.created":
        if p.get("fork"):  # a fork is told once, as "forked"
            return None
        actor, verb, data = owners.get(event.aggregate_id), "published", {}
    elif event.topic == "workflow.updated" and p.get("new_version"):
        actor, verb, data = owners.get(event.aggregate_id), "updated", {"version": p.get("version")}
    elif event.topic == "workflow.forked":
        actor, verb, data = owners.get(event.aggregate_id), "forked", {"original_id": p.get("original_id")}
    elif event.topic == "review.saved" and p.get("first"):
        actor, verb, data = p.get("actor_id"), "reviewed", {"stars": p.get("stars")}
    elif event.topic == "comment.created":
        actor, verb, data = p.get("actor_id"), "commented", {"comment_id": event.aggregate_id}
    elif event.topic == "favorite.created":
        actor, verb, data = p.get("actor_id"), "favorited", {}
    else:
        return None
    workflow_id = p.get("workflow_id", event.aggregate_id) if event.aggregate_type == "comment" else event.aggregate_id
    if actor is None:
        return None
    return {
        "actor_id": actor,
        "verb": verb,
        "workflow_id": workflow_id,
        "data": data,
        "source_event_id": event.id,
        "created_at": event.created_at,
    }


async def record_activities(session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    workflow_ids = {e.aggregate_id for e in events if e.aggregate_type == "workflow"}
    owners = (
        dict((await session.execute(select(Workflow.id, Workflow.owner_id).where(Workflow.id.in_(workflow_ids)))).all())
        if workflow_ids
        else {}
    )
    rows = [row for e in events if (row := _activity(e, owners)) is not None]
    if rows:
        await session.execute(insert(Activity).values(rows).on_conflict_do_nothing(index_elements=["source_event_id"]))
