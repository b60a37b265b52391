"""Outbox handlers for account events. Later features (feeds, search of users) hang their work here."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.models import OutboxEvent
from blokhub.outbox import handles

log = logging.getLogger(__name__)


@handles("user.registered", "user.updated", "user.password_changed")
async def log_account_events(ctx: dict[str, Any], session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    for event in events:
        log.info("account event %s for user %s", event.topic, event.aggregate_id)
