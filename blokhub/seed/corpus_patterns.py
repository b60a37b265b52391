"""Workflow shapes for the demo corpus: alerts, syncs, AI helpers, HTTP APIs, reports and manual jobs.

Each pattern fills a `Ctx` (steps + nodes) and returns an `Out` with the top-level steps, a title, the sentences
that explain the body of the workflow, and tags. The caller (`corpus._original`) adds the trigger and metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from blokhub.ai.service_catalogue import api
from blokhub.seed.corpus_build import Ctx, Source, Step, bearer, call, env_ref, json_headers, pg_conn
from blokhub.seed.corpus_sinks import SINKS, Sink
from blokhub.seed.corpus_steps import (
    AI_BY_KEY,
    ai_step,
    cache_get,
    cache_set,
    embed_step,
    ignore_step,
    py_misc,
    py_sentiment,
    respond,
    shape_rows,
    vector_store_step,
    verify_signature,
)
from blokhub.seed.corpus_text import AI_TITLES, HOOK_TITLES, POLL_TITLES

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


def _build_with_notes(c: Ctx, build: Any) -> tuple[list[Step], list[str]]:
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

    a_steps, a_notes = _build_with_notes(c, escalate)
    branches: list[tuple[str | None, list[Step]]] = [(cond, a_steps)]
    sentence = f"If {phrase}, it {join_words(a_notes)}"
    if len(src.conds) > 1 and c.chance(0.3):
        cond2, phrase2 = c.pick([x for x in src.conds if x[0] != cond])
        b_steps, b_notes = _build_with_notes(c, lambda: [pick_sink(c, ALERT_CATS).build(c)])
        branches.append((cond2, b_steps))
        sentence += f"; if {phrase2}, it {join_words(b_notes)}"
    if has_else:
        e_steps, e_notes = _build_with_notes(c, lambda: [main.build(c)])
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


_HOOK_AI = weighted(
    (
        ("classify", 34),
        ("summarise", 24),
        ("extract", 11),
        ("translate", 8),
        ("reply", 12),
        ("sentiment", 8),
        ("embed", 9),
    )
)
_POLL_AI = weighted((("digest", 70), ("embed", 20), ("sentiment", 10)))
_PLAIN_AI = weighted((("summarise", 60), ("extract", 20), ("embed", 20)))
# Sources whose main payload is human-written text, where triage, replies and sentiment make sense.
TEXT_SOURCES = frozenset(
    {
        "github-issue",
        "github-pr",
        "gitlab-mr",
        "github-release",
        "jira-issue",
        "typeform",
        "contact-form",
        "twilio-sms",
        "zendesk-ticket",
        "intercom",
        "sentry-error",
        "datadog",
        "pagerduty",
        "slack-command",
        "telegram-bot",
        "inbound-email",
        "feedback",
        "stripe-churn",
    }
)


def p_ai(c: Ctx, trig: Any) -> Out:
    src = c.src
    steps = intro(c)
    if src.kind == "poll":
        task = c.pick(_POLL_AI)
        if task == "sentiment" and src.key not in ("zendesk-open", "github-issues", "rss", "notion-tasks"):
            task = "digest"
    else:
        task = c.pick(_HOOK_AI if src.key in TEXT_SOURCES else _PLAIN_AI)
    if task == "sentiment" and src.many:
        steps.append(shape_rows(c))
    handler = _AI_HANDLERS.get(task, _ai_generic)
    sink, provider, body, store = handler(c, task, steps)
    f = fields(c, sink, trig)
    f["P"] = provider
    f["Store"] = store
    f["verbl"], f["phrase"] = _AI_VERBS[task]
    if trig.kind == "http" and src.kind == "hook" and c.chance(0.4):
        steps.append(respond(c))
    tags = ["ai", *src.tags, "openai" if "OpenAI" in provider or "GPT" in provider else "llm"]
    if sink is not None:
        tags.extend(sink.tags)
    title = c.pick(AI_TITLES[task]).format(**f)
    return Out(steps, title, body + notes_sentence(c), tags, "ai", f)


_AI_VERBS: dict[str, tuple[str, str]] = {
    "summarise": ("summarise", "writes a short summary"),
    "digest": ("summarise", "turns them into a digest"),
    "classify": ("triage", "labels it"),
    "extract": ("pull structured fields out of", "extracts the key fields"),
    "translate": ("translate", "translates it to English"),
    "reply": ("draft replies to", "drafts a reply"),
    "embed": ("index", "indexes it for semantic search"),
    "sentiment": ("score the sentiment of", "scores it"),
}


_SENTIMENT_CATS = weighted((("db", 60), ("sheet", 40)))
_AiResult = tuple[Sink | None, str, list[str], str]  # destination, provider, body sentences, vector store


def _ai_generic(c: Ctx, task: str, steps: list[Step]) -> _AiResult:
    if task in ("translate", "summarise", "reply") and c.chance(0.3):
        steps.append(py_misc(c, rows=False))
    step, provider = ai_step(c, AI_BY_KEY[task])
    steps.append(step)
    sink = pick_sink(c, STORE_CATS if task == "extract" else DIGEST_CATS if task == "digest" else ALERT_CATS)
    if c.src.conds and c.chance(0.35):
        step, sentence = branch_on_condition(c, sink)
        steps.append(step)
        return sink, provider, [sentence], ""
    steps.append(sink.build(c))
    return sink, provider, [], ""


def _ai_embed(c: Ctx, task: str, steps: list[Step]) -> _AiResult:
    steps.append(embed_step(c))
    step, store = vector_store_step(c, c.src.table)
    steps.append(step)
    c.notes.append(f"stores the embedding in {store}")
    provider = "OpenAI" if "openai.com" in str(c.nodes[steps[-2]["name"]]) else "Cohere"
    return None, provider, [], store


def _ai_sentiment(c: Ctx, task: str, steps: list[Step]) -> _AiResult:
    steps.append(py_sentiment(c))
    sink = pick_sink(c, _SENTIMENT_CATS, fallback="postgres")
    if c.chance(0.5):
        name = c.reserve(c.pick(("is-negative", "check-sentiment", "route-by-sentiment")))
        var = steps[-1]["name"]
        alert = pick_sink(c, ALERT_CATS)
        a_steps, a_notes = _build_with_notes(c, lambda: [alert.build(c)])
        e_steps, e_notes = _build_with_notes(c, lambda: [sink.build(c)])
        steps.append(if_else(c, name, [(f"ctx.vars['{var}'].sentiment === 'negative'", a_steps), (None, e_steps)]))
        sentence = f"When the sentiment is negative it {join_words(a_notes)}; otherwise it {join_words(e_notes)}."
        return sink, "Python", [sentence], ""
    steps.append(sink.build(c))
    return sink, "Python", [], ""


def _ai_classify(c: Ctx, task: str, steps: list[Step]) -> _AiResult:
    step, provider = ai_step(c, AI_BY_KEY["classify"])
    steps.append(step)
    out = c.ai_out or "ctx.response.data"
    name = c.reserve(c.pick(("route-by-label", "route-ticket", "switch-on-label", "triage-branch")))
    label = f"{out}.trim().toLowerCase()"
    urgent = pick_sink(c, URGENT_CATS)
    tracker = pick_sink(c, ("tracker",))
    default = pick_sink(c, ALERT_CATS)
    branches: list[tuple[str | None, list[Step]]] = [(f"{label} === 'urgent'", [urgent.build(c)])]
    if c.chance(0.6):
        branches.append((f"{label} === 'bug'", [tracker.build(c)]))
    if c.chance(0.5):
        branches.append((f"{label} === 'spam'", [c.step("drop-spam", "mapper", {"model": {"ignored": True}})]))
    branches.append((None, [default.build(c)]))
    steps.append(if_else(c, name, branches))
    return default, provider, ["Each label is routed to a different place."], ""


_AI_HANDLERS = {"embed": _ai_embed, "sentiment": _ai_sentiment, "classify": _ai_classify}

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


_PIPELINE_TITLES = {
    "hook": (
        "Full {noun} pipeline: {S} and {n} other tools",
        "Handle {nouns} end to end",
        "{Noun} automation hub",
        "Fan out {nouns} to {n} tools",
        "When {clause}, update everything",
        "{Service} {noun} workflow",
        "Process {nouns}: {S}, CRM, e-mail and more",
    ),
    "poll": (
        "{Adj} {Service} sync to {n} tools",
        "Distribute {nouns} {cad}",
        "{Adj} {noun} fan-out",
        "Sync {nouns} everywhere, {cad}",
    ),
}


# --- HTTP APIs ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resource:
    plural: str
    singular: str
    table: str
    cols: tuple[str, ...]


RESOURCES: tuple[Resource, ...] = (
    Resource("customers", "customer", "customers", ("name", "email", "company")),
    Resource("orders", "order", "orders", ("customer_id", "total", "status")),
    Resource("products", "product", "products", ("sku", "name", "price", "stock")),
    Resource("invoices", "invoice", "invoices", ("customer_id", "amount", "due_date")),
    Resource("tickets", "ticket", "tickets", ("subject", "priority", "status")),
    Resource("bookings", "booking", "bookings", ("guest_name", "starts_at", "room")),
    Resource("notes", "note", "notes", ("title", "body")),
    Resource("tasks", "task", "tasks", ("title", "assignee", "due_date", "done")),
    Resource("feature flags", "feature flag", "feature_flags", ("key", "enabled", "rollout")),
    Resource("short links", "short link", "short_links", ("slug", "target_url")),
    Resource("subscribers", "subscriber", "subscribers", ("email", "list", "confirmed")),
    Resource("events", "event", "events", ("name", "user_id", "properties")),
    Resource("recipes", "recipe", "recipes", ("title", "ingredients", "minutes")),
    Resource("leads", "lead", "leads", ("name", "email", "source")),
    Resource("inventory items", "inventory item", "inventory", ("sku", "warehouse", "quantity")),
    Resource("employees", "employee", "employees", ("name", "team", "start_date")),
)


def api_source(res: Resource) -> Source:
    body = "ctx.request.body"
    return Source(
        key=f"api-{res.table}",
        service="your app",
        tags=("api", "rest"),
        kind="api",
        clause=f"a {res.singular} changes",
        noun=res.singular,
        nouns=res.plural,
        msgs=(f"New {res.singular} created: ${{{body}.{res.cols[0]}}}",),
        subject=f"New {res.singular}",
        text=f"JSON.stringify({body})",
        row=tuple((col, f"{body}.{col}") for col in res.cols),
        table=res.table,
        channel="#api",
        email=f"{body}.email" if "email" in res.cols else None,
    )


API_SOURCES: tuple[Source, ...] = tuple(api_source(r) for r in RESOURCES)
RES_BY_TABLE = {r.table: r for r in RESOURCES}
_BACKENDS = weighted((("postgres", 40), ("mongo", 30), ("blok-pg", 12), ("memory", 18)))
_BACKEND_NAMES = {"postgres": "Postgres", "mongo": "MongoDB", "blok-pg": "Postgres", "memory": "in-memory storage"}


def _crud_step(c: Ctx, backend: str, op: str, res: Resource) -> Step:
    t = res.table
    base = (
        {
            "list": f"list-{t}",
            "get": f"get-{res.singular.replace(' ', '-')}",
            "create": f"create-{res.singular}",
            "update": f"update-{res.singular}",
            "delete": f"delete-{res.singular}",
        }[op]
        .replace(" ", "-")
        .replace("_", "-")
    )
    if backend == "memory":
        action = {"list": "get-all", "get": "get", "create": "set", "update": "set", "delete": "delete"}[op]
        inputs: dict[str, Any] = {"action": action}
        if op != "list":
            inputs["key"] = "${ctx.request.params.id}" if op != "create" else "${ctx.request.body.id}"
        if op in ("create", "update"):
            inputs["value"] = "js/ctx.request.body"
        return c.step(base, "memory-storage", inputs)
    if backend == "mongo":
        inputs = {"collection": t}
        if op in ("get", "update", "delete"):
            inputs["id"] = "${ctx.request.params.id}"
        if op in ("create", "update"):
            inputs["data"] = "js/ctx.request.body"
        if op == "list":
            inputs.update(
                {
                    "limit": "js/Number(ctx.request.query.limit || 20)",
                    "skip": "js/Number(ctx.request.query.offset || 0)",
                }
            )
        return c.step(base, "mongo-query", inputs)
    cols = ", ".join(res.cols)
    vals = ", ".join(f"'${{ctx.request.body.{col}}}'" for col in res.cols)
    sets = ", ".join(f"{col} = '${{ctx.request.body.{col}}}'" for col in res.cols)
    sql = {
        "list": f"SELECT * FROM {t} ORDER BY id DESC LIMIT ${{ctx.request.query.limit || 20}}",
        "get": f"SELECT * FROM {t} WHERE id = '${{ctx.request.params.id}}'",
        "create": f"INSERT INTO {t} ({cols}) VALUES ({vals}) RETURNING *",
        "update": f"UPDATE {t} SET {sets} WHERE id = '${{ctx.request.params.id}}' RETURNING *",
        "delete": f"DELETE FROM {t} WHERE id = '${{ctx.request.params.id}}'",
    }[op]
    if backend == "blok-pg":
        return c.step(base, "@blokjs/postgres", {"connectionString": env_ref(c, "DATABASE_URL"), "query": sql})
    inputs = pg_conn(c, c.pick(("app", "api", "backoffice")))
    inputs["query"] = sql
    return c.step(base, "postgres-query", inputs)


_METHOD_COND = 'ctx.request.method.toLowerCase() === "{m}"'


def api_crud(c: Ctx, res: Resource) -> tuple[list[Step], str, str, dict[str, Any]]:
    backend = c.pick(_BACKENDS)
    name = c.reserve(c.pick(("filter-request", "route-request", "method-router")))
    ops = [
        ("get", "list", " && ctx.request.params.id === undefined"),
        ("get", "get", ""),
        ("post", "create", ""),
        ("put", "update", ""),
        ("delete", "delete", ""),
    ]
    branches: list[tuple[str | None, list[Step]]] = []
    for m, op, extra in ops:
        if op in ("update", "delete") and c.chance(0.25):
            continue
        branches.append((_METHOD_COND.format(m=m) + extra, [_crud_step(c, backend, op, res)]))
    branches.append((None, [c.step("method-not-allowed", "error", {"message": "Method not allowed"})]))
    steps = [if_else(c, name, branches)]
    path = (
        "/:collection/:id?" if backend == "mongo" and c.chance(0.3) else c.pick(("/:id?", "/:id?", "/:function?/:id?"))
    )
    verbs = "list, read, create, update and delete" if len(branches) == 6 else "list, read and create"
    return (
        steps,
        "*",
        path,
        {
            "sentence": f"Routes on the HTTP method to {verbs} {res.plural}.",
            "Backend": _BACKEND_NAMES[backend],
            "variant": "crud",
        },
    )


def api_cached(c: Ctx, res: Resource) -> tuple[list[Step], str, str, dict[str, Any]]:
    key = f"{res.table}:${{ctx.request.params.id}}"
    get = cache_get(c, key)
    name = c.reserve(c.pick(("is-cached", "cache-hit", "check-cached")))
    hit = c.step("return-cached", "mapper", {"model": f"js/ctx.vars['{get['name']}'].value"})
    backend = c.pick(("postgres", "mongo", "blok-pg"))
    miss = [_crud_step(c, backend, "get", res), cache_set(c, key)]
    if c.chance(0.5):
        miss.append(
            c.step(
                "format-response",
                "mapper",
                {"model": {"data": "js/ctx.response.data.data?.[0] ?? ctx.response.data", "cached": False}},
            )
        )
    step = if_else(c, name, [(f"ctx.vars['{get['name']}']?.value !== undefined", [hit]), (None, miss)])
    return (
        [get, step],
        "GET",
        c.pick(("/:id", "/:id", f"/{res.table.replace('_', '-')}/:id")),
        {
            "sentence": f"Looks the {res.singular} up in memory first and only hits the database on a miss.",
            "Backend": _BACKEND_NAMES[backend],
            "variant": "cache",
        },
    )


def api_intake(c: Ctx, res: Resource) -> tuple[list[Step], str, str, dict[str, Any]]:
    steps: list[Step] = []
    if c.chance(0.5):
        steps.append(
            c.step(
                c.pick(("validate-body", "validate-input")),
                c.pick(("@blokjs/validate", "@community/json-schema")),
                {
                    "data": "js/ctx.request.body",
                    "schema": {
                        "type": "object",
                        "required": list(res.cols[:2]),
                        "properties": {col: {"type": "string"} for col in res.cols},
                    },
                },
            )
        )
    backend = c.pick(("postgres", "mongo", "blok-pg"))
    steps.append(_crud_step(c, backend, "create", res))
    if c.src.email is not None and c.chance(0.6):
        steps.append(SINK_BY_KEY[c.pick(("sendgrid", "postmark", "resend", "mailgun"))].build(c))
    elif c.chance(0.5):
        steps.append(pick_sink(c, ("chat",)).build(c))
    steps.append(respond(c, ok_only=True))
    return (
        steps,
        "POST",
        c.pick(("/", "/", f"/{res.table.replace('_', '-')}")),
        {
            "sentence": f"Accepts a JSON body and saves the {res.singular} to {_BACKEND_NAMES[backend]}.",
            "Backend": _BACKEND_NAMES[backend],
            "variant": "intake",
        },
    )


def api_rag(c: Ctx, res: Resource) -> tuple[list[Step], str, str, dict[str, Any]]:
    steps = [
        call(
            c,
            "embed-question",
            "POST",
            api("openai") + "/v1/embeddings",
            bearer(c, "OPENAI_API_KEY"),
            {"model": "text-embedding-3-small", "input": "${ctx.request.body.question}"},
            set_var=True,
        )
    ]
    c.env.append("QDRANT_API_KEY")
    coll = c.pick(("docs", "help-center", "handbook", "kb-articles", "product-docs"))
    steps.append(
        call(
            c,
            "search-qdrant",
            "POST",
            f"${{ctx.env.QDRANT_URL}}/collections/{coll}/points/search",
            {"api-key": "${ctx.env.QDRANT_API_KEY}", "Content-Type": "application/json"},
            {
                "vector": "js/ctx.vars['embed-question'].data[0].embedding",
                "limit": c.pick((3, 5, 8)),
                "with_payload": True,
            },
            set_var=True,
        )
    )
    steps.append(
        c.step(
            "answer",
            "openai",
            {
                "system": [
                    "Answer the question using only the context below. Say you don't know if it isn't there.",
                    "js/ctx.vars['search-qdrant'].result.map(p => p.payload.text).join('\\n---\\n')",
                ],
                "prompt": ["${ctx.request.body.question}"],
            },
        )
    )
    steps.append(
        c.step(
            "create-response",
            "mapper",
            {
                "model": {
                    "answer": "js/ctx.response.data",
                    "sources": "js/ctx.vars['search-qdrant'].result.map(p => p.payload.url)",
                }
            },
        )
    )
    return (
        steps,
        "POST",
        c.pick(("/ask", "/", "/search")),
        {
            "sentence": f"Embeds the question, searches the `{coll}` collection in Qdrant and lets OpenAI answer "
            "from the top matches.",
            "Backend": "Qdrant",
            "variant": "rag",
            "coll": coll.replace("-", " "),
        },
    )


def api_pdf(c: Ctx, res: Resource) -> tuple[list[Step], str, str, dict[str, Any]]:
    """The rentals-pdf shape: query, shape rows, render with the Python runtime, return base64-pdf."""
    inputs = pg_conn(c, c.pick(("app", "reporting", "backoffice")))
    inputs["query"] = (
        f"SELECT {', '.join(res.cols)} FROM {res.table} "
        "WHERE created_at >= date_trunc('month', now()) ORDER BY created_at LIMIT 500"
    )
    steps = [
        c.step(f"get-{res.table.replace('_', '-')}", "postgres-query", inputs),
        c.step(
            c.pick(("format-data", "shape-rows")),
            "array-map",
            {
                "array": "js/ctx.response.data.data",
                "map": "{ " + ", ".join(f"{col}: data.{col}" for col in res.cols) + " }",
            },
        ),
        c.step(
            "generate-pdf",
            "generate-pdf",
            {"title": f"{cap(res.plural)} this month", "sales_data": "js/ctx.response.data"},
            kind="runtime.python3",
        ),
        c.step("response", "base64-pdf", {"base64": "${ctx.response.data.pdf_base64}"}),
    ]
    return (
        steps,
        "GET",
        c.pick(("/", "/pdf", "/export")),
        {
            "sentence": f"Queries this month's {res.plural}, renders them with the Python `generate-pdf` node and "
            "returns the PDF.",
            "Backend": "Postgres",
            "variant": "pdf",
        },
    )


@dataclass(frozen=True, slots=True)
class Proxy:
    key: str
    titles: tuple[str, ...]
    url: str
    path: str
    tags: tuple[str, ...]
    env: str | None = None
    model: tuple[tuple[str, str], ...] = ()


PROXIES: tuple[Proxy, ...] = (
    Proxy(
        "countries",
        ("World Countries", "Countries and capitals API", "Country list endpoint"),
        "https://countriesnow.space/api/v0.1/countries/capital",
        "/",
        ("countries", "public-api"),
        model=(("countries", "js/ctx.response.data.data"),),
    ),
    Proxy(
        "catfacts",
        ("Cat facts", "Random cat fact endpoint", "Cat fact of the day"),
        "https://catfact.ninja/fact",
        "/",
        ("fun", "public-api"),
        model=(("fact", "${ctx.response.data.fact}"),),
    ),
    Proxy(
        "weather",
        ("Current weather for any city", "Weather API proxy", "Simple weather endpoint"),
        "https://api.openweathermap.org/data/2.5/weather?q=${ctx.request.params.city}&units=metric"
        "&appid=${ctx.env.OPENWEATHER_API_KEY}",
        "/:city",
        ("weather", "api"),
        env="OPENWEATHER_API_KEY",
        model=(
            ("city", "${ctx.request.params.city}"),
            ("temperature", "js/ctx.response.data.main.temp"),
            ("conditions", "js/ctx.response.data.weather[0].description"),
        ),
    ),
    Proxy(
        "rates",
        ("Currency conversion endpoint", "Exchange rates API", "Convert currencies on the fly"),
        api("rates") + "/latest?from=${ctx.request.query.from || 'EUR'}&to=${ctx.request.query.to}",
        "/",
        ("finance", "currency"),
        model=(("rates", "js/ctx.response.data.rates"), ("date", "${ctx.response.data.date}")),
    ),
    Proxy(
        "github-repo",
        ("GitHub repo stats", "Repository stats endpoint", "Stars and forks for any repo"),
        api("github") + "/repos/${ctx.request.params.owner}/${ctx.request.params.repo}",
        "/:owner/:repo",
        ("github", "api"),
        env="GITHUB_TOKEN",
        model=(
            ("stars", "js/ctx.response.data.stargazers_count"),
            ("forks", "js/ctx.response.data.forks_count"),
            ("open_issues", "js/ctx.response.data.open_issues_count"),
        ),
    ),
    Proxy(
        "launches",
        ("Upcoming rocket launches", "Launches by year", "Space launches API"),
        "https://ll.thespacedevs.com/2.3.0/launches/upcoming/?format=json&limit=${ctx.request.query.limit || 10}",
        "/",
        ("space", "public-api"),
        model=(("launches", "js/ctx.response.data.results"),),
    ),
    Proxy(
        "holidays",
        ("Public holidays by country", "Holiday calendar API", "Is it a holiday today?"),
        "https://date.nager.at/api/v3/PublicHolidays/${new Date().getFullYear()}/${ctx.request.params.country}",
        "/:country",
        ("calendar", "public-api"),
    ),
    Proxy(
        "crypto",
        ("Crypto price ticker", "Bitcoin price endpoint", "Crypto prices API"),
        api("crypto") + "/api/v3/simple/price?ids=${ctx.request.query.ids || 'bitcoin'}&vs_currencies=usd",
        "/",
        ("crypto", "finance"),
    ),
    Proxy(
        "pokemon",
        ("Pokémon lookup", "Pokédex API", "Pokémon by name"),
        "https://pokeapi.co/api/v2/pokemon/${ctx.request.params.name}",
        "/:name",
        ("fun", "public-api"),
        model=(("name", "${ctx.response.data.name}"), ("types", "js/ctx.response.data.types.map(t => t.type.name)")),
    ),
    Proxy(
        "ip",
        ("IP geolocation endpoint", "Where is this IP?", "Geo-IP lookup"),
        "https://ipapi.co/${ctx.request.params.ip}/json/",
        "/:ip",
        ("geo", "api"),
        model=(("country", "${ctx.response.data.country_name}"), ("city", "${ctx.response.data.city}")),
    ),
    Proxy(
        "stripe-customer",
        ("Stripe customer lookup", "Get a Stripe customer by ID", "Customer billing info API"),
        api("stripe") + "/v1/customers/${ctx.request.params.id}",
        "/:id",
        ("stripe", "payments"),
        env="STRIPE_SECRET_KEY",
        model=(("email", "${ctx.response.data.email}"), ("balance", "js/ctx.response.data.balance / 100")),
    ),
    Proxy(
        "hubspot-contact",
        ("HubSpot contact lookup", "Find a HubSpot contact"),
        api("hubspot") + "/crm/v3/objects/contacts/${ctx.request.params.email}?idProperty=email",
        "/:email",
        ("hubspot", "crm"),
        env="HUBSPOT_ACCESS_TOKEN",
        model=(("contact", "js/ctx.response.data.properties"),),
    ),
)


def api_proxy(c: Ctx, proxy: Proxy) -> tuple[list[Step], str, str, dict[str, Any]]:
    headers = bearer(c, proxy.env) if proxy.env and "appid" not in proxy.url else json_headers()
    if proxy.env and "appid" in proxy.url:
        c.env.append(proxy.env)
    steps: list[Step] = []
    limited = c.chance(0.2)
    if limited:
        steps.append(
            c.step(
                "rate-limit",
                c.pick(("@blokjs/rate-limit", "@community/rate-limiter")),
                {"key": "${ctx.request.ip}", "limit": c.pick((30, 60, 120)), "window": "1m"},
            )
        )
    base = c.pick((f"get-{proxy.key}", f"fetch-{proxy.key}", "api", f"call-{proxy.key}-api"))
    steps.append(call(c, base, "GET", proxy.url, headers))
    if proxy.model and c.chance(0.65):
        steps.append(
            c.step(c.pick(("format-response", "shape-response", "response")), "mapper", {"model": dict(proxy.model)})
        )
    sentence = "Rate-limited per IP." if limited else ""
    return steps, "GET", proxy.path, {"sentence": sentence, "Backend": "", "variant": "proxy"}
