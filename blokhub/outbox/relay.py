"""Worker side of the outbox: lock a batch of pending rows, run their handlers, mark them processed."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from blokhub.db.base import utcnow
from blokhub.db.models import OutboxEvent
from blokhub.db.session import session_scope
from blokhub.outbox.registry import MAIN, Handler, installed
from blokhub.runtime.context import JobContext

log = logging.getLogger(__name__)

BATCH_SIZE = 200
MAX_BACKOFF = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """Exponential back-off for a failing event: 2 s, 4 s, 8 s ... capped at an hour; never given up on."""
    return min(timedelta(seconds=2**attempts), MAX_BACKOFF)


async def process_batch(ctx: JobContext, session: AsyncSession, limit: int = BATCH_SIZE, lane: str = MAIN) -> int:
    """Relay one batch of ``lane`` inside the caller's transaction. Returns how many events were taken."""
    now = utcnow()
    events = list(
        (
            await session.scalars(
                select(OutboxEvent)
                .where(OutboxEvent.lane == lane, OutboxEvent.processed_at.is_(None), OutboxEvent.available_at <= now)
                .order_by(OutboxEvent.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
    )
    if not events:
        return 0
    registry = installed()
    by_handler: dict[Handler, list[OutboxEvent]] = defaultdict(list)
    for event in events:
        for handler in registry.handlers_for(event.topic, lane):
            by_handler[handler].append(event)
    failed: dict[int, str] = {}
    for handler, handled in by_handler.items():
        try:
            # A savepoint per handler: one failing consumer must not undo what the others wrote.
            async with session.begin_nested():
                await handler(ctx, session, handled)
        except Exception as exc:
            log.exception("outbox handler %s failed on %d events", handler.__qualname__, len(handled))
            for event in handled:
                failed[event.id] = f"{handler.__qualname__}: {exc!r}"[:2000]
    for event in events:
        event.attempts += 1
        if event.id in failed:
            event.last_error = failed[event.id]
            event.available_at = now + backoff(event.attempts)
        else:
            event.processed_at = now
    return len(events)


async def process_pending(ctx: JobContext, max_batches: int = 1000, lane: str = MAIN) -> int:
    """Relay ``lane`` until nothing is pending (or ``max_batches``). One transaction per batch."""
    sessionmaker: async_sessionmaker[AsyncSession] = ctx["resources"].sessionmaker  # the writer's pool
    total = 0
    for _ in range(max_batches):
        async with session_scope(sessionmaker) as session:
            taken = await process_batch(ctx, session, lane=lane)
        total += taken
        if taken == 0:
            break
    return total
