"""What a prompt asks for: trigger, services and their roles, a condition - by rules, deterministically.

Rules over a small vocabulary beat a model here: the output must always validate, the same prompt must give
the same draft, and it must run in milliseconds. A service's role comes from the nearest verb or preposition
before its name ("save it *to* Postgres" is a sink, "rows *from* Postgres" a source); a service named in a
"when ..." clause with an event word ("when a Stripe payment comes in") is the webhook that triggers the flow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from blokhub.ai.conditions import ConditionIntent, parse_condition
from blokhub.ai.schedule import Schedule, parse_schedule
from blokhub.ai.service_catalogue import EVENT_WORDS, Mention, Role, Service, find_mentions

_SINK_CUE = "|".join(
    (
        "send",
        "sends",
        "post",
        "posts",
        "notify",
        "alert",
        "message",
        "ping",
        "save",
        "saves",
        "store",
        "stores",
        "insert",
        "write",
        "log",
        "record",
        "add",
        "append",
        "upload",
        "push",
        "create",
        "open (?:a",
        "an",
        "new)",
        "file",
        "sync",
        "forward",
        "put",
        "archive",
        "back up",
        "backup",
        "email",
        "e-mail",
        "text",
        "dm",
        "share",
        "update",
        "upsert",
        "into",
        "to",
        "in",
        "on",
        "via",
        "through",
        "with",
    )
)
_SOURCE_CUE = "|".join(
    (
        "fetch",
        "fetches",
        "get",
        "gets",
        "pull",
        "pulls",
        "read",
        "reads",
        "load",
        "query",
        "queries",
        "look up",
        "lookup",
        "check",
        "list",
        "lists",
        "download",
        "grab",
        "collect",
        "retrieve",
        "from",
        "return",
        "returns",
        "monitor",
        "watch",
        "poll",
        "scrape",
        "sync from",
        "export",
    )
)
_CUE = re.compile(rf"\b(?:(?P<sink>{_SINK_CUE})|(?P<source>{_SOURCE_CUE}))\b")
_DATA_NOUN = re.compile(
    r"\s*(?:rows?|records?|data|tables?|collections?|issues?|charges?|orders?|contacts?|leads?|deals?|tickets?|"
    r"transactions?|merge requests?|pull requests?|prs|documents?|entries|customers?|users?|products?|"
    r"[a-z]+ (?:table|collection))\b"
)
# "the orders table in Postgres", "an order by id in MongoDB": a weak preposition after a read names the source
_WEAK_PREPOSITIONS = frozenset({"in", "on", "with", "via", "through"})
_READ_BEFORE = re.compile(
    r"\b(?:table|collection|rows|records|data|look(?:s)? ?up|fetch\w*|get|gets|read\w*|query|list\w*|returns?|report of)\b"
)
_CREATE_VERBS = frozenset({"create", "open", "file", "add", "log", "insert", "upsert", "update", "write", "record"})
_CLAUSE_BREAK = re.compile(
    r"[,;.]|\b(?:send|post|notify|alert|save|store|create|add|upload|write|log|email|text|forward|sync|update|insert|append|then)\b"
)
_WHEN = re.compile(
    r"\b(?:when(?:ever)?|each time|every time|as soon as|on (?:every|each|a|new)|after|for (?:every|each)|new|incoming|receives?)\b"
)
_METHOD_WORD = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE)\b")
_METHOD_PHRASE = re.compile(r"\b(get|post|put|patch|delete)\s+(?:endpoint|route|request|api|handler|webhook)\b")
_POST_CUE = re.compile(
    r"\b(?:submit\w*|form|webhook|receives?|incoming|sign(?:s|ed)? up|signups?|registers?|posted|callback|event)\b"
)
_GET_CUE = re.compile(
    r"\b(?:returns?|endpoint that (?:lists|shows|gives)|look ?up|serves?|exposes?|api that|lists?|shows?|dashboard|status page|health ?check)\b"
)
_FORM = re.compile(
    r"\b(contact|sign-?up|feedback|order|registration|booking|survey|lead|newsletter|support|quote|waitlist)\s+form\b"
)
_PATH = re.compile(r"(?:\bat|\bon|\bpath|\broute|\bendpoint)\s+(/[A-Za-z0-9_:./?-]*)")
_BY_ID = re.compile(r"\bby (?:its |their )?(?:id|slug|key|name)\b")
_URL = re.compile(r"\bhttps?://[^\s\"'<>`)]+")
_PYTHON = re.compile(r"\bpython\b")
CITIES: dict[str, tuple[float, float]] = {
    "berlin": (52.52, 13.41), "london": (51.51, -0.13), "paris": (48.86, 2.35), "new york": (40.71, -74.01),
    "san francisco": (37.77, -122.42), "tokyo": (35.68, 139.69), "sydney": (-33.87, 151.21), "amsterdam": (52.37, 4.9),
    "madrid": (40.42, -3.7), "lisbon": (38.72, -9.14), "toronto": (43.65, -79.38), "mumbai": (19.08, 72.88),
    "singapore": (1.35, 103.82), "sao paulo": (-23.55, -46.63), "nairobi": (-1.29, 36.82), "warsaw": (52.23, 21.01),
}  # fmt: skip
_CITY = re.compile(r"\b(?:in|for|of|at)\s+(" + "|".join(CITIES) + r")\b")


@dataclass(frozen=True, slots=True)
class TriggerIntent:
    kind: str  # "http" | "cron"
    method: str = "POST"
    path: str = "/"
    schedule: Schedule | None = None
    explicit: bool = False  # the prompt said how it starts (schedule words, a method, a form, a webhook)


@dataclass(frozen=True, slots=True)
class Use:
    service: Service
    role: Role
    start: int


@dataclass(frozen=True, slots=True)
class Intent:
    text: str  # the prompt as used (secrets already redacted)
    trigger: TriggerIntent
    event: Use | None  # the service whose webhook starts the workflow
    uses: tuple[Use, ...]  # sources, transforms and sinks in prompt order
    condition: ConditionIntent | None
    form: str | None  # "contact" for "the contact form"
    urls: tuple[str, ...]  # explicit URLs to fetch
    city: str
    python: bool

    def of_role(self, role: Role) -> list[Use]:
        return [use for use in self.uses if use.role == role]


def _role(text: str, mention: Mention, scheduled: bool) -> Role:
    service = mention.service
    before = text[max(0, mention.start - 48) : mention.start]
    clause = text[max(0, mention.start - 40) : mention.end + 40]
    when = list(_WHEN.finditer(before))
    # inside the "when ..." clause: no verb and no comma between the when-word and the service
    in_clause = bool(when) and not _CLAUSE_BREAK.search(before[when[-1].end() :])
    if "event" in service.roles and not scheduled and in_clause and EVENT_WORDS.search(clause):
        return "event"
    cues = list(_CUE.finditer(before))
    after = text[mention.end : mention.end + 24]
    last_cue = cues[-1].group(0).split(" ")[0] if cues else ""
    # "post open Jira issues to Teams": the service's records are the object, the destination comes later
    if _DATA_NOUN.match(after) and last_cue not in _CREATE_VERBS and "source" in service.roles:
        return "source"
    if cues:
        last = cues[-1]
        if (
            last_cue in _WEAK_PREPOSITIONS
            and _READ_BEFORE.search(before[: last.start()][-30:])
            and "source" in service.roles
        ):
            return "source"
        return _allowed(service, "sink" if last.group("sink") else "source")
    return _allowed(service, next((r for r in service.roles if r != "event"), service.roles[0]))


def _allowed(service: Service, wanted: Role) -> Role:
    if wanted in service.roles:
        return wanted
    return next((role for role in service.roles if role != "event"), service.roles[0])


def _trigger(
    text: str, original: str, schedule: Schedule | None, has_event: bool, form: str | None, uses: list[Use]
) -> TriggerIntent:
    if schedule is not None:
        return TriggerIntent("cron", schedule=schedule, explicit=True)
    path_match = _PATH.search(original)
    path = path_match.group(1).rstrip("/.?") if path_match else ""
    path = path if re.fullmatch(r"(/(?:[A-Za-z0-9_.-]+|:[A-Za-z_][A-Za-z0-9_]*\??))+", path or "") else "/"
    if path == "/" and _BY_ID.search(text):
        path = "/:id"
    word = _METHOD_WORD.search(original) or _METHOD_PHRASE.search(text)
    if word:
        return TriggerIntent("http", word.group(1).upper(), path, explicit=True)
    if has_event or form or _POST_CUE.search(text):
        return TriggerIntent("http", "POST", path, explicit=True)
    sinks = [u for u in uses if u.role == "sink"]
    if _GET_CUE.search(text) or (not sinks and any(u.role == "source" for u in uses)):
        return TriggerIntent("http", "GET", path, explicit=bool(_GET_CUE.search(text)))
    return TriggerIntent("http", "POST", path)


def parse_intent(prompt: str) -> Intent:
    original = " ".join(prompt.split())
    text = original.lower()
    schedule = parse_schedule(original)
    uses: list[Use] = []
    event: Use | None = None
    # service names inside a URL ("https://api.github.com/...") are part of that URL, not a second service
    masked = _URL.sub(lambda m: " " * len(m.group(0)), text)
    for mention in find_mentions(masked):
        role = _role(text, mention, schedule is not None)
        if role == "event" and event is not None:
            role = _allowed(mention.service, "sink")
        use = Use(mention.service, role, mention.start)
        if role == "event":
            event = use
        else:
            uses.append(use)
    urls = tuple(url.rstrip(".,;") for url in _URL.findall(original))
    form_match = _FORM.search(text)
    form = form_match.group(1).replace("-", "") if form_match else None
    trigger = _trigger(text, original, schedule, event is not None, form, uses)
    city_match = _CITY.search(text)
    return Intent(
        text=original,
        trigger=trigger,
        event=event,
        uses=tuple(uses),
        condition=parse_condition(original),
        form=form,
        urls=urls,
        city=city_match.group(1) if city_match else "berlin",
        python=bool(_PYTHON.search(text)),
    )
