"""The catalogue of SaaS services Blok Hub knows: names, how a prompt mentions them, roles, API hosts, event records.

The data lives in ``data/services.json`` (package data); this module loads it once into typed records. The offline
AI generator spots mentions with it (the steps each service becomes are built in ``builtin_*``) and the demo corpus
(:mod:`blokhub.seed`) takes its API hosts from it, so drafts look like the public workflows people find next to them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Literal, cast

Role = Literal["source", "sink", "event", "transform"]


@dataclass(frozen=True, slots=True)
class Service:
    key: str
    label: str
    pattern: str  # regex over the lower-cased prompt
    roles: tuple[Role, ...]  # what it can be; the first is the default when no verb decides
    category: str
    keywords: tuple[str, ...]  # words a catalogue node's name or keys should contain to stand for it
    record: str | None = None  # JS path of the event record when its webhook triggers the workflow
    fields: dict[str, str] = field(default_factory=dict)  # prompt word -> JS path under the record
    message: str | None = None  # one-line text about its event record, with {r} for the record path
    api: str | None = None  # base URL of its public HTTP API, without a trailing slash

    @property
    def regex(self) -> re.Pattern[str]:
        return _COMPILED[self.key]


def _load() -> tuple[tuple[Service, ...], dict[str, str], tuple[str, ...]]:
    raw = json.loads(resources.files("blokhub.ai").joinpath("data/services.json").read_text(encoding="utf-8"))
    services = tuple(
        Service(
            key=s["key"],
            label=s["label"],
            pattern=s["pattern"],
            roles=tuple(cast("list[Role]", s["roles"])),
            category=s["category"],
            keywords=tuple(s["keywords"]),
            record=s.get("record"),
            fields=dict(s.get("fields", {})),
            message=s.get("message"),
            api=s.get("api"),
        )
        for s in raw["services"]
    )
    return services, dict(raw["generic_of"]), tuple(raw["event_words"])


SERVICES, GENERIC_OF, _EVENT_WORDS = _load()
# GENERIC_OF: a specific provider wins over the generic word it overlaps ("SendGrid email" is SendGrid, not two).
_COMPILED = {service.key: re.compile(service.pattern) for service in SERVICES}
BY_KEY = {service.key: service for service in SERVICES}
EVENT_WORDS = re.compile("(?:" + "|".join(_EVENT_WORDS) + ")")


def api(key: str) -> str:
    """The API base URL of service ``key`` (KeyError for a service without one: a typo fails at import)."""
    base = BY_KEY[key].api
    if base is None:
        raise KeyError(key)
    return base


@dataclass(frozen=True, slots=True)
class Mention:
    service: Service
    start: int
    end: int


def find_mentions(text: str) -> list[Mention]:
    """Every service named in ``text`` (lower-cased), first mention each, in order of appearance."""
    seen: dict[str, Mention] = {}
    for service in SERVICES:
        match = service.regex.search(text)
        if match and service.key not in seen:
            seen[service.key] = Mention(service, match.start(), match.end())
    for specific, generic in GENERIC_OF.items():
        if specific in seen and generic in seen:
            del seen[generic]
    return sorted(seen.values(), key=lambda m: m.start)
