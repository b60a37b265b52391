"""Outbox consumer that keeps the search index in step with PostgreSQL.

At-least-once and idempotent: it never trusts event payloads, it reloads the current rows and upserts or deletes
accordingly, so replays, reordering and duplicates all converge on what PostgreSQL says. An engine error raises,
which leaves the events pending for the relay's back-off retries and the periodic re-drive.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.models import OutboxEvent
from blokhub.indexers import builder
from blokhub.indexers.search import SearchEngine

log = logging.getLogger(__name__)

WORKFLOW_TOPICS = (
    "workflow.created",
    "workflow.updated",
    "workflow.deleted",
    "workflow.visibility_changed",
    "workflow.forked",
    "workflow.hidden",
    "workflow.unhidden",
    "workflow.owner_banned",  # the owner's ban: every surface drops the workflow
    "workflow.owner_unbanned",
)
# Engagement changes the sort keys (favorites, rating, popularity), so the document is refreshed too; a ban or unban
# takes a user's engagement out of (or back into) the numbers of the workflows they engaged with.
STATS_TOPICS = ("favorite.created", "review.saved", "comment.created", "workflow.stats_changed")
# The topics after which a workflow may be newly public (saved searches are matched against these).
NEW_PUBLIC_TOPICS = ("workflow.created", "workflow.visibility_changed", "workflow.unhidden")


def _workflow_id(event: OutboxEvent) -> int | None:
    if event.aggregate_type == "workflow":
        return event.aggregate_id
    value = event.payload.get("workflow_id")
    return int(value) if value is not None else None


async def index_workflows(engine: SearchEngine, session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    ids = sorted({wid for e in events if (wid := _workflow_id(e)) is not None})
    if not ids:
        return
    docs, gone = await builder.load(session, ids)
    if docs:
        await engine.upsert(docs)
    if gone:
        await engine.delete(gone)
