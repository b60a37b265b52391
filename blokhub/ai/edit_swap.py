"""Follow-ups that replace or remove services: "use Discord instead of Slack", "store it in MongoDB instead",
"Actually send it to Teams, not Slack", "remove the Jira step and post to Discord instead", "drop the e-mail".

A replacement names the old service or leaves it to be inferred: "instead" alone means the step of the same kind
(a chat or mail destination, a store, a tracker...) that the draft already has.
"""

from __future__ import annotations

import re
from typing import Any

from blokhub.ai.builtin_ops import SOURCES
from blokhub.ai.builtin_sinks import SINKS
from blokhub.ai.builtin_sources import DATA
from blokhub.ai.compose import StepList
from blokhub.ai.edit_steps import service_of, steps_of_service
from blokhub.ai.intent import Intent
from blokhub.ai.service_catalogue import BY_KEY, Service, find_mentions
from blokhub.ai.step_draft import StepContext

# Services of one family can stand in for each other.
_FAMILY = {
    "chat": "notify", "email": "notify", "sms": "notify", "alerting": "notify",
    "db": "store", "cache": "store", "storage": "store", "sheet": "store", "docs": "store",
    "tracker": "tracker", "dev": "tracker", "support": "tracker", "crm": "crm", "data": "data", "payments": "data",
    "commerce": "data",
}  # fmt: skip
_OLD_MARKERS = re.compile(r"\b(?:instead of|rather than|in place of|not|no longer)\s+(?:the\s+|a\s+|an\s+)?")
_CLAUSES = re.compile(
    r"\s*(?:;|,\s*(?:and|but)\s+|\band\s+(?=(?:post|send|use|store|save|put|write|text|get|create|move)\b))\s*"
)
_REPLACE = re.compile(
    r"\b(?:replace|swap|switch|exchange|trade)\s+(?:the\s+)?(?P<old>.{2,40}?)\s+(?:step\s+)?(?:with|for|by)\s+(?P<new>.{2,40})"
)
_MORE_PAIRS = re.compile(r"(?:,|\band\b)\s*(?:the\s+)?(?P<old>[a-z][\w -]{1,30}?)\s+to\s+(?P<new>[a-z][\w-]{1,30})")
_READING = re.compile(r"\b(?:from|pull|pulls|read|reads|fetch|fetches|get|gets|load|query|list)\b")
_USE_ALONE = re.compile(
    r"\s*(?:use|switch to|go with|try|move (?:it )?to)\s+(?:the\s+|a\s+)?[\w -]{2,30}?\s*(?:please)?\s*$"
)
_CORRECTION = re.compile(r"\s*(?:no|nope|actually|rather|hmm,? no|(?:i'?d |i would )?(?:rather|prefer))\b[,!]?")
# "Slack -> Teams", "make discord a telegram message", "turn the Jira step into Linear"
_ARROW = re.compile(r"(?P<old>[\w .-]{2,30}?)\s*(?:->|→|=>)\s*(?P<new>[\w .-]{2,30})")
_MAKE_INTO = re.compile(
    r"\b(?:make|turn|change)\s+(?:the\s+)?(?P<old>[\w-]{2,20})(?:\s+step)?\s+(?:into\s+)?(?:a|an|into)\s+(?P<new>[\w -]{2,30})"
)
_USE_FOR = re.compile(r"\buse\s+(?P<new>.{2,30}?)\s+for\s+(?:the\s+|our\s+|its\s+)?(?P<old>.{2,40})")
_FROM_TO = re.compile(
    r"\b(?:switch|change|move)\s+(?:it\s+)?from\s+(?P<old>.{2,40}?)\s+to\s+(?P<new>.{2,40})"
    r"|\b(?:switch|change)\s+(?:the\s+)?(?P<old2>(?!it\b)[a-z][\w -]{1,30}?)\s+(?:step\s+)?to\s+(?P<new2>.{2,40})"
)
_REMOVE = re.compile(
    r"\b(?:remove|drop|delete|skip|stop|no longer|(?:don't|do not|dont|never) (?:need|post|send|save|store|use|email|"
    r"text|want|bother)|without|get rid of|no more|lose|ditch|cut|kill|take out|take away|leave out|cut out|strip|undo)\b"
)
# "don't email the customer anymore", "stop texting me": the verb itself names the service
_REMOVE_VERB = re.compile(
    r"\b(?:don't|do not|dont|never|stop|no more|no longer)\s+(?:the\s+|all\s+|sending\s+|those\s+|these\s+|any\s+)?"
    r"(e-?mail|text|sms)(?:s|ing)?\b"
)
# "jira is gone", "we no longer use Slack": the service named before the cue goes
_GONE = re.compile(
    r"\b([\w -]{2,24}?)\s+(?:is|are|was)\s+(?:gone|dead|deprecated|retired|shut down|no longer (?:used|needed))\b"
    r"|\b(?:no longer|don't|do not|stopped) us(?:e|ing)\s+([\w -]{2,24})"
)
SPECIFIC = {"email": ("sendgrid", "mailgun"), "database": ("postgres", "mysql", "mongodb")}


def family(service: Service) -> str:
    return _FAMILY.get(service.category, service.category)


_NOT_NAMES = re.compile(r"(?<![\w#])#[a-z0-9][a-z0-9_-]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CUT = re.compile(
    r"[,;.]|\b(?:then|just|but|instead)\b|\band\s+(?=(?:post|send|use|store|save|put|write|text|get|create|move|email|"
    r"notify|add|make|run|ping|log|insert|upload|archive|track|keep|record|sync|push|alert|message)\b)"
)


def _services(text: str) -> list[Service]:
    """Services named in ``text``; words inside a #channel or an address are not names ("#weather")."""
    return [m.service for m in find_mentions(_NOT_NAMES.sub(lambda m: " " * len(m.group(0)), text))]


def present_keys(out: StepList) -> set[str]:
    keys = set()
    for step, _ in steps_of_service(out, None):
        if str(step.get("name", "")).startswith("verify-"):
            continue  # checking a webhook's signature is not using the service
        key = service_of(step, out.nodes.get(str(step.get("name"))))
        if key:
            keys.add(key)
    return keys


def matching_steps(out: StepList, key: str) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    found = steps_of_service(out, key)
    for specific in SPECIFIC.get(key, ()):
        found += steps_of_service(out, specific)
    for generic, specifics in SPECIFIC.items():
        if key in specifics:
            found += steps_of_service(out, generic)
    return [pair for pair in found if not str(pair[0].get("name", "")).startswith("verify-")]


def swaps(lowered: str, out: StepList) -> list[tuple[Service, Service]]:
    """(old, new) for every replacement the message asks for; an old service left unsaid is inferred."""
    pairs: list[tuple[Service, Service]] = []
    for clause in _CLAUSES.split(lowered):
        pairs += [p for p in _clause_swaps(clause, out) if not _same_service(*p)]
    return pairs


def _same_service(old: Service, new: Service) -> bool:
    """ "send the email to X instead" on a SendGrid step: the generic name of what is there is no replacement."""
    return old.key == new.key or old.key in SPECIFIC.get(new.key, ())


def _clause_swaps(clause: str, out: StepList) -> list[tuple[Service, Service]]:
    pairs: list[tuple[Service, Service]] = []
    explicit = (
        _REPLACE.search(clause)
        or _FROM_TO.search(clause)
        or _USE_FOR.search(clause)
        or _ARROW.search(clause)
        or _MAKE_INTO.search(clause)
    )
    if explicit:
        named = {k: v for k, v in explicit.groupdict().items() if v}
        old, new = _services(named.get("old") or named["old2"]), _services(named.get("new") or named["new2"])
        if old and new:
            pairs.append((old[0], new[0]))
        if "old2" in named:  # "switch jira to linear and slack to discord": the pairs after the first
            for more in _MORE_PAIRS.finditer(clause, explicit.start("new2")):
                old, new = _services(more.group("old")), _services(more.group("new"))
                if old and new:
                    pairs.append((old[0], new[0]))
        return pairs
    marker = _OLD_MARKERS.search(clause)
    mentioned = _services(clause)
    # "X instead of Y", "X, not Y", "X rather than Y", and "use X not Y" (a service on both sides of "not")
    named_before = bool(marker and marker.group(0).startswith("not") and _services(clause[: marker.start()]))
    if marker and ("instead" in clause or re.search(r",\s*not\b|\brather than\b", clause) or named_before):
        old = _services(clause[marker.end() : marker.end() + 40])
        new = [s for s in mentioned if not old or s.key != old[0].key]
        if old and new:
            pairs.append((old[0], new[0]))
            return pairs
        if not old and new and "instead of" in clause:
            old_words = clause[marker.end() :]
            inferred = _infer_old(new[0], out, old_words, clause)
            if inferred:
                pairs.append((inferred, new[0]))
            return pairs
    if (re.search(r"\binstead\b", clause) or _CORRECTION.match(clause) or _USE_ALONE.match(clause)) and mentioned:
        inferred = _infer_old(mentioned[-1], out, "", clause)
        if inferred:
            pairs.append((inferred, mentioned[-1]))
    return pairs


def _infer_old(new: Service, out: StepList, hint: str, clause: str = "") -> Service | None:
    """The service in the draft that ``new`` replaces: of the same family, doing the same job (reading or writing,
    as the message says), the same kind first; ties go to the earlier step (deterministic)."""
    roles = _current_roles(out)
    same = [BY_KEY[k] for k in roles if k in BY_KEY and k != new.key and family(BY_KEY[k]) == family(new)]
    if hint:
        named = [s for s in same if s.key in hint or s.label.lower() in hint]
        if named:
            return named[0]
    wanted = "source" if _READING.search(clause) and "source" in new.roles else "sink"
    ranked = sorted((s for s in same if roles[s.key] == wanted), key=lambda s: s.category != new.category)
    return ranked[0] if ranked else None  # a destination never takes the place of a source (or the reverse)


def apply_swap(out: StepList, ctx: StepContext, old: Service, new: Service) -> str:
    targets = matching_steps(out, old.key)
    if not targets:
        return f"found no {old.label} step to replace, so I did not add {new.label}"
    for step, _container in targets:
        sink = bool(step.get("set_var")) or new.key not in SOURCES
        if sink and new.key not in SINKS:
            return f"did not replace {old.label}: {new.label} can only be read from, not written to"
        draft = SINKS[new.key](ctx) if sink else SOURCES[new.key](ctx, "").step
        draft = out.picker.refine(draft, "sink" if sink else "source", ctx)
        del out.nodes[step["name"]]
        out.names.discard(step["name"])
        name = out.reserve(draft.base)
        step.clear()
        step.update(
            {"name": name, "node": draft.node, "type": draft.type, **({"set_var": True} if draft.set_var else {})}
        )
        out.nodes[name] = {"inputs": draft.inputs}
    return f"replaced {old.label} with {new.label}"


_ALL_BUT = re.compile(
    r"\b(?:remove|drop|delete)\s+(?:everything|all(?: the)?(?: other)?(?: steps)?)\s+(?:except|but|apart from)\s+(.{2,60})"
)


def removals(lowered: str, out: StepList, handled: set[str]) -> list[str]:
    notes = []
    all_but = _ALL_BUT.search(lowered)
    if all_but:  # "remove everything except Slack": every destination but the ones named goes
        kept = {s.key for s in _services(all_but.group(1))}
        gone = []
        for step, container in steps_of_service(out, None):
            key = service_of(step, out.nodes.get(str(step.get("name"))))
            name = str(step.get("name", ""))
            if step.get("set_var") and key and key not in kept and not name.startswith("verify-") and step in container:
                container.remove(step)
                out.nodes.pop(name, None)
                gone.append(name)
                handled.add(key)
        handled.update(kept)
        return [f"removed {', '.join(gone)} (everything but {', '.join(sorted(kept))})"] if gone else []
    targets: list[Service] = []
    for cue in _REMOVE.finditer(lowered):
        window = _CUT.split(lowered[cue.end() : cue.end() + 60])[0]
        targets += [t for t in _services(window) if t not in targets]
    for said_gone in _GONE.finditer(lowered):
        targets += [t for t in _services(said_gone.group(1) or said_gone.group(2)) if t not in targets]
    for verb in _REMOVE_VERB.finditer(lowered):
        key = "email" if "mail" in verb.group(1) else "twilio"
        if key in BY_KEY and BY_KEY[key] not in targets:
            targets.append(BY_KEY[key])
    for target in targets:
        if target.key in handled:
            continue
        removed = 0
        for step, container in matching_steps(out, target.key):
            if step in container:
                container.remove(step)
                out.nodes.pop(step["name"], None)
                removed += 1
        handled.add(target.key)
        notes.append(
            f"removed the {target.label} step"
            if removed
            else f"found no {target.label} step to remove, so nothing was removed"
        )
    return notes


def reroute(intent: Intent, out: StepList, ctx: StepContext, handled: set[str]) -> list[str]:
    """ "read the CSV from S3 instead and load it into Postgres" on an export from Postgres to S3: the services stay,
    their roles turn round. The steps of both are rebuilt: the new source first, the new destination after it."""
    sources = [u for u in intent.uses if u.role == "source" and u.service.key in SOURCES]
    sinks = [u for u in intent.uses if u.role == "sink" and u.service.key in SINKS]
    if not sources or not sinks or "instead" not in intent.text.lower():
        return []
    roles = _current_roles(out)
    turned = all(roles.get(u.service.key) == "sink" for u in sources) and all(
        roles.get(u.service.key) == "source" for u in sinks
    )
    if not turned:
        return []
    for use in [*sources, *sinks]:
        for step, container in matching_steps(out, use.service.key):
            if step in container:
                container.remove(step)
                out.nodes.pop(str(step["name"]), None)
    at = 0
    for use in sources:
        fetched = SOURCES[use.service.key](ctx, "")
        for draft in (fetched.step, fetched.then):
            if draft is not None:
                holder: list[dict[str, Any]] = []
                out.add(draft, "source", ctx, holder)
                out.steps.insert(at, holder[0])
                at += 1
        ctx.record, ctx.many, ctx.message = fetched.items or DATA, fetched.items is not None, fetched.message
    for use in sinks:
        holder = []
        out.add(SINKS[use.service.key](ctx), "sink", ctx, holder)
        out.steps.insert(at, holder[0])
        at += 1
    handled.update(u.service.key for u in [*sources, *sinks])
    reads = " and ".join(u.service.label for u in sources)
    writes = " and ".join(u.service.label for u in sinks)
    return [f"it now reads from {reads} and writes to {writes}"]


def _current_roles(out: StepList) -> dict[str, str]:
    roles: dict[str, str] = {}
    for step, _ in steps_of_service(out, None):
        key = service_of(step, out.nodes.get(str(step.get("name"))))
        if key and not str(step.get("name", "")).startswith("verify-"):
            roles[key] = "sink" if step.get("set_var") else "source"
    return roles
