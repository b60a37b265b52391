"""Forks and near-duplicates in the demo corpus: an earlier workflow re-published with real or trivial edits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from blokhub.ai.service_catalogue import api
from blokhub.seed.corpus_patterns import MAX_STEPS, weighted
from blokhub.seed.corpus_records import SeedWorkflow
from blokhub.seed.tables import load

_TEXTS = load("texts")
_SCHEDULE_DATA = load("schedules")
# (cron, phrase, adjective) of the schedules people use; time zones weighted by how often they appear.
SCHEDULES: tuple[tuple[str, str, str], ...] = _SCHEDULE_DATA["schedules"]
TIMEZONES = weighted(_SCHEDULE_DATA["timezones"])


# Other values people pick for a literal input, by input name; a near-duplicate swaps one in.
_ALTERNATIVES: dict[str, tuple[Any, ...]] = load("variants")["alternatives"]


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
        cron["schedule"] = SCHEDULES[int(r() * len(SCHEDULES))][0]
        if r() < 0.5:
            cron["timezone"] = TIMEZONES[int(r() * len(TIMEZONES))]
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


_FORK_SUFFIXES: tuple[str, ...] = _TEXTS["fork_suffixes"]
_FORK_PREFIXES: tuple[str, ...] = _TEXTS["fork_prefixes"]
_FORK_NOTES: tuple[str, ...] = _TEXTS["fork_notes"]


def _fork_title(r: Callable[[], float], title: str) -> str:
    v = r()
    if v < 0.45:
        return title
    if v < 0.8:
        return title + _FORK_SUFFIXES[int(r() * len(_FORK_SUFFIXES))]
    return _FORK_PREFIXES[int(r() * len(_FORK_PREFIXES))] + title


def make_fork(r: Callable[[], float], parent: SeedWorkflow) -> tuple[str, str, list[str], dict[str, Any]]:
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


def make_near_duplicate(r: Callable[[], float], parent: SeedWorkflow) -> tuple[str, str, list[str], dict[str, Any]]:
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
