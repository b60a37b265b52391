"""What the first step can read: the webhook's event record, the submitted form, the query, or nothing (cron)."""

from __future__ import annotations

import re

from blokhub.ai.intent import Intent
from blokhub.ai.step_draft import StepContext

_TABLE_NOUNS = re.compile(
    r"\b(order|lead|signup|payment|contact|submission|issue|event|ticket|customer|invoice|subscriber|"
    r"user|message|report|product|booking|registration|deal|alert|comment|review)s?\b"
)
_CHANNEL = re.compile(r"(?<![\w#])#([a-z0-9][a-z0-9_-]{1,40})\b")


def safe_text(text: str, limit: int = 160) -> str:
    """Prompt words inside a workflow string: no ${ or js/ (they would run as code), no stray whitespace."""
    text = " ".join(text.split()).replace("${", "$ {").replace("`", "'")
    text = re.sub(r"^js/", "js /", text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_NAMED = re.compile(r"\b(?:table|collection|sheet) (?:called|named) [\"'`]?([a-z][a-z0-9_]{1,40})")
# "collection orders_v2", "table Payments": a name right after the word, if it looks like one (not "table in ...")
_NAMED_AFTER = re.compile(r"\b(?:table|collection)\s+[\"'`]?([A-Za-z][A-Za-z0-9_]{1,40})\b")
_STORE_TABLE = re.compile(
    r"\b(?:postgres(?:ql)?|mysql|mongo(?:db)?|database|db|airtable)\s+(?:table|collection)\s+([a-z][a-z0-9_]{1,40})"
)
_COMMON = frozenset(
    {"in", "of", "to", "and", "for", "from", "with", "on", "at", "into", "the", "a", "an", "every", "each"}
)
_NAMED_BEFORE = re.compile(r"\b([a-z][a-z0-9_]{2,40}) (?:table|collection)\b")
_NOT_NAMES = frozenset({"the", "our", "a", "my", "new", "that", "this", "mongo", "mongodb", "postgres", "mysql", "sql"})


def named_table(text: str) -> str | None:
    """A table or collection the user named: "the leads_2025 table", "a collection called raw_events"."""
    lowered = text.lower()
    named = _NAMED.search(lowered)
    if named:
        return named.group(1)
    store = _STORE_TABLE.search(lowered)
    if store and store.group(1) not in _COMMON:
        return store.group(1)
    after = next((m for m in _NAMED_AFTER.finditer(text) if m.group(1).lower() not in _COMMON), None)
    if after and (after.group(1)[0].isupper() or re.search(r"[_\d]", after.group(1))):
        return after.group(1)
    before = next((m for m in _NAMED_BEFORE.finditer(lowered) if m.group(1) not in _NOT_NAMES), None)
    return before.group(1) if before else None


def table_name(intent: Intent) -> str:
    named = named_table(intent.text)
    noun = _TABLE_NOUNS.search(intent.text.lower())
    if named:
        return named
    if intent.form:
        return f"{intent.form}_submissions"
    if noun:
        return noun.group(1) + "s"
    if intent.event:
        return f"{intent.event.service.key}_events"
    return "records"


def starting_context(intent: Intent, api_node: str) -> StepContext:
    ctx = _first_context(intent, api_node)
    ctx.recipients = list(intent.emails)
    ctx.project = intent.project
    ctx.delete = intent.trigger.kind == "http" and intent.trigger.method == "DELETE" and ":" in intent.trigger.path
    ctx.phone = intent.phones[0] if intent.phones else None
    if intent.to_sender and ctx.record.startswith("ctx.request"):
        alias = intent.event.service.fields.get("email", "email") if intent.event else "email"
        ctx.recipients = [f"${{{ctx.record}.{alias}}}"]
        ctx.phone = ctx.phone or f"${{{ctx.record}.phone}}"
    return ctx


def _first_context(intent: Intent, api_node: str) -> StepContext:
    table = table_name(intent)
    channel_match = _CHANNEL.search(intent.text.lower())
    channel = "#" + channel_match.group(1) if channel_match else "#general"
    trigger = intent.trigger
    if intent.event is not None:
        service = intent.event.service
        record = service.record or "ctx.request.body"
        message = (service.message or f"New {service.label} event: ${{JSON.stringify({{r}}).slice(0, 500)}}").replace(
            "{r}", record
        )
        return StepContext(
            record,
            message,
            f"New {service.label} event",
            table,
            api_node=api_node,
            python=intent.python,
            channel=channel,
        )
    if trigger.kind == "http" and trigger.method in ("POST", "PUT", "PATCH", "*"):
        record = "ctx.request.body"
        if intent.form:
            body = "ctx.request.body"
            message = (
                f"New {intent.form} form submission from ${{{body}.name}} (${{{body}.email}}): ${{{body}.message}}"
            )
            subject = f"New {intent.form} form submission from ${{{body}.name}}"
        else:
            message = "New request: ${JSON.stringify(ctx.request.body).slice(0, 500)}"
            subject = "New request"
        return StepContext(record, message, subject, table, api_node=api_node, python=intent.python, channel=channel)
    if trigger.kind == "http":
        record = "ctx.request.params" if ":" in trigger.path else "ctx.request.query"
        message = f"Request for ${{JSON.stringify({record})}}"
        return StepContext(record, message, "Request", table, api_node=api_node, python=intent.python, channel=channel)
    # A scheduled run has no input: the message is the reminder the prompt describes.
    message = f"Scheduled: {safe_text(intent.text, 200)}"
    subject = f"Scheduled: {safe_text(intent.text, 60)}"
    return StepContext(
        "ctx.response.data", message, subject, table, api_node=api_node, python=intent.python, channel=channel
    )
