"""Outbox handlers for account events. Later features (feeds, search of users) hang their work here."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.models import OutboxEvent

log = logging.getLogger(__name__)


async def log_account_events(session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    for event in events:
        log.info("account event %s for user %s", event.topic, event.aggregate_id)
