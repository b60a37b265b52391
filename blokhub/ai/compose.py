"""Intent → a Blok workflow: trigger, source steps, AI steps, sinks (optionally behind an if-else), response.

Data flow convention (why ``set_var`` is where it is): sources replace ``ctx.response.data`` so the next step
reads them; side-effect steps (sinks, AI calls, skips) use ``set_var`` so they never clobber that data, and every
sink after them still sees the same record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from blokhub.ai.builtin_ops import SOURCES
from blokhub.ai.builtin_sinks import SINKS
from blokhub.ai.builtin_sources import DATA, Fetched, verify_signature
from blokhub.ai.builtin_transforms import ai_task, openai_step, pdf_step
from blokhub.ai.catalogue import NodePicker
from blokhub.ai.conditions import ConditionIntent
from blokhub.ai.intent import Intent, Use
from blokhub.ai.named_values import coin_path
from blokhub.ai.places import CITIES
from blokhub.ai.starting_point import starting_context
from blokhub.ai.step_draft import StepContext, StepDraft


@dataclass(slots=True)
class Composition:
    workflow: dict[str, Any]
    notes: list[str] = field(default_factory=list)  # explanation clauses, in step order
    env: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # sentences saying what was asked but not drafted


class StepList:
    """Steps and their flat ``nodes`` map, with names kept unique across the whole workflow."""

    def __init__(self, picker: NodePicker, names: set[str] | None = None) -> None:
        self.picker = picker
        self.steps: list[dict[str, Any]] = []
        self.nodes: dict[str, Any] = {}
        self.names: set[str] = set(names or ())
        self.notes: list[str] = []

    def reserve(self, base: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-") or "step"
        name, k = base, 2
        while name in self.names:
            name, k = f"{base}-{k}", k + 1
        self.names.add(name)
        return name

    def add(
        self,
        draft: StepDraft,
        role: str,
        ctx: StepContext,
        into: list[dict[str, Any]] | None = None,
        *,
        name: str | None = None,
    ) -> str:
        draft = self.picker.refine(draft, role, ctx)
        name = name or self.reserve(draft.base)
        step: dict[str, Any] = {"name": name, "node": draft.node, "type": draft.type}
        if draft.set_var:
            step["set_var"] = True
        (self.steps if into is None else into).append(step)
        self.nodes[name] = {"inputs": draft.inputs}
        if draft.note:
            self.notes.append(draft.note)
        return name


def mapper(base: str, model: dict[str, Any], *, set_var: bool = False, note: str = "") -> StepDraft:
    return StepDraft(base, "mapper", {"model": model}, set_var=set_var, note=note)


def compose(intent: Intent, picker: NodePicker) -> Composition:
    city = intent.city
    ctx = starting_context(intent, picker.api_node)
    ctx.city = (city.title(), *CITIES[city])
    ctx.cities = [(c.title(), *CITIES[c]) for c in intent.cities]
    ctx.hint = intent.text.lower()
    ctx.said = intent.text
    out = StepList(picker)
    if intent.event is not None:
        check = verify_signature(ctx, intent.event.service.key, intent.event.service.label)
        if check is not None:
            out.add(check, "event", ctx)
    sources = intent.of_role("source")
    for use in sources:
        fetched = SOURCES[use.service.key](ctx, "")
        _take(out, fetched, ctx)
    for url in intent.urls[:3]:
        fetched = SOURCES["http"](ctx, url)
        _take(out, fetched, ctx)
    ai_output = _transforms(intent, out, ctx)
    responded = _sinks(intent, out, ctx, ai_output)
    if intent.trigger.kind == "http" and not responded:
        _respond(intent, out, ctx, ai_output)
    if not out.steps:
        out.add(mapper("log-run", {"ranAt": "js/new Date().toISOString()"}, note="records the run"), "sink", ctx)
    workflow = {"steps": out.steps, "nodes": out.nodes}
    said = []
    for cond in (intent.condition, *intent.condition.also) if intent.condition else ():
        if "edit the value" in cond.words:  # "check the country": the prompt named the field, not the value
            said.append(
                f"The {cond.field} check uses a placeholder value; change it in the condition to the one you need."
            )
    return Composition(workflow, out.notes, list(ctx.env_used), said)


def _take(out: StepList, fetched: Fetched, ctx: StepContext) -> None:
    out.add(fetched.step, "source", ctx)
    if fetched.then is not None:
        out.add(fetched.then, "source", ctx)
    ctx.record, ctx.many, ctx.message = (fetched.items or DATA), fetched.items is not None, fetched.message


def _transforms(intent: Intent, out: StepList, ctx: StepContext) -> str | None:
    ai_output: str | None = None
    for use in intent.of_role("transform"):
        if use.service.key == "openai":
            name = out.reserve(f"{ai_task(intent.text.lower()).key}-with-openai")
            step, ai_output = openai_step(ctx, name, ai_task(intent.text.lower()))
            out.add(step, "transform", ctx, name=name)
            ctx.message = f"${{{ai_output}}}"
        elif use.service.key == "pdf":
            out.add(pdf_step(ctx, "generate-pdf"), "transform", ctx)
            ctx.record, ctx.many = DATA, False
    return ai_output


def _field_path(intent: Intent, field_word: str, record: str) -> str:
    origin = intent.event.service if intent.event else next((u.service for u in intent.of_role("source")), None)
    alias = origin.fields.get(field_word) if origin else None
    if alias is not None and origin is not None and origin.key == "crypto":
        alias = coin_path(alias, intent.text)  # "the ETH price": the coin the prompt asked for, not bitcoin
    if alias is None:
        return f"{record}.{re.sub(r'[^a-z0-9_]', '_', field_word) or 'value'}"
    if alias.startswith("ctx."):
        return alias  # a path outside the record (a Stripe event's type)
    return alias.replace("{r}", record) if "{r}" in alias else f"{record}.{alias}"


def condition_js(intent: Intent, ctx: StepContext, ai_output: str | None) -> str:
    assert intent.condition is not None
    parts = [_one_condition(intent, cond, ctx, ai_output) for cond in (intent.condition, *intent.condition.also)]
    return parts[0] if len(parts) == 1 else " && ".join(f"({part})" for part in parts)


def _one_condition(intent: Intent, cond: ConditionIntent, ctx: StepContext, ai_output: str | None) -> str:
    if cond.ai_label and ai_output:
        return cond.template.replace("{f}", ai_output)
    if ctx.many:
        return f"{ctx.record}.some(r => {cond.template.replace('{f}', _field_path(intent, cond.field, 'r'))})"
    return cond.template.replace("{f}", _field_path(intent, cond.field, ctx.record))


def _sinks(intent: Intent, out: StepList, ctx: StepContext, ai_output: str | None) -> bool:
    """Adds the sinks; returns True when the branches already answer the request (no sinks, a condition)."""
    sinks = intent.of_role("sink")
    cond = intent.condition
    if cond is None:
        for use in sinks:
            out.add(SINKS[use.service.key](ctx), "sink", ctx)
        return False
    else_at = cond.else_start if cond.else_start is not None else len(intent.text) + 1
    before = [u for u in sinks if u.start < cond.start]
    in_if = [u for u in sinks if cond.start <= u.start < else_at]
    in_else = [u for u in sinks if u.start >= else_at]
    if not in_if:
        in_if, before = before, []
    for use in before:
        out.add(SINKS[use.service.key](ctx), "sink", ctx)
    name = out.reserve(f"check-{cond.field or 'condition'}")
    mark = len(out.notes)
    if_steps = _branch(in_if, out, ctx, True, cond.words)
    if_notes, mark = out.notes[mark:], len(out.notes)
    else_steps = _branch(in_else, out, ctx, False, cond.words)
    else_notes = out.notes[mark:]
    del out.notes[len(out.notes) - len(if_notes) - len(else_notes) :]
    branch_note = f"checks whether {cond.words}: if so it " + (" and ".join(if_notes) or "passes the data on")
    out.notes.append(
        branch_note + ("; otherwise it " + " and ".join(else_notes) if else_notes else "; otherwise it skips")
    )
    out.steps.append({"name": name, "node": out.picker.if_else_node, "type": "module"})
    out.nodes[name] = {
        "conditions": [
            {"type": "if", "condition": condition_js(intent, ctx, ai_output), "steps": if_steps},
            {"type": "else", "steps": else_steps},
        ]
    }
    return not sinks and intent.trigger.kind == "http"


def _branch(uses: list[Use], out: StepList, ctx: StepContext, matched: bool, words: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    for use in uses:
        out.add(SINKS[use.service.key](ctx), "sink", ctx, steps)
    if not steps:
        model: dict[str, Any] = {"matched": matched, "condition": words}
        if not uses and matched:
            model["data"] = "js/" + ctx.record
        out.add(mapper("matched" if matched else "skip", model, set_var=not matched), "sink", ctx, steps)
    return steps


def _respond(intent: Intent, out: StepList, ctx: StepContext, ai_output: str | None) -> None:
    if any(s["node"] == "generate-pdf" for s in out.steps):
        inputs = {"base64": f"${{{DATA}.pdf_base64}}"}
        out.add(StepDraft("respond-with-pdf", "base64-pdf", inputs, note="answers with the PDF"), "sink", ctx)
        return
    model: dict[str, Any]
    if intent.trigger.method == "GET" or intent.of_role("source") or intent.urls:
        model = {"data": "js/" + ctx.record, "fetchedAt": "js/new Date().toISOString()"}
    else:
        model = {"received": True, "requestId": "${ctx.id}"}
    if ai_output:
        model["result"] = "js/" + ai_output
    out.add(mapper("respond", model, note="answers the request"), "sink", ctx)
