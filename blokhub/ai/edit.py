"""Follow-up messages: apply one request to the current draft and keep everything else as it was.

Tried in this order on one message: things no step can do (said, not dropped), removals, replacements ("use
Discord instead of Slack", "store it in MongoDB instead"), condition changes, trigger and schedule changes,
renames, value changes (channel, recipients, city, table), added services and conditions; then the data-flow
repair, so no step reads what the (new) trigger does not provide. Steps are found again by their service (step
name, node and URL), whoever wrote them.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from blokhub.ai.builtin_ops import SOURCES
from blokhub.ai.builtin_sinks import SINKS
from blokhub.ai.builtin_sources import DATA
from blokhub.ai.builtin_transforms import ai_task, openai_step, pdf_step
from blokhub.ai.catalogue import NodePicker
from blokhub.ai.compose import StepList, mapper
from blokhub.ai.edit_conditions import condition_edits
from blokhub.ai.edit_steps import add_condition, insert_at, service_of
from blokhub.ai.edit_swap import SPECIFIC, apply_swap, matching_steps, present_keys, removals, reroute, swaps
from blokhub.ai.edit_trigger import repair_data_flow, trigger_edits
from blokhub.ai.edit_values import drop_gone_values, follow_in_words, value_edits
from blokhub.ai.guard import CheckedPrompt
from blokhub.ai.intent import Intent, parse_intent
from blokhub.ai.redaction import redact_workflow
from blokhub.ai.schemas import GenerationError
from blokhub.ai.service_catalogue import BY_KEY
from blokhub.ai.starting_point import safe_text, starting_context
from blokhub.ai.step_draft import StepContext, StepDraft
from blokhub.ai.unsupported import unsupported
from blokhub.ai.url_guard import replace_internal_addresses

_RENAME = re.compile(
    r"(?:^\s*(?:title|name)\s*:|\b(?:rename(?: it| the workflow| this(?: workflow)?)?(?: to| as)?|(?:call|name|title|retitle) (?:it|this|the workflow|"
    r"this workflow)(?: as| to)?|change the (?:workflow(?:'s)? )?(?:name|title) to|(?:set|make) the (?:name|title) to?))\s+[\"']?(?P<name>[^\"'.\n]{3,80}?)[\"']?(?=\s+and\s|[.\n]|$)"
)
_REQUEST_PARTS = ("ctx.request.body", "ctx.request.query", "ctx.request.params")
_PLEASANTRY = re.compile(
    r"\s*(?:ok(?:ay)?|thanks?|thank you|nice|great|cool|perfect|lgtm|hmm+|good|looks (?:good|nice|great|fine))\b"
)
KEPT = (
    "I kept the draft as it was: I could not tell what to change. Try e.g. 'use Discord instead of Slack', "
    "'also save it to our database' or 'make it run every hour'."
)


def edit_workflow(
    current: dict[str, Any], checked: CheckedPrompt, picker: NodePicker
) -> tuple[dict[str, Any], list[str]]:
    if (
        not isinstance(current, dict)
        or not isinstance(current.get("steps"), list)
        or not isinstance(current.get("nodes"), dict)
    ):
        raise GenerationError("invalid_current", "The draft to edit must be a workflow object with steps and nodes.")
    work, redacted = redact_workflow(copy.deepcopy(current))
    work, rehosted = replace_internal_addresses(work)
    text = checked.text
    lowered = text.lower()
    rename = _RENAME.search(text)
    asked = text[: rename.start()] + text[rename.end() :] if rename else text  # a name is not a request
    intent = parse_intent(asked)
    out = StepList(
        picker, names=set(work["nodes"]) | {s.get("name") for s in work["steps"] if isinstance(s.get("name"), str)}
    )
    out.steps, out.nodes = work["steps"], work["nodes"]
    ctx = _context_of(work, intent, picker)
    not_done = unsupported(asked)  # "call it Money in" names the workflow, it asks for no phone call
    before = present_keys(out)
    handled: set[str] = set()
    notes = removals(lowered, out, handled)
    notes += reroute(intent, out, ctx, handled)
    swapped: list[tuple[str, str]] = []
    for old, new in swaps(lowered, out):
        if old.key not in handled and new.key not in handled:
            notes.append(apply_swap(out, ctx, old, new))
            handled.update({old.key, new.key})
            swapped.append((old.label, new.label))
    replaced: list[tuple[str, str]] = []  # (old value, new value), for the name and description
    condition_notes, about_condition = condition_edits(text, out, replaced)
    notes += condition_notes
    notes += trigger_edits(work, intent, text)
    if rename:
        work["name"] = safe_text(rename.group("name").strip(), 80)
        notes.append(f"renamed it to {work['name']!r}")
    ctx = _context_of(work, intent, picker)  # what steps added from here on can read, under the new trigger
    notes += _add(intent, out, ctx, handled)
    notes += value_edits(text, intent, out, replaced)
    replaced += swapped + _service_turnover(before, present_keys(out), intent)
    follow_in_words(work, replaced)
    drop_gone_values(work)
    if intent.condition is not None and not about_condition:
        notes += add_condition(intent, out, ctx)
    notes += repair_data_flow(out, work, _context_of(work, intent, picker, reuse_message=False))
    if rehosted:
        notes.append("replaced internal addresses with environment references (" + ", ".join(rehosted) + ")")
    if redacted:
        notes.append("replaced literal credentials with environment references (" + ", ".join(redacted) + ")")
    if not work["steps"]:
        out.add(_ack(), "sink", ctx)
    already = [u.service.label for u in intent.uses if matching_steps(out, u.service.key)]
    if not notes and not not_done and already:
        return work, [f"I did not change the draft: it already uses {', '.join(dict.fromkeys(already))}."]
    if not notes and not not_done and not _PLEASANTRY.match(lowered):
        not_done = [
            f"I did not change anything for “{safe_text(text, 120)}”: no step, value or setting of the draft matches "
            "it. I can replace, add or remove services, change the trigger, the schedule, a condition, recipients, "
            "channels, tables and the name."
        ]
    if not notes:
        lead = "" if not_done and not_done[0].startswith("I did not change") else "I did not change the draft. "
        return work, [(lead + " ".join(not_done)) if not_done else KEPT]
    return work, ["Updated the draft: " + "; ".join(notes) + ".", *not_done]


def _service_turnover(before: set[str], after: set[str], intent: Intent) -> list[tuple[str, str]]:
    """ "stop posting to Slack, email finance@x.com instead": one service went and one came, so the name and
    description that said the old one now say the new one."""
    gone, came = sorted(before - after), sorted(after - before)
    if len(gone) != 1 or len(came) != 1 or gone[0] not in BY_KEY or came[0] not in BY_KEY:
        return []
    said = next((u.service.label for u in intent.uses if u.service.key in (came[0], *_generic_of(came[0]))), None)
    return [(BY_KEY[gone[0]].label, said or BY_KEY[came[0]].label)]


def _generic_of(key: str) -> tuple[str, ...]:
    return tuple(generic for generic, specifics in SPECIFIC.items() if key in specifics)


def _ack() -> StepDraft:
    return mapper("respond", {"received": True, "requestId": "${ctx.id}"})


def _context_of(work: dict[str, Any], intent: Intent, picker: NodePicker, *, reuse_message: bool = True) -> StepContext:
    """What a new step can read in this draft: a fetched record if a source step exists, else the trigger's input."""
    raw_trigger = work.get("trigger")
    trigger: dict[str, Any] = raw_trigger if isinstance(raw_trigger, dict) else {}
    http = trigger.get("http") if isinstance(trigger.get("http"), dict) else None
    ctx = starting_context(intent, picker.api_node)
    if http is not None and str(http.get("method", "")).upper() in ("POST", "PUT", "PATCH", "*"):
        ctx.record = "ctx.request.body"
        ctx.message = "New request: ${JSON.stringify(ctx.request.body).slice(0, 500)}"
    elif http is not None:
        ctx.record = "ctx.request.query"
        ctx.message = "Request for ${JSON.stringify(ctx.request.query)}"
    elif not reuse_message:
        name = safe_text(str(work.get("name") or "workflow"), 80)
        ctx.record, ctx.message, ctx.subject = DATA, f"Scheduled run of {name}", f"Scheduled: {name}"
    if any(
        isinstance(s, dict)
        and not s.get("set_var")
        and s.get("node") not in ("mapper",)
        and not str(s.get("name", "")).startswith("verify-")
        for s in work["steps"][:-1] or work["steps"]
    ):
        ctx.record = DATA
        ctx.message = f"${{JSON.stringify({DATA}).slice(0, 500)}}"
    for config in work["nodes"].values():
        body = (
            config.get("inputs", {}).get("body")
            if isinstance(config, dict) and isinstance(config.get("inputs"), dict)
            else None
        )
        text = next(
            (
                body[k]
                for k in ("text", "content", "message")
                if isinstance(body, dict) and isinstance(body.get(k), str)
            ),
            None,
        )
        usable = text is not None and (
            reuse_message
            or ("ctx.vars" not in text and not any(part in text and part != ctx.record for part in _REQUEST_PARTS))
        )
        if text and usable:
            ctx.message = text  # reuse the message the draft already sends, so a swapped service says the same
            break
    return ctx


def _add(intent: Intent, out: StepList, ctx: StepContext, handled: set[str]) -> list[str]:
    notes: list[str] = []
    present = present_keys(out)
    for use in intent.uses:
        key = use.service.key
        if key in handled or key in present or matching_steps(out, key) or (use.role == "sink" and key not in SINKS):
            continue
        if use.role == "source" and key in SOURCES:
            fetched = SOURCES[key](ctx, "")
            name = insert_at(out, fetched.step, "source", ctx, position=0)
            if fetched.then is not None:
                insert_at(out, fetched.then, "source", ctx, position=1)
            ctx.record, ctx.many, ctx.message = fetched.items or DATA, fetched.items is not None, fetched.message
        elif use.role == "sink":
            name = insert_at(out, SINKS[key](ctx), "sink", ctx, position=None)
        elif key == "openai":
            name = _add_ai(intent, out, ctx)
        elif key == "pdf":
            name = insert_at(out, pdf_step(ctx, "generate-pdf"), "transform", ctx, position=_first_sink(out))
        else:
            continue
        notes.append(f"added {name} ({use.service.label})")
        handled.add(key)
    return notes


def _first_sink(out: StepList) -> int:
    return next(
        (i for i, s in enumerate(out.steps) if s.get("set_var") and not str(s.get("name")).startswith("verify-")),
        len(out.steps),
    )


def _add_ai(intent: Intent, out: StepList, ctx: StepContext) -> str:
    """An OpenAI step before the first destination; the destinations then send what it wrote."""
    task = ai_task(intent.text.lower())
    name = out.reserve(f"{task.key}-with-openai")
    step, output = openai_step(ctx, name, task)
    first_sink = next(
        (i for i, s in enumerate(out.steps) if s.get("set_var") and not str(s.get("name")).startswith("verify-")),
        len(out.steps),
    )
    holder: list[dict[str, Any]] = []
    out.add(step, "transform", ctx, holder, name=name)
    out.steps.insert(first_sink, holder[0])
    ctx.message = f"${{{output}}}"
    for later in out.steps[first_sink + 1 :]:
        key = service_of(later, out.nodes.get(str(later.get("name"))))
        if (
            key in SINKS
            and later.get("set_var")
            and key not in ("postgres", "mysql", "mongodb", "database", "redis", "s3")
        ):
            out.nodes[str(later["name"])] = {"inputs": out.picker.refine(SINKS[key](ctx), "sink", ctx).inputs}
    return name
