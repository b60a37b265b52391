"""Outbox consumer that keeps the search index in step with PostgreSQL.

At-least-once and idempotent: it never trusts event payloads, it reloads the current rows and upserts or deletes
accordingly, so replays, reordering and duplicates all converge on what PostgreSQL says. An engine error raises,
which leaves the events pending for the relay's back-off retries and the periodic re-drive.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.models import OutboxEvent
from blokhub.indexers import builder
from blokhub.outbox import handles

log = logging.getLogger(__name__)

WORKFLOW_TOPICS = (
    "workflow.created",
    "workflow.updated",
    "workflow.deleted",
    "workflow.visibility_changed",
    "workflow.forked",
    "workflow.hidden",
    "workflow.unhidden",
)
# Engagement changes the sort keys (favorites, rating, popularity), so the document is refreshed too.
STATS_TOPICS = ("favorite.created", "review.saved", "comment.created")


def _workflow_id(event: OutboxEvent) -> int | None:
    if event.aggregate_type == "workflow":
        return event.aggregate_id
    value = event.payload.get("workflow_id")
    return int(value) if value is not None else None


@handles(*WORKFLOW_TOPICS, *STATS_TOPICS)
async def index_workflows(ctx: dict[str, Any], session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    ids = sorted({wid for e in events if (wid := _workflow_id(e)) is not None})
    if not ids:
        return
    engine = ctx["resources"].search
    docs, gone = await builder.load(session, ids)
    if docs:
        await engine.upsert(docs)
    if gone:
        await engine.delete(gone)
    new_public = {
        e.aggregate_id
        for e in events
        if e.topic in ("workflow.created", "workflow.visibility_changed", "workflow.unhidden")
    }
    fresh = [d for d in docs if d.id in new_public]
    if fresh:
        from blokhub.api.search.saved import notify_matches

        await notify_matches(ctx, session, fresh)
