"""AI-helper workflows for the demo corpus: summarise, classify, extract, embed or score the sentiment of an event."""

from __future__ import annotations

from typing import Any

from blokhub.seed.corpus_build import Ctx, Step
from blokhub.seed.corpus_patterns import (
    ALERT_CATS,
    DIGEST_CATS,
    STORE_CATS,
    URGENT_CATS,
    Out,
    branch_on_condition,
    build_with_notes,
    fields,
    if_else,
    intro,
    join_words,
    notes_sentence,
    pick_sink,
    weighted,
)
from blokhub.seed.corpus_sinks import Sink
from blokhub.seed.corpus_steps import (
    AI_BY_KEY,
    ai_step,
    embed_step,
    respond,
    shape_rows,
    vector_store_step,
)
from blokhub.seed.corpus_text import AI_TITLES
from blokhub.seed.python_steps import py_misc, py_sentiment
from blokhub.seed.tables import load

_TEXTS = load("texts")

MAX_STEPS = 12  # counting branch steps; the corpus promises 1-12 steps per workflow


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


_AI_VERBS: dict[str, tuple[str, str]] = _TEXTS["ai_verbs"]


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
        a_steps, a_notes = build_with_notes(c, lambda: [alert.build(c)])
        e_steps, e_notes = build_with_notes(c, lambda: [sink.build(c)])
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
