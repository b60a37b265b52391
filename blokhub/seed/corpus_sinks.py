"""Destinations for generated workflows (``data/sinks.json``): chat, e-mail, SMS, databases, storage, spreadsheets,
CRMs, trackers, incident tools and analytics.

Each sink's builder (in ``sinks_messages``, ``sinks_data``, ``sinks_work``) adds one step to the workflow being
assembled (`Ctx`) and records, in words, what it did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from blokhub.seed import sinks_data, sinks_messages, sinks_work
from blokhub.seed.corpus_build import Ctx, Step
from blokhub.seed.tables import load


@dataclass(frozen=True, slots=True)
class Sink:
    key: str
    name: str  # as written in titles: "Slack", "Postgres"
    cat: str  # chat | email | sms | db | storage | sheet | crm | tracker | incident | analytics
    tags: tuple[str, ...]
    build: Callable[[Ctx], Step]
    needs_email: bool = False


_BUILDERS = {**sinks_messages.BUILDERS, **sinks_data.BUILDERS, **sinks_work.BUILDERS}
SINKS: tuple[Sink, ...] = tuple(
    Sink(s["key"], s["name"], s["cat"], s["tags"], _BUILDERS[s["key"]], s.get("needs_email", False))
    for s in load("sinks")["sinks"]
)
