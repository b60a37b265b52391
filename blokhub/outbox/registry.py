"""Topic → handler registry. Feature packages register handlers at import time with :func:`handles`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.models import OutboxEvent

# A handler gets the job context, the relay's session (same transaction that marks the events processed) and every
# event of its topics from the batch, so it can reload rows and write indexes in bulk.
Handler = Callable[[dict[str, Any], AsyncSession, Sequence[OutboxEvent]], Awaitable[None]]

_HANDLERS: dict[str, list[Handler]] = {}


def handles(*topics: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for topic in topics:
            _HANDLERS.setdefault(topic, []).append(fn)
        return fn

    return register


def handlers_for(topic: str) -> list[Handler]:
    return _HANDLERS.get(topic, [])


def unregister(fn: Handler) -> None:
    for handlers in _HANDLERS.values():
        if fn in handlers:
            handlers.remove(fn)
