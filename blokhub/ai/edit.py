"""Follow-up messages: apply one request to the current draft and keep everything else as it was.

Supported edits, in the order they are tried on one message: swap a service ("use Discord instead of Slack"),
remove one ("drop the e-mail"), change the trigger ("make it run every hour", "make it a GET endpoint"),
rename, add a condition ("only if the amount is over 1000"), and add services ("also save it to our
database"). Steps are found again by their service (step name, node and URL), whoever wrote them.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from blokhub.ai.builtin_sinks import SINKS
from blokhub.ai.builtin_sources import DATA, SOURCES
from blokhub.ai.catalogue import NodePicker
from blokhub.ai.compose import StepList, mapper
from blokhub.ai.describe import trigger_block, trigger_words
from blokhub.ai.edit_steps import add_condition, insert_at, service_of, steps_of_service
from blokhub.ai.guard import CheckedPrompt
from blokhub.ai.intent import Intent, parse_intent
from blokhub.ai.redaction import redact_workflow
from blokhub.ai.schemas import GenerationError
from blokhub.ai.service_catalogue import Service, find_mentions
from blokhub.ai.starting_point import safe_text, starting_context
from blokhub.ai.step_draft import StepContext, StepDraft
from blokhub.ai.url_guard import replace_internal_addresses

_SWAPS = (
    re.compile(
        r"\b(?:use|switch to|go with|try|prefer|send (?:it )?to|post (?:it )?to)\s+(?P<new>[\w -]{2,30}?)\s+instead of\s+(?P<old>[\w -]{2,30})"
    ),
    re.compile(
        r"\binstead of\s+(?P<old>[\w -]{2,30}?),?\s+(?:use|send (?:it )?to|post (?:it )?to)\s+(?P<new>[\w -]{2,30})"
    ),
    re.compile(
        r"\b(?:replace|swap)\s+(?:the\s+)?(?P<old>[\w -]{2,30}?)\s+(?:step\s+)?(?:with|for|by)\s+(?P<new>[\w -]{2,30})"
    ),
    re.compile(r"\bswitch\s+(?:it\s+)?from\s+(?P<old>[\w -]{2,30}?)\s+to\s+(?P<new>[\w -]{2,30})"),
)
_REMOVE = re.compile(
    r"\b(?:remove|drop|delete|skip|stop (?:sending|posting|saving|writing)|no longer|don't|do not|without|get rid of)\b"
)
_RENAME = re.compile(r"\b(?:rename (?:it|the workflow) to|call it|name it)\s+[\"']?(?P<name>[^\"'.\n]{3,80})")
_TRIGGER_CHANGE = re.compile(
    r"\b(?:make it|run it|change|switch|turn it into|instead|trigger|endpoint|webhook|schedule|cron|get|post|put|patch|delete)\b"
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
    intent = parse_intent(text)
    out = StepList(
        picker, names=set(work["nodes"]) | {s.get("name") for s in work["steps"] if isinstance(s.get("name"), str)}
    )
    out.steps, out.nodes = work["steps"], work["nodes"]
    ctx = _context_of(work, intent, picker)
    notes: list[str] = []
    handled: set[str] = set()
    notes += _swap(lowered, out, ctx, handled)
    notes += _remove(lowered, out, handled)
    notes += _retrigger(work, intent, lowered)
    rename = _RENAME.search(text)
    if rename:
        work["name"] = safe_text(rename.group("name").strip(), 80)
        notes.append(f"renamed it to {work['name']!r}")
    notes += _add(intent, out, ctx, handled)
    if intent.condition is not None:
        notes += add_condition(intent, out, ctx)
    if rehosted:
        notes.append("replaced internal addresses with environment references (" + ", ".join(rehosted) + ")")
    if redacted:
        notes.append("replaced literal credentials with environment references (" + ", ".join(redacted) + ")")
    if not work["steps"]:
        out.add(_ack(), "sink", ctx)
    if not notes:
        return work, [
            "I kept the draft as it was: I could not tell what to change. Try e.g. 'use Discord instead of Slack', "
            "'also save it to our database' or 'make it run every hour'."
        ]
    return work, ["Updated the draft: " + "; ".join(notes) + "."]


def _ack() -> StepDraft:
    return mapper("respond", {"received": True, "requestId": "${ctx.id}"})


def _context_of(work: dict[str, Any], intent: Intent, picker: NodePicker) -> StepContext:
    """What a new step can read in this draft: a fetched record if a source step exists, else the trigger's input."""
    raw_trigger = work.get("trigger")
    trigger: dict[str, Any] = raw_trigger if isinstance(raw_trigger, dict) else {}
    http = trigger.get("http") if isinstance(trigger.get("http"), dict) else None
    ctx = starting_context(intent, picker.api_node)
    if http is not None and str(http.get("method", "")).upper() in ("POST", "PUT", "PATCH", "*"):
        ctx.record = "ctx.request.body"
        ctx.message = "New request: ${JSON.stringify(ctx.request.body).slice(0, 500)}"
    if any(
        isinstance(s, dict) and not s.get("set_var") and s.get("node") not in ("mapper",)
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
        if text:
            ctx.message = text  # reuse the message the draft already sends, so a swapped service says the same
            break
    return ctx


def _mention(text: str) -> Service | None:
    found = find_mentions(text)
    return found[0].service if found else None


def _swap(lowered: str, out: StepList, ctx: StepContext, handled: set[str]) -> list[str]:
    for pattern in _SWAPS:
        match = pattern.search(lowered)
        if not match:
            continue
        old, new = _mention(match.group("old")), _mention(match.group("new"))
        if old is None or new is None or old.key == new.key:
            continue
        targets = steps_of_service(out, old.key)
        if not targets:
            return [f"found no {old.label} step to replace"]
        for step, _container in targets:
            sink = bool(step.get("set_var")) or new.key not in SOURCES
            builder = SINKS.get(new.key) if sink else None
            draft = builder(ctx) if builder else (SOURCES[new.key](ctx, "").step if new.key in SOURCES else None)
            if draft is None:
                return [f"{new.label} cannot take the place of {old.label}"]
            draft = out.picker.refine(draft, "sink" if sink else "source", ctx)
            del out.nodes[step["name"]]
            out.names.discard(step["name"])
            name = out.reserve(draft.base)
            step.clear()
            step.update(
                {"name": name, "node": draft.node, "type": draft.type, **({"set_var": True} if draft.set_var else {})}
            )
            out.nodes[name] = {"inputs": draft.inputs}
        handled.update({old.key, new.key})
        return [f"replaced {old.label} with {new.label}"]
    return []


def _remove(lowered: str, out: StepList, handled: set[str]) -> list[str]:
    notes = []
    for cue in _REMOVE.finditer(lowered):
        target = _mention(lowered[cue.end() : cue.end() + 40])
        if target is None or target.key in handled:
            continue
        removed = 0
        for step, container in steps_of_service(out, target.key):
            container.remove(step)
            out.nodes.pop(step["name"], None)
            removed += 1
        handled.add(target.key)
        notes.append(f"removed the {target.label} step" if removed else f"found no {target.label} step to remove")
    return notes


def _retrigger(work: dict[str, Any], intent: Intent, lowered: str) -> list[str]:
    trigger = intent.trigger
    if not trigger.explicit or (trigger.kind == "http" and not _TRIGGER_CHANGE.search(lowered)):
        return []
    block = trigger_block(trigger)
    if block == work.get("trigger"):
        return []
    work["trigger"] = block
    return [trigger_words(trigger).replace("Runs", "it now runs").replace("Answers", "it now answers")]


def _add(intent: Intent, out: StepList, ctx: StepContext, handled: set[str]) -> list[str]:
    notes: list[str] = []
    present = {service_of(step, out.nodes.get(str(step.get("name")))) for step in out.steps if isinstance(step, dict)}
    for use in intent.uses:
        key = use.service.key
        if key in handled or key in present or (use.role == "sink" and key not in SINKS):
            continue
        if use.role == "source" and key in SOURCES:
            fetched = SOURCES[key](ctx, "")
            name = insert_at(out, fetched.step, "source", ctx, position=0)
            ctx.record, ctx.many, ctx.message = fetched.items or DATA, fetched.items is not None, fetched.message
        elif use.role == "sink":
            name = insert_at(out, SINKS[key](ctx), "sink", ctx, position=None)
        else:
            continue
        notes.append(f"added {name} ({use.service.label})")
        handled.add(key)
    return notes
