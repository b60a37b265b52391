"""Topic → lane → handler routing, built from the consumer table the wiring layer installs at start.

The table (``blokhub.wiring.consumers.CONSUMERS``) is data: every consumer is declared there, none is discovered by
import side effects. ``emit`` asks the installed registry which lanes a topic has, so a process that forgot to install
it raises at its first write instead of silently writing no rows for a lane (vectors, saved searches).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.models import OutboxEvent
from blokhub.runtime.context import JobContext

# A handler gets the job context, the relay's session (same transaction that marks the events processed) and every
# event of its topics from the batch, so it can reload rows and write indexes in bulk.
Handler = Callable[[JobContext, AsyncSession, Sequence[OutboxEvent]], Awaitable[None]]

# A lane is an independent consumer with its own copy of each event and its own arq job, so a slow consumer
# (embedding vectors) never delays a fast one (the keyword index, feeds). Every event has a row in MAIN.
MAIN = "main"


@dataclass(frozen=True)
class Consumer:
    """One row of the consumer table: ``handler`` receives the events of ``topics`` in ``lane``."""

    topics: tuple[str, ...]
    handler: Handler
    lane: str = MAIN


class RegistryNotInstalled(RuntimeError):
    """Raised when the outbox is used before the wiring layer installed the consumer table."""


class Registry:
    def __init__(self, consumers: Iterable[Consumer]) -> None:
        self._handlers: dict[tuple[str, str], list[Handler]] = {}
        for consumer in consumers:
            self.add(consumer)

    def add(self, consumer: Consumer) -> None:
        for topic in consumer.topics:
            self._handlers.setdefault((consumer.lane, topic), []).append(consumer.handler)

    def remove(self, handler: Handler) -> None:
        for handlers in self._handlers.values():
            if handler in handlers:
                handlers.remove(handler)

    def handlers_for(self, topic: str, lane: str = MAIN) -> list[Handler]:
        return self._handlers.get((lane, topic), [])

    def lanes_for(self, topic: str) -> list[str]:
        return [MAIN, *sorted({lane for lane, t in self._handlers if t == topic and lane != MAIN})]

    def lanes(self) -> list[str]:
        return [MAIN, *sorted({lane for lane, _ in self._handlers if lane != MAIN})]


_installed: tuple[Sequence[Consumer], Registry] | None = None


def install(table: Sequence[Consumer]) -> Registry:
    """Build the registry from ``table`` and make it the process's. Installing the same table again keeps the
    registry (the API and its in-process worker both install it)."""
    global _installed
    if _installed is None or _installed[0] is not table:
        _installed = (table, Registry(table))
    return _installed[1]


def installed() -> Registry:
    if _installed is None:
        raise RegistryNotInstalled(
            "no outbox consumer table installed: call blokhub.outbox.registry.install(CONSUMERS) at start"
        )
    return _installed[1]


def lanes_for(topic: str) -> list[str]:
    return installed().lanes_for(topic)


def job_name(lane: str) -> str:
    return "outbox.process" if lane == MAIN else f"{lane}.process"
