"""Follow-ups that change how the workflow starts, and the data-flow repair that has to follow.

"run it at 6:30 instead" keeps the days, "only on weekdays" keeps the time, "use Europe/Paris time" keeps both,
"make it run every hour" replaces the schedule. When the trigger changes kind ("make it run every hour" on a
contact-form workflow), steps that read the request would read nothing: they are rebuilt for what the new trigger
provides, signature checks of a webhook that no longer exists go, and the answer says so.
"""

from __future__ import annotations

import json
import re
from typing import Any

from blokhub.ai.builtin_ops import SOURCES
from blokhub.ai.builtin_sinks import SINKS
from blokhub.ai.builtin_sources import DATA
from blokhub.ai.compose import StepList
from blokhub.ai.describe import trigger_block
from blokhub.ai.edit_steps import insert_at, service_of, steps_of_service
from blokhub.ai.intent import Intent
from blokhub.ai.narrate import cron_words
from blokhub.ai.schedule import schedule_change
from blokhub.ai.service_catalogue import BY_KEY
from blokhub.ai.step_draft import StepContext, as_dict
from blokhub.blok.data_flow import data_flow_issues

_TRIGGER_CHANGE = re.compile(
    r"\b(?:make it|run it|change|switch|turn it into|instead|trigger|endpoint|webhook|schedule|cron|serve|expose|"
    r"get|post|put|patch|delete)\b|\s/[a-z]"
)
_METHOD = re.compile(
    r"\b(?:GET|POST|PUT|PATCH|DELETE)\b|\b(?:get|post|put|patch|delete)\s+(?:endpoint|request|route|webhook)\b"
)
_PATH = re.compile(r"(?:^|\s)(/[A-Za-z0-9_:./-]*)")


_RUN_CUE = re.compile(
    r"\b(?:every|each|runs?|schedul\w*|cron|hourly|daily|nightly|weekly|monthly|once|twice|at\s+\d|at\s+(?:noon|midnight)|"
    r"in the (?:morning|evening|afternoon)|mornings?|evenings?|nights?)\b"
)


def trigger_edits(work: dict[str, Any], intent: Intent, text: str) -> list[str]:
    old = as_dict(work.get("trigger"))
    old_cron = old.get("cron") if isinstance(old.get("cron"), dict) else None
    change = schedule_change(text)
    block: dict[str, Any] | None = None
    if old_cron is not None and (change.full or change.clock or change.days or change.timezone):
        block = {"cron": {**old_cron, **_merged(str(old_cron.get("schedule", "")), change)}}
        if change.timezone:
            block["cron"]["timezone"] = change.timezone
    elif intent.trigger.kind == "cron" and intent.trigger.schedule is not None and _RUN_CUE.search(text.lower()):
        # "don't post anything on weekends" on a webhook flow names days, but asks for no schedule
        block = trigger_block(intent.trigger)
    elif (intent.trigger.explicit and _TRIGGER_CHANGE.search(text.lower())) or ("http" in old and _PATH.search(text)):
        block = _http_block(old, intent, text)
    if block is None or block == old:
        return []
    work["trigger"] = block
    if "cron" in block:
        schedule = block["cron"]["schedule"]
        return [f"it now runs {cron_words(schedule)} {block['cron'].get('timezone', 'UTC')} (cron `{schedule}`)"]
    return [f"it now answers {block['http']['method']} {block['http']['path']}"]


def _http_block(old: dict[str, Any], intent: Intent, text: str) -> dict[str, Any]:
    previous = as_dict(old.get("http"))
    method = intent.trigger.method if _METHOD.search(text) or not previous else previous.get("method", "POST")
    if not _METHOD.search(text) and "cron" in old:
        method = intent.trigger.method
    path = intent.trigger.path if _PATH.search(text) else previous.get("path", intent.trigger.path)
    return {"http": {"method": method, "path": path, "accept": "application/json"}}


def _merged(schedule: str, change: Any) -> dict[str, str]:
    parts = schedule.split()
    if change.full is not None and (change.interval or len(parts) != 5):
        new = change.full.cron.split()
        if (
            new[2].startswith("*/")
            and change.clock is None
            and len(parts) == 5
            and parts[0].isdigit()
            and parts[1].isdigit()
        ):
            return {"schedule": " ".join([parts[0], parts[1], *new[2:]])}  # "every 2 days" keeps the time of day
        return {"schedule": change.full.cron}
    minute, hour, dom, month, dow = parts if len(parts) == 5 else ["0", "9", "*", "*", "*"]
    if not (minute.isdigit() and hour.isdigit()):
        minute, hour = "0", "9"  # from an interval to a calendar schedule: 09:00 unless a time is given
    if change.clock is not None:
        hour, minute = str(change.clock[0]), str(change.clock[1])
    if change.monthly and change.full is not None:
        return {"schedule": f"{minute} {hour} {' '.join(change.full.cron.split()[2:])}"}
    if change.days is not None:
        dow, dom = change.days, "*"
    return {"schedule": f"{minute} {hour} {dom} {month} {dow}"}


def repair_data_flow(out: StepList, work: dict[str, Any], ctx: StepContext) -> list[str]:
    """Makes every step read only what the trigger and earlier steps provide; says what changed."""
    issues = data_flow_issues({"trigger": work.get("trigger"), "steps": out.steps, "nodes": out.nodes})
    broken = list(dict.fromkeys(issue.pointer.split("/")[2].replace("~1", "/").replace("~0", "~") for issue in issues))
    missing = {m.group(1) for issue in issues if (m := re.search(r"reads ctx\.vars\.(\S+?),", issue.message))}
    if not broken:
        return []
    notes: list[str] = []
    dropped, polled = [], []
    for step, container in steps_of_service(out, None):
        name = str(step.get("name"))
        if name in broken and name.startswith("verify-"):
            key = service_of(step, out.nodes.get(name))
            container.remove(step)
            out.nodes.pop(name, None)
            dropped.append(name)
            polled += [key] if key in SOURCES and key not in polled else []
    fetching = any(not s.get("set_var") and not str(s.get("name", "")).startswith("verify-") for s in out.steps[:-1])
    for key in polled[:1] if not fetching else []:
        # the webhook's service no longer calls in, so the schedule reads it: "open GitHub issues" every morning
        reads = SOURCES[key](ctx, "")
        added = insert_at(out, reads.step, "source", ctx, position=0)
        ctx.record, ctx.many, ctx.message = reads.items or DATA, reads.items is not None, reads.message
        notes.append(f"added {added}: the schedule now reads {BY_KEY[key].label} instead of waiting for its webhook")
    for step, _container in steps_of_service(out, None):
        name = str(step.get("name"))
        if name not in broken or name in dropped:
            continue
        config = out.nodes.get(name)
        key = service_of(step, config)
        if key in SINKS and step.get("set_var") and isinstance(config, dict) and "inputs" in config:
            ctx.table = _table_of(config["inputs"]) or ctx.table  # the table it wrote to stays the same
            draft = out.picker.refine(SINKS[key](ctx), "sink", ctx)
            config["inputs"] = draft.inputs
        else:
            _reread(config, ctx, missing)
    if dropped:
        notes.append(f"removed {', '.join(dropped)} (a schedule has no webhook call to check)")
    rebuilt = [b for b in broken if b not in dropped]
    if rebuilt:
        fetched = ctx.record != "ctx.response.data" or ctx.many or any(not s.get("set_var") for s in out.steps[:-1])
        source = "the data fetched before them" if fetched else "the time of the run (nothing is fetched yet)"
        notes.append(
            f"{', '.join(rebuilt)} read the request, which this trigger does not provide, so they now use {source}"
            + ("" if fetched else "; tell me where the data should come from, e.g. 'fetch it from <URL>'")
        )
    return notes


def _reread(config: Any, ctx: StepContext, missing: set[str]) -> None:
    """Steps we have no builder for: reads of the request, or of vars nobody sets, point at the data there is."""
    if not isinstance(config, dict):
        return
    dumped = json.dumps(config)
    if ctx.record.startswith("ctx.request"):
        dumped = re.sub(r"ctx\.request\??\.body", ctx.record, dumped)  # a GET endpoint: the query instead
    else:
        dumped = re.sub(r"ctx\.request\??\.(?:body|query|params)", DATA, dumped)
    for name in missing:
        quoted = re.escape(name)
        dumped = re.sub(rf"ctx\.vars\??(?:\.{quoted}\b|\??\.?\[\s*'{quoted}'\s*\])", DATA, dumped)
    config.clear()
    config.update(json.loads(dumped))


def _table_of(inputs: Any) -> str | None:
    if not isinstance(inputs, dict):
        return None
    if isinstance(inputs.get("collection"), str):
        return str(inputs["collection"])
    found = re.search(r"\b(?:INTO|FROM)\s+([A-Za-z_][\w]*)", str(inputs.get("query", "")))
    return found.group(1) if found else None
