"""Writer side of the outbox."""

from __future__ import annotations

import logging
from typing import Any

from arq.connections import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.models import OutboxEvent

log = logging.getLogger(__name__)

_PENDING_FLAG = "outbox_pending"
PROCESS_JOB = "outbox.process"


def emit(
    session: AsyncSession, topic: str, aggregate_type: str, aggregate_id: int, payload: dict[str, Any] | None = None
) -> None:
    """Record an event in the current transaction; it becomes visible to the relay only if the transaction commits."""
    session.add(
        OutboxEvent(topic=topic, aggregate_type=aggregate_type, aggregate_id=aggregate_id, payload=payload or {})
    )
    session.info[_PENDING_FLAG] = True


def has_pending(session: AsyncSession) -> bool:
    """True (once) when the transaction that just committed emitted events."""
    return bool(session.info.pop(_PENDING_FLAG, False))


async def kick(redis: ArqRedis) -> None:
    """Ask a worker to relay now. Failure is harmless: the periodic re-drive picks the rows up later."""
    try:
        await redis.enqueue_job(PROCESS_JOB, _expires=60)
    except Exception as exc:  # Redis down: writes must not fail because of it
        log.warning("outbox kick failed (re-drive will catch up): %s", exc)
