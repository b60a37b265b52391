"""Workflow shapes for the demo corpus: alerts, syncs and fan-out pipelines, and the helpers every shape shares.

AI helpers are in :mod:`blokhub.seed.ai_patterns`, HTTP APIs in :mod:`blokhub.seed.api_patterns`, reports and
manual jobs in :mod:`blokhub.seed.corpus_jobs`.

Each pattern fills a `Ctx` (steps + nodes) and returns an `Out` with the top-level steps, a title, the sentences
that explain the body of the workflow, and tags. The caller (`corpus._original`) adds the trigger and metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from blokhub.seed.corpus_build import Ctx, Step
from blokhub.seed.corpus_sinks import SINKS, Sink
from blokhub.seed.corpus_steps import (
    AI_BY_KEY,
    ai_step,
    ignore_step,
    respond,
    shape_rows,
    verify_signature,
)
from blokhub.seed.corpus_text import HOOK_TITLES, POLL_TITLES
from blokhub.seed.python_steps import py_misc
from blokhub.seed.tables import load

_TEXTS = load("texts")

MAX_STEPS = 12  # counting branch steps; the corpus promises 1-12 steps per workflow


def weighted(pairs: tuple[tuple[str, int], ...]) -> tuple[str, ...]:
    """A flat table in which each value appears `weight` times, so a uniform pick is a weighted pick."""
    return tuple(v for v, w in pairs for _ in range(w))


def join_words(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


_SINK_WEIGHT = {
    "slack": 8,
    "discord": 3,
    "teams": 3,
    "telegram": 3,
    "sendgrid": 3,
    "postgres": 5,
    "mongodb": 3,
    "s3": 3,
    "sheets": 4,
    "hubspot": 3,
    "jira": 3,
    "github": 2,
    "pagerduty": 2,
}
SINKS_BY_CAT: dict[str, tuple[Sink, ...]] = {}
for _s in SINKS:
    SINKS_BY_CAT[_s.cat] = SINKS_BY_CAT.get(_s.cat, ()) + (_s,) * _SINK_WEIGHT.get(_s.key, 1)
SINK_BY_KEY = {s.key: s for s in SINKS}

NOTIFY_CATS = weighted(
    (
        ("chat", 62),
        ("email", 12),
        ("sms", 4),
        ("incident", 5),
        ("tracker", 10),
        ("crm", 3),
        ("analytics", 2),
        ("sheet", 2),
    )
)
STORE_CATS = weighted((("db", 42), ("storage", 15), ("sheet", 20), ("crm", 13), ("analytics", 6), ("tracker", 4)))
ALERT_CATS = weighted((("chat", 70), ("email", 18), ("sms", 6), ("incident", 6)))
DIGEST_CATS = weighted((("chat", 72), ("email", 28)))
URGENT_CATS = weighted((("incident", 35), ("sms", 25), ("chat", 30), ("email", 10)))
_URGENT_CHANNELS = ("#incidents", "#escalations", "#urgent", "#on-call", "#vip-customers", "#leadership")


@dataclass(slots=True)
class Out:
    steps: list[Step]
    title: str
    body: list[str] = field(default_factory=list)  # sentences describing the pipeline
    tags: list[str] = field(default_factory=list)
    lead: str = "hook"  # key into corpus_text.LEADS
    f: dict[str, str] = field(default_factory=dict)  # template fields for the description
    job: str = ""  # manual jobs: "purge expired sessions"


def eligible(c: Ctx, sink: Sink) -> bool:
    if not sink.needs_email:
        return True
    if c.rows is not None or c.src.many:
        return sink.key == "hubspot"
    return c.src.email is not None


def pick_sink(c: Ctx, cats: tuple[str, ...], fallback: str = "slack") -> Sink:
    """A destination from the weighted categories that fits the source (not the source's own service)."""
    for _ in range(4):
        sink = c.pick(SINKS_BY_CAT[c.pick(cats)])
        if eligible(c, sink) and sink.name != c.src.service:
            return sink
    return SINK_BY_KEY[fallback]


def intro(c: Ctx) -> list[Step]:
    """First steps: fetch (poll sources) or optional signature check and enrichment (webhooks)."""
    src = c.src
    if src.fetch is not None:
        return [src.fetch(c)]
    steps: list[Step] = []
    if src.sig is not None and c.chance(0.3):
        s = verify_signature(c)
        if s is not None:
            steps.append(s)
    if src.enrich is not None and c.chance(0.2):
        steps.append(src.enrich(c))
    return steps


def if_else(c: Ctx, name: str, branches: list[tuple[str | None, list[Step]]]) -> Step:
    """Fill the reserved `name` with conditions; a `None` condition is the final else."""
    conds: list[dict[str, Any]] = []
    for cond, steps in branches:
        if cond is None:
            conds.append({"type": "else", "steps": steps})
        else:
            conds.append({"type": "if", "condition": cond, "steps": steps})
    c.nodes[name] = {"conditions": conds}
    return {"name": name, "node": c.ifelse, "type": "module"}


def build_with_notes(c: Ctx, build: Any) -> tuple[list[Step], list[str]]:
    n0 = len(c.notes)
    steps = build()
    notes = c.notes[n0:]
    del c.notes[n0:]
    return steps, notes


def branch_on_condition(c: Ctx, main: Sink) -> tuple[Step, str]:
    """if <source condition> escalate, [else-if second condition], else the normal destination."""
    src = c.src
    name = c.reserve(c.pick(("route-event", "check-priority", "filter-request", "is-important", "route-by-rule")))
    cond, phrase = c.pick(src.conds)
    urgent = pick_sink(c, URGENT_CATS)
    channel = c.channel
    has_else = c.chance(0.85)

    def escalate() -> list[Step]:
        if urgent.cat == "chat":
            c.channel = c.pick(_URGENT_CHANNELS)
        steps = [urgent.build(c)]
        c.channel = channel
        if not has_else or c.chance(0.3):
            steps.append(main.build(c))  # without an else, the usual destination only hears about matches
        return steps

    a_steps, a_notes = build_with_notes(c, escalate)
    branches: list[tuple[str | None, list[Step]]] = [(cond, a_steps)]
    sentence = f"If {phrase}, it {join_words(a_notes)}"
    if len(src.conds) > 1 and c.chance(0.3):
        cond2, phrase2 = c.pick([x for x in src.conds if x[0] != cond])
        b_steps, b_notes = build_with_notes(c, lambda: [pick_sink(c, ALERT_CATS).build(c)])
        branches.append((cond2, b_steps))
        sentence += f"; if {phrase2}, it {join_words(b_notes)}"
    if has_else:
        e_steps, e_notes = build_with_notes(c, lambda: [main.build(c)])
        branches.append((None, e_steps))
        sentence += f"; otherwise it {join_words(e_notes)}"
    elif len(branches) > 1:
        branches.append((None, []))
    return if_else(c, name, branches), sentence + "."


def wrap_filter(c: Ctx, body: list[Step]) -> Step:
    """The fixtures' `filter-request` shape: only the expected event type runs the pipeline."""
    assert c.src.filter is not None
    name = c.reserve(c.pick(("filter-request", "filter-event", "check-event-type", "only-relevant-events")))
    branches: list[tuple[str | None, list[Step]]] = [(c.src.filter, body)]
    if c.chance(0.7):
        branches.append((None, [ignore_step(c)]))
    return if_else(c, name, branches)


# destination category -> ("and <verb phrase>", "<where it lands>", "<to where>") for titles
_DELIVERY: dict[str, tuple[str, str, str]] = {
    "chat": ("post to {S}", "in {S}", "to {S}"),
    "email": ("e-mail the team", "by e-mail", "by e-mail"),
    "sms": ("text it via Twilio", "by SMS", "by SMS"),
    "incident": ("page on-call via {S}", "in {S}", "to {S}"),
    "other": ("send it to {S}", "in {S}", "to {S}"),
}


def fields(c: Ctx, sink: Sink | None, trig: Any) -> dict[str, str]:
    src = c.src
    s_name = sink.name if sink else "Slack"
    to_s, in_s, to_sn = _DELIVERY.get(sink.cat if sink else "chat", _DELIVERY["other"])
    return {
        "S": s_name,
        "aS": ("an " if s_name[0] in "AEIOU" else "a ") + s_name,
        "toS": to_s.format(S=s_name),
        "toSing": "posting" + to_s.format(S=s_name)[4:] if to_s.startswith("post ") else "sending it on",
        "inS": in_s.format(S=s_name),
        "toSn": to_sn.format(S=s_name),
        "clause": src.clause,
        "noun": src.noun,
        "nouns": src.nouns,
        "Noun": cap(src.noun),
        "Nouns": cap(src.nouns),
        "Service": cap(src.service),
        "service": src.service,
        "cad": trig.cad,
        "Adj": trig.adj,
        "adjl": trig.adj.lower(),
        "P": "AI",
        "Store": "Qdrant",
    }


def notes_sentence(c: Ctx) -> list[str]:
    notes = list(dict.fromkeys(c.notes))[:3]
    return [f"It {join_words(notes)}."] if notes else []


def _title(c: Ctx, table: dict[str, tuple[str, ...]], cat: str, f: dict[str, str]) -> str:
    return c.pick(table.get(cat) or table["chat"]).format(**f)


# --- patterns -------------------------------------------------------------------------------------------------


def p_notify(c: Ctx, trig: Any) -> Out:
    src = c.src
    steps = intro(c)
    sink = pick_sink(c, NOTIFY_CATS)
    f = fields(c, sink, trig)
    if c.chance(0.12):
        step, f["P"] = ai_step(c, AI_BY_KEY["digest" if src.many else "summarise"])
        steps.append(step)
    body: list[str] = []
    v = c.r()
    if src.conds and v < 0.44:
        step, sentence = branch_on_condition(c, sink)
        steps.append(step)
        body.append(sentence)
    elif src.filter is not None and v < 0.46:
        steps.append(wrap_filter(c, [sink.build(c)]))
    else:
        steps.append(sink.build(c))
        extra = 3 if c.chance(0.07) else 1 if c.chance(0.18) else 0
        used = {sink.key}
        for _ in range(extra):
            other = pick_sink(c, ALERT_CATS if extra == 1 else STORE_CATS + ALERT_CATS)
            if other.key not in used and (other.cat in ("chat", "email", "sms", "incident") or not src.many):
                used.add(other.key)
                steps.append(other.build(c))
    if c.chance(0.07):
        steps.insert(len(steps) - 1, py_misc(c))
    if trig.kind == "http" and src.kind == "hook" and c.chance(0.45):
        steps.append(respond(c))
    table = POLL_TITLES if src.kind == "poll" else HOOK_TITLES
    tags = ["notifications", *src.tags, *sink.tags, "webhooks" if trig.kind == "http" else "scheduled"]
    return Out(steps, _title(c, table, sink.cat, f), body + notes_sentence(c), tags, src.kind, f)


def p_sync(c: Ctx, trig: Any) -> Out:
    src = c.src
    steps = intro(c)
    sink = pick_sink(c, STORE_CATS, fallback="postgres")
    f = fields(c, sink, trig)
    if src.many and sink.cat not in ("tracker", "analytics"):
        steps.append(shape_rows(c))
    if c.chance(0.12):
        steps.append(py_misc(c))
    main = [sink.build(c)]
    if c.chance(0.3):
        main.append(pick_sink(c, ALERT_CATS).build(c))
    if src.filter is not None and c.chance(0.3):
        steps.append(wrap_filter(c, main))
    elif src.items is not None and c.chance(0.3):
        cond, phrase = f"{src.items}.length > 0", "there is something new"
        name = c.reserve(c.pick(("anything-new", "only-if-needed", "check-results")))
        steps.append(if_else(c, name, [(cond, main)]))
        c.notes.insert(0, f"only runs the rest when {phrase}")
    else:
        steps.extend(main)
    if trig.kind == "http" and src.kind == "hook" and c.chance(0.4):
        steps.append(respond(c, ok_only=True))
    table = POLL_TITLES if src.kind == "poll" else HOOK_TITLES
    tags = ["etl" if src.kind == "poll" else "automation", *src.tags, *sink.tags, "sync"]
    return Out(steps, _title(c, table, sink.cat, f), notes_sentence(c), tags, src.kind, f)


_PIPELINE_CATS = weighted(
    (
        ("chat", 30),
        ("db", 20),
        ("email", 12),
        ("crm", 10),
        ("sheet", 8),
        ("storage", 8),
        ("analytics", 7),
        ("tracker", 5),
    )
)


def p_pipeline(c: Ctx, trig: Any) -> Out:
    """A longer fan-out: one event, several systems updated in turn (6 to 12 steps)."""
    src = c.src
    steps = intro(c)
    if src.kind == "hook" and src.enrich is not None and not steps:
        steps.append(src.enrich(c))
    if src.many:
        steps.append(shape_rows(c))
    if c.chance(0.3):
        steps.append(py_misc(c))
    if c.chance(0.25) and not src.many:
        step, _ = ai_step(c, AI_BY_KEY["summarise"])
        steps.append(step)
    body: list[Step] = []
    used: list[str] = []  # a list, not a set: its order feeds the tags and must not depend on hashing
    first: Sink | None = None
    budget = MAX_STEPS - len(steps) - 3  # room for the event filter, its "ignore" branch and the response
    for _ in range(min(budget, 3 + int(c.r() * 5))):
        sink = pick_sink(c, _PIPELINE_CATS)
        if sink.key in used or (sink.cat == "crm" and c.src.kind == "poll"):
            continue
        used.append(sink.key)
        first = first or sink
        body.append(sink.build(c))
    if src.filter is not None and c.chance(0.4):
        steps.append(wrap_filter(c, body))
    else:
        steps.extend(body)
    if trig.kind == "http" and src.kind == "hook":
        steps.append(respond(c))
    f = fields(c, first, trig)
    f["n"] = str(len(used))
    title = c.pick(_PIPELINE_TITLES[src.kind]).format(**f)
    tags = ["automation", *src.tags, *(SINK_BY_KEY[k].tags[0] for k in used), "integrations"]
    return Out(steps, title, notes_sentence(c), tags, src.kind, f)


_PIPELINE_TITLES: dict[str, tuple[str, ...]] = _TEXTS["pipeline_titles"]
