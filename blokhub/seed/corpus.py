"""Deterministic generator of a realistic demo corpus: users and Blok workflows (pure Python, streaming).

* Deterministic: output depends only on the arguments. Every random draw comes from a `random.Random` seeded with
  an integer derived from `(seed, stream, index)`; nothing uses the global generator, `hash()` or set order.
* Prefix-stable: item *i* never depends on `count`. Users are one sequential stream (usernames must be unique, so
  user *i* depends on users *< i*); workflow *i* has its own generator, so the parent of a fork or near-duplicate
  can be rebuilt on demand instead of being kept in memory. Memory stays flat however many items are generated.
* Cheap: the tables (sources, sinks, titles, names) are built once at import; a workflow is assembled from dict
  literals, without copying templates or JSON round-trips.

`generate_workflows(seed, count, users)` depends on `users` (owners, and the time axis, which assumes roughly
`WORKFLOWS_PER_USER` workflows per user so that any corpus size spans about two years of growth).
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Callable, Iterator
from typing import Any

from blokhub.blok.lines import realign
from blokhub.seed.ai_patterns import p_ai
from blokhub.seed.api_patterns import API_SOURCES
from blokhub.seed.corpus_build import SCOPES, Ctx, Scope, Source
from blokhub.seed.corpus_jobs import p_api, p_manual, p_report
from blokhub.seed.corpus_patterns import (
    Out,
    cap,
    p_notify,
    p_pipeline,
    p_sync,
    weighted,
)
from blokhub.seed.corpus_records import SeedUser, SeedWorkflow
from blokhub.seed.corpus_sources import HOOKS, POLLS
from blokhub.seed.corpus_text import EXTRAS, LEADS, REPORTS, SETUP, SHORT_DESCRIPTIONS
from blokhub.seed.corpus_users import STREAM_WORKFLOWS, generate_users, mix, soft_floor, user_created_days_ago
from blokhub.seed.corpus_v2 import author_v2, v2_style
from blokhub.seed.corpus_variants import SCHEDULES, TIMEZONES, make_fork, make_near_duplicate

__all__ = [
    "WORKFLOWS_PER_USER",
    "SeedUser",
    "SeedWorkflow",
    "generate_users",
    "generate_workflows",
    "user_created_days_ago",
]

WORKFLOWS_PER_USER = 20
MAX_AGE_DAYS = 720.0
FORK_RATE = 0.03
NEAR_DUPLICATE_RATE = 0.02


# --- time axis ---------------------------------------------------------------------------------------------

_GROWTH = 200.0  # early-to-late growth factor of the daily publishing rate
_GROWTH_LOG = math.log1p(_GROWTH)


def _workflow_base_age(index: int, users: int, r: Callable[[], float]) -> float:
    expected = max(users, 1) * WORKFLOWS_PER_USER
    a = expected / _GROWTH
    raw = MAX_AGE_DAYS * (1.0 - math.log1p(index / a) / _GROWTH_LOG)
    return min(MAX_AGE_DAYS, soft_floor(raw) * (0.985 + 0.03 * r()))


# --- original workflows -----------------------------------------------------------------------------------


_REPORT_SCHEDULES = tuple(s for s in SCHEDULES if s[2] in ("Nightly", "Weekday", "Daily", "Weekly", "Monthly"))


class _Trig:
    """The workflow's trigger and the words titles use for its cadence."""

    __slots__ = ("adj", "cad", "kind", "spec")

    def __init__(self) -> None:
        self.kind = "http"
        self.spec: dict[str, Any] = {}
        self.cad = "in real time"
        self.adj = "Real-time"

    def set_http(self, c: Ctx, method: str, path: str) -> None:
        self.kind = "http"
        spec = {"method": method, "path": path}
        if c.r() < 0.85:
            spec["accept"] = "application/json"
        self.spec = {"http": spec}

    def set_cron(self, c: Ctx, schedules: tuple[tuple[str, str, str], ...] = SCHEDULES) -> None:
        cron, self.cad, self.adj = c.pick(schedules)
        spec: dict[str, Any] = {"schedule": cron, "timezone": c.pick(TIMEZONES)}
        if c.r() < 0.1:
            spec["overlap"] = False
        self.kind = "cron"
        self.spec = {"cron": spec}

    def set_manual(self) -> None:
        self.kind, self.cad, self.adj = "manual", "on demand", "On-demand"
        self.spec = {"manual": {}}


_REPORT_SOURCES = tuple(s for s in POLLS if s.key in REPORTS)
_LIST_SOURCES = tuple(s for s in POLLS if s.many)
_SCOPE_TABLE: tuple[Scope, ...] = (
    tuple(SCOPES[0] for _ in range(40)) + tuple(SCOPES[1] for _ in range(45)) + tuple(SCOPES[2] for _ in range(15))
)
_PATTERNS = weighted(
    (("notify", 28), ("sync", 15), ("ai", 19), ("api", 20), ("report", 8), ("manual", 4), ("pipeline", 6))
)
_PATTERN_FUNCS: dict[str, Callable[[Ctx, _Trig], Out]] = {
    "notify": p_notify,
    "sync": p_sync,
    "ai": p_ai,
    "api": p_api,
    "report": p_report,
    "manual": p_manual,
    "pipeline": p_pipeline,
}


def _pick_source(r: Callable[[], float], pattern: str) -> Source:
    if pattern == "api":
        table: tuple[Source, ...] = API_SOURCES
    elif pattern == "report":
        table = _REPORT_SOURCES
    elif pattern == "manual":
        table = _LIST_SOURCES
    else:
        table = HOOKS if r() < 0.65 else POLLS
    return table[int(r() * len(table))]


def _set_trigger(c: Ctx, trig: _Trig, pattern: str) -> None:
    src = c.src
    if pattern == "manual":
        trig.set_manual()
    elif src.kind == "hook":
        trig.set_http(c, "POST" if c.r() < 0.9 else "*", c.pick(src.paths))
    elif src.kind == "poll":
        if pattern == "report":
            trig.set_cron(c, _REPORT_SCHEDULES)
        elif c.r() < 0.9:
            trig.set_cron(c)
        else:
            trig.set_http(c, "GET", c.pick(("/", "/run", "/trigger")))
            trig.cad, trig.adj = "on demand", "On-demand"


class _Fields(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _describe(c: Ctx, out: Out, trig: _Trig) -> str:
    f = _Fields(out.f)
    f.setdefault("cad", trig.cad)
    f.setdefault("adjl", trig.adj.lower())
    f.setdefault("Adj", trig.adj)
    f["job"] = out.job
    if out.lead in ("hook", "poll", "ai") and c.r() < 0.12:
        return c.pick(SHORT_DESCRIPTIONS).format_map(f)
    sentences = [c.pick(LEADS[out.lead]).format_map(f)]
    if out.body and c.r() < 0.85:
        sentences.append(out.body[0])
    if len(sentences) < 3:
        env = list(dict.fromkeys(c.env))
        if env and c.r() < 0.4:
            k = 1 + int(c.r() * min(3, len(env)))
            names = env[:k]
            joined = names[0] if k == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            sentences.append(c.pick(SETUP).format(env=joined))
        elif c.r() < 0.25:
            sentences.append(c.pick(EXTRAS))
    return " ".join(s for s in sentences if s)


_TAG_COUNTS = (2, 3, 3, 4, 4, 4, 5, 5, 6)


def _tags(c: Ctx, out: Out) -> list[str]:
    ordered = list(dict.fromkeys(t for t in out.tags if t))
    return ordered[: max(2, c.pick(_TAG_COUNTS))]


def _version(r: Callable[[], float]) -> str:
    if r() < 0.72:
        return "1.0.0"
    return f"1.{int(r() * 5)}.{int(r() * 10)}"


def _original(r: Callable[[], float]) -> tuple[str, str, list[str], dict[str, Any]]:
    pattern = _PATTERNS[int(r() * len(_PATTERNS))]
    src = _pick_source(r, pattern)
    c = Ctx(r, _SCOPE_TABLE[int(r() * len(_SCOPE_TABLE))], src, py_api=r() < 0.05)
    trig = _Trig()
    _set_trigger(c, trig, pattern)
    out = _PATTERN_FUNCS[pattern](c, trig)
    title = cap(out.title)
    description = _describe(c, out, trig)
    definition: dict[str, Any] = {
        "name": title,
        "description": description,
        "version": _version(r),
        "trigger": trig.spec,
        "steps": out.steps,
        "nodes": c.nodes,
    }
    return title, description, _tags(c, out), definition


# --- workflows --------------------------------------------------------------------------------------------

_VISIBILITY = weighted((("public", 88), ("unlisted", 4), ("private", 5), ("draft", 3)))


def _owner(r: Callable[[], float], users: int) -> int:
    """Skewed: a third of the workflows come from a Zipf-like head of prolific (early) authors."""
    head = r() < 0.35
    k = int(1.5 * ((1.0 + users / 1.5) ** r() - 1.0)) if head else int(users * r() ** 1.5)
    return min(k, users - 1)


class _Generator:
    __slots__ = ("seed", "users")

    def __init__(self, seed: int, users: int) -> None:
        self.seed = seed
        self.users = users

    def build(self, i: int) -> SeedWorkflow:
        workflow, root, scheduled = self.build_v1(i)
        style = v2_style(self.seed, root, scheduled)
        if style is None:
            return workflow
        return dataclasses.replace(workflow, definition=author_v2(style, workflow.definition))

    def build_v1(self, i: int) -> tuple[SeedWorkflow, int, bool]:
        """Workflow ``i`` in its v1 form (what forks edit), the original its lineage started from and whether that
        original runs on a schedule or by hand (triggers only the v2-era line has a runtime for)."""
        r = random.Random(mix(self.seed, STREAM_WORKFLOWS, i)).random
        roll = r()
        parent: SeedWorkflow | None = None
        fork = False
        root = i
        if i > 0 and roll < FORK_RATE + NEAR_DUPLICATE_RATE:
            fork = roll < FORK_RATE
            parent, root, scheduled = self.build_v1(int(r() * i))
        owner = _owner(r, self.users)
        if parent is None:
            title, description, tags, definition = _original(r)
            scheduled = "http" not in definition["trigger"]
        elif fork:
            title, description, tags, definition = make_fork(r, parent)
            if parent.visibility in ("private", "draft"):
                owner = parent.owner_index  # only the author can see it, so only the author can fork it
            elif owner == parent.owner_index and self.users > 1:
                owner = (owner + 1 + int(r() * (self.users - 1))) % self.users
        else:
            title, description, tags, definition = make_near_duplicate(r, parent)
            if r() < 0.5 or parent.visibility in ("private", "draft"):
                owner = parent.owner_index
        age = _workflow_base_age(i, self.users, r)
        owner_age = user_created_days_ago(self.seed, owner)
        if age > owner_age:
            age = owner_age * (0.5 + 0.49 * r())
        if parent is not None:
            age = min(age, parent.created_days_ago * (0.999 - 0.2 * r()))
        return (
            SeedWorkflow(
                index=i,
                owner_index=owner,
                title=title,
                description=description,
                tags=tags,
                visibility=_VISIBILITY[int(r() * len(_VISIBILITY))],
                # Written for a Blok line that runs it: that line's built-in names, other code marked local.
                definition=realign(definition, in_place=True),
                created_days_ago=round(age, 4),
                forked_from=parent.index if parent is not None and fork else None,
                near_duplicate_of=parent.index if parent is not None and not fork else None,
            ),
            root,
            scheduled,
        )


def generate_workflows(seed: int, count: int, users: int) -> Iterator[SeedWorkflow]:
    """Yield `count` workflows owned by users `0 .. users-1` (workflow i does not depend on `count`)."""
    if count > 0 and users < 1:
        raise ValueError("users must be >= 1")
    gen = _Generator(seed, users)
    for i in range(count):
        yield gen.build(i)
