"""Writer side of the outbox."""

from __future__ import annotations

import logging
from typing import Any

from arq.connections import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.models import OutboxEvent
from blokhub.outbox.registry import MAIN, job_name, lanes_for

log = logging.getLogger(__name__)

_PENDING_FLAG = "outbox_pending"


def emit(
    session: AsyncSession, topic: str, aggregate_type: str, aggregate_id: int, payload: dict[str, Any] | None = None
) -> None:
    """Record an event in the current transaction; it becomes visible to the relay only if the transaction commits."""
    pending: set[str] = session.info.setdefault(_PENDING_FLAG, set())
    for lane in lanes_for(topic):
        session.add(
            OutboxEvent(
                topic=topic, aggregate_type=aggregate_type, aggregate_id=aggregate_id, payload=payload or {}, lane=lane
            )
        )
        pending.add(lane)


def has_pending(session: AsyncSession) -> set[str]:
    """The lanes the transaction that just committed emitted events for (empty when none; consumed once)."""
    lanes: set[str] = session.info.pop(_PENDING_FLAG, set())
    return lanes


async def kick(redis: ArqRedis, lanes: set[str] | None = None) -> None:
    """Ask the workers to relay now. Failure is harmless: the periodic re-drive picks the rows up later."""
    for lane in sorted(lanes or {MAIN}):
        try:
            await redis.enqueue_job(job_name(lane), _expires=60)
        except Exception as exc:  # Redis down: writes must not fail because of it
            log.warning("outbox kick failed (re-drive will catch up): %s", exc)
            return
