"""The outbox consumer table: every topic, the lane that carries it and the handler that consumes it, declared here.

Entry points install it at start (``install(CONSUMERS)``); ``emit`` learns a topic's lanes from it, and a process
that never installed it raises at its first emit or relay instead of silently writing no rows for a lane. Each row
adapts the job context to the narrow dependencies its handler takes.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.auth.events import log_account_events
from blokhub.api.feed.events import record_activities
from blokhub.api.search.saved_matching import match_saved_searches
from blokhub.db.models import OutboxEvent
from blokhub.indexers.sync import NEW_PUBLIC_TOPICS, STATS_TOPICS, WORKFLOW_TOPICS, index_workflows
from blokhub.indexers.vector_sync import embed_workflows
from blokhub.outbox.registry import MAIN, Consumer
from blokhub.runtime.context import JobContext

ACCOUNT_TOPICS = ("user.registered", "user.updated", "user.password_changed")
ACTIVITY_TOPICS = (
    "workflow.created",
    "workflow.updated",
    "workflow.forked",
    "review.saved",
    "comment.created",
    "favorite.created",
)
VECTORS = "vectors"  # embeddings: slow, so never ahead of the keyword index and feeds
SAVED_SEARCHES = "saved_searches"  # notifications: a failing index never re-sends them


async def _accounts(ctx: JobContext, session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    await log_account_events(session, events)


async def _activities(ctx: JobContext, session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    await record_activities(session, events)


async def _search_index(ctx: JobContext, session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    await index_workflows(ctx["resources"].search, session, events)


async def _vectors(ctx: JobContext, session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    res = ctx["resources"]
    await embed_workflows(res.vectors, res.embedder, res.sessionmaker, session, events)


async def _saved_searches(ctx: JobContext, session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    res = ctx["resources"]
    await match_saved_searches(res.search, res.redis, session, events)


CONSUMERS: tuple[Consumer, ...] = (
    Consumer(ACCOUNT_TOPICS, _accounts, MAIN),
    Consumer(ACTIVITY_TOPICS, _activities, MAIN),
    Consumer((*WORKFLOW_TOPICS, *STATS_TOPICS), _search_index, MAIN),
    Consumer(WORKFLOW_TOPICS, _vectors, VECTORS),
    Consumer(NEW_PUBLIC_TOPICS, _saved_searches, SAVED_SEARCHES),
)
