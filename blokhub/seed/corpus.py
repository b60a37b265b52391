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

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from blokhub.ai.service_catalogue import api
from blokhub.seed.ai_patterns import p_ai
from blokhub.seed.api_patterns import API_SOURCES
from blokhub.seed.corpus_build import SCOPES, Ctx, Scope, Source
from blokhub.seed.corpus_jobs import p_api, p_manual, p_report
from blokhub.seed.corpus_patterns import (
    MAX_STEPS,
    Out,
    cap,
    p_notify,
    p_pipeline,
    p_sync,
    weighted,
)
from blokhub.seed.corpus_sources import HOOKS, POLLS
from blokhub.seed.corpus_text import EXTRAS, LEADS, REPORTS, SETUP, SHORT_DESCRIPTIONS
from blokhub.seed.vocabulary import (
    HANDLE_ADJECTIVES,
    HANDLE_NOUNS,
    HANDLE_SUFFIXES,
    INTERESTS,
    NAME_TABLE,
    PLACES,
    ROLES,
)

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
USER_MAX_AGE_DAYS = 760.0
FORK_RATE = 0.03
NEAR_DUPLICATE_RATE = 0.02


@dataclass(frozen=True, slots=True)
class SeedUser:
    index: int
    username: str
    email: str
    display_name: str
    bio: str
    created_days_ago: float


@dataclass(frozen=True, slots=True)
class SeedWorkflow:
    index: int
    owner_index: int
    title: str
    description: str
    tags: list[str]
    visibility: str  # "public" (~88%), "unlisted" (~4%), "private" (~5%), "draft" (~3%)
    definition: dict[str, Any]  # a Blok workflow document (JSON-serialisable)
    created_days_ago: float  # 0..720, older for lower indexes
    forked_from: int | None  # index of an earlier workflow this one forks (~3%)
    near_duplicate_of: int | None  # ~2%: an earlier workflow re-published with trivial edits


_MASK64 = (1 << 64) - 1
_STREAM_USERS = 1
_STREAM_WORKFLOWS = 2


def _mix(seed: int, stream: int, index: int) -> int:
    """Distinct non-negative integer seed per (seed, stream, index); Random() seeds from its absolute value."""
    if not 0 <= index < 1 << 40:
        raise ValueError("index out of range")
    return (((seed & _MASK64) << 2 | stream) << 40) | index


# --- time axis --------------------------------------------------------------------------------------------

_USER_REF = 100_000  # users beyond this index all joined in the last days
_USER_A = 25.0
_USER_LOG = math.log1p(_USER_REF / _USER_A)
_GROWTH = 200.0  # early-to-late growth factor of the daily publishing rate
_GROWTH_LOG = math.log1p(_GROWTH)


def _soft_floor(days: float) -> float:
    """Positive, decreasing tail once the curve reaches the present (corpus larger than expected)."""
    return days if days >= 1.0 else math.exp(days - 1.0)


def user_created_days_ago(seed: int, index: int) -> float:
    """Account age of user `index`; a pure function so workflow generation can keep owners older than their work."""
    raw = USER_MAX_AGE_DAYS * (1.0 - math.log1p(index / _USER_A) / _USER_LOG)
    jitter = ((index * 0x9E3779B1 + (seed & _MASK64) * 0x85EBCA6B) & 0xFFFF) / 65536.0
    return round(_soft_floor(raw) * (0.97 + 0.03 * jitter), 4)


def _workflow_base_age(index: int, users: int, r: Callable[[], float]) -> float:
    expected = max(users, 1) * WORKFLOWS_PER_USER
    a = expected / _GROWTH
    raw = MAX_AGE_DAYS * (1.0 - math.log1p(index / a) / _GROWTH_LOG)
    return min(MAX_AGE_DAYS, _soft_floor(raw) * (0.985 + 0.03 * r()))


# --- users ------------------------------------------------------------------------------------------------

_EMAIL_DOMAINS = weighted(
    (("example.com", 10), ("example.org", 5), ("example.net", 3), ("mail.example.com", 1), ("users.example.org", 1))
)


def _handle(r: Callable[[], float], first: str, last: str) -> str:
    v = r()
    if v < 0.22:
        return first + last
    if v < 0.36:
        return f"{first}_{last}"
    if v < 0.46:
        return f"{first}-{last}"
    if v < 0.58:
        return first[0] + last
    if v < 0.66:
        return first + last[0]
    if v < 0.74:
        return first
    if v < 0.80:
        return last + first
    if v < 0.88:
        sep = ("", "_", "-")[int(r() * 3)]
        return HANDLE_ADJECTIVES[int(r() * len(HANDLE_ADJECTIVES))] + sep + HANDLE_NOUNS[int(r() * len(HANDLE_NOUNS))]
    if v < 0.94:
        sep = ("", "-", "_")[int(r() * 3)]
        return first + sep + HANDLE_SUFFIXES[int(r() * len(HANDLE_SUFFIXES))]
    return f"{first}{70 + int(r() * 35) % 100:02d}"


def _unique_username(r: Callable[[], float], base: str, taken: set[str]) -> str:
    base = base[:26]
    if len(base) < 3:
        base = f"{base}{int(r() * 900) + 100}"
    name = base
    tries = 0
    while name in taken:
        tries += 1
        sep = ("", "", "", "_", "-")[int(r() * 5)]
        digits = int(r() * 90) + 10 if tries <= 3 else int(r() * 99000) + 1000
        name = f"{base}{sep}{digits}"
    return name


def _bio(r: Callable[[], float]) -> str:
    v = r()
    role = ROLES[int(r() * len(ROLES))]
    place = PLACES[int(r() * len(PLACES))]
    interest = INTERESTS[int(r() * len(INTERESTS))]
    if v < 0.18:
        return ""
    if v < 0.45:
        return f"{role} {place}."
    if v < 0.65:
        return f"{role}. {interest}"
    if v < 0.8:
        return interest
    return f"{role} {place}. {interest}"


def generate_users(seed: int, count: int) -> Iterator[SeedUser]:
    """Yield `count` users with unique usernames and e-mails (user i does not depend on `count`)."""
    r = random.Random(_mix(seed, _STREAM_USERS, 0)).random
    taken: set[str] = set()
    n_cultures = len(NAME_TABLE)
    for i in range(count):
        firsts, lasts = NAME_TABLE[int(r() * n_cultures)]
        first, fslug = firsts[int(r() * len(firsts))]
        last, lslug = lasts[int(r() * len(lasts))]
        v = r()
        display = f"{first} {last}" if v < 0.9 else (f"{first} {last[0]}." if v < 0.96 else first)
        username = _unique_username(r, _handle(r, fslug, lslug), taken)
        taken.add(username)
        local = username.replace("_", ".") if r() < 0.4 else username
        yield SeedUser(
            index=i,
            username=username,
            email=f"{local}@{_EMAIL_DOMAINS[int(r() * len(_EMAIL_DOMAINS))]}",
            display_name=display,
            bio=_bio(r),
            created_days_ago=user_created_days_ago(seed, i),
        )


# --- original workflows -----------------------------------------------------------------------------------

_SCHEDULES: tuple[tuple[str, str, str], ...] = (
    ("0 2 * * *", "nightly", "Nightly"),
    ("0 3 * * *", "every night", "Nightly"),
    ("0 9 * * 1-5", "every weekday morning", "Weekday"),
    ("0 8 * * 1-5", "on weekday mornings", "Weekday"),
    ("*/15 * * * *", "every 15 minutes", "15-minute"),
    ("*/5 * * * *", "every 5 minutes", "5-minute"),
    ("0 * * * *", "hourly", "Hourly"),
    ("0 */6 * * *", "every 6 hours", "6-hourly"),
    ("0 7 * * *", "every morning", "Daily"),
    ("0 12 * * *", "daily at noon", "Daily"),
    ("0 8 * * 1", "every Monday", "Weekly"),
    ("30 16 * * 5", "every Friday afternoon", "Weekly"),
    ("0 6 1 * *", "on the 1st of every month", "Monthly"),
    ("0 9 * * *", "every day at 9", "Daily"),
)
_REPORT_SCHEDULES = tuple(s for s in _SCHEDULES if s[2] in ("Nightly", "Weekday", "Daily", "Weekly", "Monthly"))
_TIMEZONES = ("UTC",) * 8 + (
    "Europe/Berlin",
    "America/New_York",
    "Europe/London",
    "Asia/Tokyo",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Africa/Lagos",
    "Australia/Sydney",
    "America/Los_Angeles",
    "Europe/Paris",
)


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

    def set_cron(self, c: Ctx, schedules: tuple[tuple[str, str, str], ...] = _SCHEDULES) -> None:
        cron, self.cad, self.adj = c.pick(schedules)
        spec: dict[str, Any] = {"schedule": cron, "timezone": c.pick(_TIMEZONES)}
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


# --- forks and near-duplicates ----------------------------------------------------------------------------

_ALTERNATIVES: dict[str, tuple[Any, ...]] = {
    "channel": ("#alerts", "#general", "#ops-alerts", "#team", "#notifications", "#dev", "#random", "#bots"),
    "model": ("gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "claude-3-5-haiku-latest", "claude-3-5-sonnet-latest"),
    "temperature": (0, 0.1, 0.5, 0.9),
    "limit": (5, 10, 25, 50, 100),
    "max_tokens": (300, 800, 2000),
    "database": ("app", "prod", "main", "analytics"),
    "ttl": (600, 3600, 43200),
    "username": ("Blok", "Notifier", "Bot", "Automation"),
    "message": ("Method not allowed", "Not allowed", "Unsupported method"),
    "parse_mode": ("HTML", "MarkdownV2"),
    "priority": ("P1", "P2", "P4"),
    "severity": ("critical", "error", "info"),
    "window": ("30s", "5m", "1h"),
}


def _tweak_input(r: Callable[[], float], d: dict[str, Any]) -> bool:
    """Change one literal input (a channel, a model, a limit ...) in place. Returns False if none was found."""
    for entry in d["nodes"].values():
        inputs = entry.get("inputs")
        if not inputs:
            continue
        for holder in (inputs, inputs.get("body")):
            if not isinstance(holder, dict):
                continue
            for key, value in holder.items():
                alts = _ALTERNATIVES.get(key)
                if alts is None or isinstance(value, (dict, list)):
                    continue
                choices = [a for a in alts if a != value]
                holder[key] = choices[int(r() * len(choices))]
                return True
    return False


def _change_trigger(r: Callable[[], float], d: dict[str, Any]) -> None:
    trig = d["trigger"]
    if "cron" in trig:
        cron = dict(trig["cron"])
        cron["schedule"] = _SCHEDULES[int(r() * len(_SCHEDULES))][0]
        if r() < 0.5:
            cron["timezone"] = _TIMEZONES[int(r() * len(_TIMEZONES))]
        d["trigger"] = {"cron": cron}
    elif "http" in trig:
        http = dict(trig["http"])
        http["path"] = ("/", "/webhook", "/v2", "/:id?", "/hooks/:source?", "/run")[int(r() * 6)]
        d["trigger"] = {"http": http}
    else:
        d["trigger"] = {"cron": {"schedule": "0 6 * * 1", "timezone": "UTC"}}


def _count_steps(d: dict[str, Any]) -> int:
    nested = sum(len(c["steps"]) for v in d["nodes"].values() for c in v.get("conditions", ()))
    return len(d["steps"]) + nested


def _api_node(d: dict[str, Any]) -> str:
    for s in d["steps"]:
        if s["node"].endswith("/api-call"):
            return str(s["node"])
    return "@blokjs/api-call"


def _fresh_name(d: dict[str, Any], base: str) -> str:
    name, k = base, 2
    while name in d["nodes"]:
        name, k = f"{base}-{k}", k + 1
    return name


def _add_step(r: Callable[[], float], d: dict[str, Any]) -> str:
    """Append a notification (or prepend a rate limit) -- the typical first change people make in a fork."""
    v = r()
    if v < 0.35:
        name = _fresh_name(d, "notify-discord")
        d["steps"].append({"name": name, "node": _api_node(d), "type": "module"})
        d["nodes"][name] = {
            "inputs": {
                "url": api("discord") + "/webhooks/${ctx.env.DISCORD_WEBHOOK_ID}/${ctx.env.DISCORD_WEBHOOK_TOKEN}",
                "method": "POST",
                "headers": {"Content-Type": "application/json"},
                "body": {"content": "${ctx.workflow_name} finished (request ${ctx.id})"},
            }
        }
        return "discord"
    if v < 0.65:
        name = _fresh_name(d, "notify-slack")
        d["steps"].append({"name": name, "node": "@blokjs/slack", "type": "module"})
        d["nodes"][name] = {
            "inputs": {
                "token": "${ctx.env.SLACK_BOT_TOKEN}",
                "channel": "#automation",
                "text": "${ctx.workflow_name} ran successfully",
            }
        }
        return "slack"
    if v < 0.85 and "http" in d["trigger"]:
        name = _fresh_name(d, "rate-limit")
        d["steps"].insert(0, {"name": name, "node": "@blokjs/rate-limit", "type": "module"})
        d["nodes"][name] = {"inputs": {"key": "${ctx.request.ip}", "limit": 60, "window": "1m"}}
        return "rate-limiting"
    name = _fresh_name(d, "log-run")
    d["steps"].append({"name": name, "node": "memory-storage", "type": "module", "set_var": True})
    d["nodes"][name] = {"inputs": {"action": "set", "key": "last-run", "value": "js/new Date().toISOString()"}}
    return "logging"


def _bump(version: str, r: Callable[[], float]) -> str:
    major, minor, _patch = (int(x) for x in version.split("."))
    return f"{major}.{minor + 1}.0" if r() < 0.7 else f"{major + 1}.0.0"


_FORK_SUFFIXES = (" (fork)", " v2", " (my version)", " - improved", " for our team", " (EU)", " with retries")
_FORK_PREFIXES = ("Better: ", "Fork: ", "[v2] ")
_FORK_NOTES = (
    "Forked and adapted for our setup.",
    "Fork with a few tweaks.",
    "Based on someone else's workflow.",
    "Forked from the original, with small changes.",
)


def _fork_title(r: Callable[[], float], title: str) -> str:
    v = r()
    if v < 0.45:
        return title
    if v < 0.8:
        return title + _FORK_SUFFIXES[int(r() * len(_FORK_SUFFIXES))]
    return _FORK_PREFIXES[int(r() * len(_FORK_PREFIXES))] + title


def _fork(r: Callable[[], float], parent: SeedWorkflow) -> tuple[str, str, list[str], dict[str, Any]]:
    d = parent.definition
    tags = list(parent.tags)
    v = r()
    if v < 0.4 and _count_steps(d) < MAX_STEPS:
        added = _add_step(r, d)
        if added in ("discord", "slack") and added not in tags and len(tags) < 6:
            tags.append(added)
    elif v < 0.7 or not _tweak_input(r, d):
        _change_trigger(r, d)
    if r() < 0.3:
        _tweak_input(r, d)
    d["version"] = _bump(d["version"], r)
    title = _fork_title(r, parent.title)
    description = parent.description
    if r() < 0.6 and description.count(". ") < 2:
        description = (description + " " if description else "") + _FORK_NOTES[int(r() * len(_FORK_NOTES))]
    d["name"], d["description"] = title, description
    return title, description, tags, _reordered_definition(d)


def _reordered_definition(d: dict[str, Any]) -> dict[str, Any]:
    return {k: d[k] for k in ("name", "description", "version", "trigger", "steps", "nodes")}


def _trivial_title(r: Callable[[], float], title: str) -> str:
    v = r()
    if v < 0.25:
        return title.lower().capitalize()
    if v < 0.4:
        return " ".join(word[:1].upper() + word[1:] for word in title.split(" "))  # str.title() gives "1St"
    if v < 0.55 and " and " in title:
        return title.replace(" and ", " & ")
    if v < 0.7:
        return title + ("." if not title.endswith(".") else "")
    if v < 0.85:
        return "Copy of " + title
    return title.replace(" to ", " → ", 1) if " to " in title else title + "!"


def _shuffle_keys(r: Callable[[], float], d: dict[str, Any]) -> dict[str, Any]:
    """Same document, different key order (what a re-export from another editor looks like)."""
    nodes = d["nodes"]
    if r() < 0.5:
        d["nodes"] = {k: nodes[k] for k in reversed(list(nodes))}
    else:
        d["nodes"] = {
            k: {"inputs": dict(reversed(list(v["inputs"].items())))} if "inputs" in v else v for k, v in nodes.items()
        }
    order = (
        ("name", "version", "description", "trigger", "nodes", "steps")
        if r() < 0.5
        else ("name", "description", "version", "trigger", "steps", "nodes")
    )
    return {k: d[k] for k in order}


def _near_duplicate(r: Callable[[], float], parent: SeedWorkflow) -> tuple[str, str, list[str], dict[str, Any]]:
    d = parent.definition
    title = parent.title
    changed = False
    if r() < 0.6:
        title = _trivial_title(r, title).strip()
        changed = title != parent.title
    if r() < 0.5:
        changed = _tweak_input(r, d) or changed
    if r() < 0.5 or not changed:
        d = _shuffle_keys(r, d)
    d["name"] = title
    tags = list(parent.tags)
    if r() < 0.3:
        tags.reverse()
    return title, parent.description, tags, d


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
        r = random.Random(_mix(self.seed, _STREAM_WORKFLOWS, i)).random
        roll = r()
        parent: SeedWorkflow | None = None
        fork = False
        if i > 0 and roll < FORK_RATE + NEAR_DUPLICATE_RATE:
            fork = roll < FORK_RATE
            parent = self.build(int(r() * i))
        owner = _owner(r, self.users)
        if parent is None:
            title, description, tags, definition = _original(r)
        elif fork:
            title, description, tags, definition = _fork(r, parent)
            if parent.visibility in ("private", "draft"):
                owner = parent.owner_index  # only the author can see it, so only the author can fork it
            elif owner == parent.owner_index and self.users > 1:
                owner = (owner + 1 + int(r() * (self.users - 1))) % self.users
        else:
            title, description, tags, definition = _near_duplicate(r, parent)
            if r() < 0.5 or parent.visibility in ("private", "draft"):
                owner = parent.owner_index
        age = _workflow_base_age(i, self.users, r)
        owner_age = user_created_days_ago(self.seed, owner)
        if age > owner_age:
            age = owner_age * (0.5 + 0.49 * r())
        if parent is not None:
            age = min(age, parent.created_days_ago * (0.999 - 0.2 * r()))
        return SeedWorkflow(
            index=i,
            owner_index=owner,
            title=title,
            description=description,
            tags=tags,
            visibility=_VISIBILITY[int(r() * len(_VISIBILITY))],
            definition=definition,
            created_days_ago=round(age, 4),
            forked_from=parent.index if parent is not None and fork else None,
            near_duplicate_of=parent.index if parent is not None and not fork else None,
        )


def generate_workflows(seed: int, count: int, users: int) -> Iterator[SeedWorkflow]:
    """Yield `count` workflows owned by users `0 .. users-1` (workflow i does not depend on `count`)."""
    if count > 0 and users < 1:
        raise ValueError("users must be >= 1")
    gen = _Generator(seed, users)
    for i in range(count):
        yield gen.build(i)
