"""Topic → handler registry. Feature packages register handlers at import time with :func:`handles`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.models import OutboxEvent

# A handler gets the job context, the relay's session (same transaction that marks the events processed) and every
# event of its topics from the batch, so it can reload rows and write indexes in bulk.
Handler = Callable[[dict[str, Any], AsyncSession, Sequence[OutboxEvent]], Awaitable[None]]

# A lane is an independent consumer with its own copy of each event and its own arq job, so a slow consumer
# (embedding vectors) never delays a fast one (the keyword index, feeds). Every event has a row in MAIN.
MAIN = "main"
_HANDLERS: dict[tuple[str, str], list[Handler]] = {}


def handles(*topics: str, lane: str = MAIN) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for topic in topics:
            _HANDLERS.setdefault((lane, topic), []).append(fn)
        return fn

    return register


def handlers_for(topic: str, lane: str = MAIN) -> list[Handler]:
    return _HANDLERS.get((lane, topic), [])


def lanes_for(topic: str) -> list[str]:
    return [MAIN, *sorted({lane for lane, t in _HANDLERS if t == topic and lane != MAIN})]


def lanes() -> list[str]:
    return [MAIN, *sorted({lane for lane, _ in _HANDLERS if lane != MAIN})]


def job_name(lane: str) -> str:
    return "outbox.process" if lane == MAIN else f"{lane}.process"


def unregister(fn: Handler) -> None:
    for handlers in _HANDLERS.values():
        if fn in handlers:
            handlers.remove(fn)
