"""The parts of a draft that are words: trigger settings, name, description and the explanation shown to people."""

from __future__ import annotations

from typing import Any

from blokhub.ai.intent import Intent, TriggerIntent
from blokhub.ai.starting_point import safe_text


def trigger_block(trigger: TriggerIntent) -> dict[str, Any]:
    if trigger.kind == "cron" and trigger.schedule is not None:
        return {"cron": {"schedule": trigger.schedule.cron, "timezone": trigger.schedule.timezone}}
    return {"http": {"method": trigger.method, "path": trigger.path, "accept": "application/json"}}


def trigger_words(trigger: TriggerIntent) -> str:
    if trigger.kind == "cron" and trigger.schedule is not None:
        return f"Runs {trigger.schedule.words} (cron `{trigger.schedule.cron}`, {trigger.schedule.timezone})"
    return f"Answers {trigger.method} {trigger.path}"


def _join(words: list[str]) -> str:
    words = list(dict.fromkeys(words))
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def workflow_name(intent: Intent) -> str:
    if intent.event is not None:
        left = f"{intent.event.service.label} events"
    elif intent.form:
        left = f"{intent.form.title()} form"
    elif intent.of_role("source"):
        left = _join([u.service.label for u in intent.of_role("source")])
    elif intent.urls:
        left = "API data"
    else:
        left = "Scheduled job" if intent.trigger.kind == "cron" else "Webhook"
    sinks = [u.service.label for u in intent.of_role("sink")]
    ai = " (AI)" if any(u.service.key == "openai" for u in intent.uses) else ""
    name = (
        f"{left}{ai} to {_join(sinks)}" if sinks else f"{left}{ai} {'API' if intent.trigger.kind == 'http' else 'job'}"
    )
    return safe_text(name[0].upper() + name[1:], 80)


def description(text: str) -> str:
    text = safe_text(text, 240)
    return text[0].upper() + text[1:] if text else ""


def explanation(trigger: TriggerIntent, notes: list[str], env: list[str], extra: list[str]) -> str:
    parts = [trigger_words(trigger)]
    if notes:
        parts.append("then it " + _join(notes))
    sentence = ", ".join(parts) + "."
    lines = [sentence, *extra]
    if env:
        lines.append("Set these environment variables where it runs: " + ", ".join(dict.fromkeys(env)) + ".")
    return " ".join(lines)
