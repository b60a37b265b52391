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
from blokhub.ai.intent_cues import SINK_CUE as _SINK_CUE
from blokhub.ai.intent_cues import SOURCE_CUE as _SOURCE_CUE
from blokhub.ai.places import CITIES
from blokhub.ai.schedule import Schedule, parse_schedule
from blokhub.ai.service_catalogue import BY_KEY, EVENT_WORDS, Mention, Role, Service, find_mentions

_CUE = re.compile(rf"\b(?:(?P<sink>{_SINK_CUE})|(?P<source>{_SOURCE_CUE}))\b")
_DATA_NOUN = re.compile(
    r"\s*(?:rows?|records?|data|tables?|collections?|issues?|charges?|orders?|contacts?|leads?|deals?|tickets?|backlog|"
    r"revenue|sales|payouts?|balance|invoices?|subscriptions?|refunds?|"
    r"(?:cache )?stats|statistics|metrics|counts?|prices?|rates|reports?|summary|digest|pipeline|database|"
    r"transactions?|merge requests?|pull requests?|prs|documents?|entries|customers?|users?|products?|"
    r"[a-z]+ (?:table|collection))\b"
)
# "the orders table in Postgres", "an order by id in MongoDB": a weak preposition after a read names the source
_WEAK_PREPOSITIONS = frozenset({"in", "on", "with", "via", "through"})
_READ_BEFORE = re.compile(
    r"\b(?:table|collection|rows?|records?|entry|entries|data|look(?:s)? ?up|fetch\w*|get|gets|read\w*|query|list\w*|"
    r"returns?|report of|count\w*|sum\w*|total|export\w*|pull\w*|grab\w*|find\w*|search\w*|collect\w*|aggregat\w*)\b"
)
# a write verb in the clause: what follows is a destination, whatever nouns sit next to it
_STRONG_SINK = re.compile(r"\b(?:store|save|write|insert|log|append|upload|cache|put|push|archive|keep)\b")
_SENTENCE = re.compile(r"[.;]|,(?!\d)")
# "the open merge requests in GitLab": records just before a weak preposition are read from the service
_DATA_NOUN_END = re.compile(
    r"\b(?:rows?|records?|issues?|merge requests?|pull requests?|prs|orders?|contacts?|leads?|deals?|tickets?|"
    r"charges?|transactions?|customers?|users?|products?|documents?|entries|backlog|items?|signups?|sign-ups?|"
    r"events?|subscribers?|members?|accounts?|visits?|counters?|payments?)\s*$"
)
_LANDS_IN = re.compile(
    r"\b(?:is |are |gets |get )?(?:added|lands?|appears?|shows? up|inserted|created)\s+(?:to|in|into|on)\s+(?:\w+\s+)?$"
)
_TO_BEFORE = re.compile(r"\b(?:to|into)\s+(?:(?:a|an|the|our|my|your|its|their)\s+)?(?:new\s+)?$")
_ANNOUNCE = frozenset({"post", "posts", "send", "sends", "share", "forward", "notify", "ping", "alert", "message"})
_WRITE_CUES = frozenset(
    {
        "save",
        "saves",
        "store",
        "stores",
        "insert",
        "write",
        "add",
        "create",
        "log",
        "into",
        "update",
        "upsert",
        "record",
    }
)
_INCOMING = re.compile(
    r"\b(?:incoming|inbound|received|new)\s+(?:(?!(?:to|into|in|on|via|with|for)\b)[a-z-]+\s+){0,2}$"
)
_SEND_BEFORE = re.compile(r"\b(?:send|post|notify|alert|email|e-mail|text|ping|create|save|store|write|insert|add)\b")
_CREATE_VERBS = frozenset(
    {"create", "creates", "open", "and", "then", "file", "add", "log", "insert", "upsert", "update", "write", "record"}
)
_CLAUSE_BREAK = re.compile(
    r"[;]|[,.](?!\d)|\b(?:send|post|notify|alert|save|store|create|add|upload|write|log|email|text|forward|sync|update|insert|append|then)\b"
)
_WHEN = re.compile(
    r"\b(?:when(?:ever)?|each time|every time|as soon as|on (?:every|each|a|new)|after|for (?:every|each)|new|incoming|receives?|"
    r"every|each)\b"
)
_METHOD_WORD = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE)\b")
_METHOD_PHRASE = re.compile(r"\b(get|post|put|patch|delete)\s+(?:endpoint|route|request|api|handler|webhook)\b")
_POST_CUE = re.compile(
    r"\b(?:submit\w*|form|webhook|receives?|incoming|sign(?:s|ed)? up|signups?|registers?|posted|callback|event|"
    r"takes|accepts)\b"
)
_GET_CUE = re.compile(
    r"\b(?:returns?|endpoint that (?:lists|shows|gives)|look ?up|serves?|exposes?|api that|lists?|shows?|dashboard|status page|health ?check)\b"
)
_FORM = re.compile(
    r"\b(contact|sign-?up|feedback|order|registration|booking|survey|lead|newsletter|support|quote|waitlist)\s+form\b"
)
_PATH = re.compile(
    r"(?:\bat|\bon|\bto|\bpath|\broute|\bendpoint|\bGET|\bPOST|\bPUT|\bPATCH|\bDELETE)\s+(/[A-Za-z0-9_:./?-]*)"
)
_BY_ID = re.compile(r"\bby (?:its |their )?(?:id|slug|key|name)\b")
_URL = re.compile(r"\bhttps?://[^\s\"'<>`)]+")
_PYTHON = re.compile(r"\bpython\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<![\w+])\+\d[\d ]{6,16}\d\b")
_CHANNEL_MENTION = re.compile(r"(?<![\w#])#[a-z0-9][a-z0-9_-]{1,40}\b")
_WHEN_NEW = re.compile(
    r"\b(?:when(?:ever)?|each time|every time|as soon as)\b[^,.;]{0,40}\b(?:new|lands?|added|appears?|shows up)\b"
)
_TAKEN_BACK = re.compile(r"[^,.;?!]*\?\s*no\b\s*[,;:—–-]*", re.IGNORECASE)
_TO_SENDER = re.compile(
    r"\bto (?:the (?:person|customer|user|sender|lead|subscriber|buyer)s?\b|them\b|whoever)|\bwelcome (?:e-?mail|message)"
    r"|\b(?:thank|email|e-mail|text|reply to|confirm to) (?:them|the (?:customer|buyer|sender|user|person))\b"
)
# any mention: "weather in Rome", "the Amsterdam forecast", "for Tokyo please"
_CITY = re.compile(r"\b(" + "|".join(sorted(CITIES, key=len, reverse=True)) + r")\b")


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
    project: str | None = None  # a tracker project key the user gave ("the OPS project")
    cities: tuple[str, ...] = ()  # every city named, in order (a forecast for each)
    emails: tuple[str, ...] = ()  # addresses the user gave
    unreadable: tuple[str, ...] = ()  # services the prompt reads from that have no step for reading
    phones: tuple[str, ...] = ()  # phone numbers the user gave
    to_sender: bool = False  # "email the person who signed up": the address comes with the request

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
    # "when a new row is added to our Airtable": the service the new record lands in is read, not written
    if in_clause and "source" in service.roles and _LANDS_IN.search(before[when[-1].end() :]):
        return "source"
    cues = list(_CUE.finditer(before))
    after = text[mention.end : mention.end + 24]
    last_cue = cues[-1].group(0).split(" ")[0] if cues else ""
    # "post GitHub release notes": an event of the service, not a destination
    sending = bool(cues) and cues[-1].group(0) in _ANNOUNCE
    if "event" in service.roles and not scheduled and EVENT_WORDS.match(after.strip()) and sending:
        return "event"
    # "post open Jira issues to Teams": the service's records are the object, the destination comes later
    # (unless a write verb leads: "store incoming webhooks in the mongo collection called raw_events")
    # a write verb (not a weak "in"/"on") earlier in the clause: "save ... into the leads table in Postgres"
    # a write verb earlier in the same clause, however long the object ("store each Stripe payment in the ... table")
    sentence = _SENTENCE.split(text[max(0, mention.start - 100) : mention.start])[-1]
    writing = _STRONG_SINK.search(sentence) or any(
        c.group(0).split(" ")[0].rstrip("s") in _WRITE_CUES for c in cues[:-1]
    )
    # "to a MongoDB collection": a destination, whatever noun follows the name
    destination = bool(_TO_BEFORE.search(before))
    if (
        _DATA_NOUN.match(after)
        and last_cue not in _CREATE_VERBS
        and "source" in service.roles
        and not writing
        and not destination
    ):
        return "source"
    if cues:
        last = cues[-1]
        ahead = before[: last.start()]
        if (
            last_cue in _WEAK_PREPOSITIONS
            and (_READ_BEFORE.search(ahead[-30:]) or _DATA_NOUN_END.search(ahead))
            and "source" in service.roles
            and not writing
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
    polled = next((u for u in uses if u.role == "source" and "event" not in u.service.roles), None)
    if not has_event and polled is not None and _WHEN_NEW.search(text) and not form:
        # "when a new row lands in our Google Sheet": the service sends no webhooks, so the workflow checks for it
        words = f"every 15 minutes (checking {polled.service.label}, which sends no webhooks)"
        return TriggerIntent("cron", schedule=Schedule("*/15 * * * *", "UTC", words), explicit=True)
    path_match = _PATH.search(original)
    path = path_match.group(1).rstrip("/.?:") if path_match else ""
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
    schedule = parse_schedule(_TAKEN_BACK.sub(" ", original))  # "Twice a day? No - every 12 hours"
    uses: list[Use] = []
    unreadable: list[str] = []
    event: Use | None = None
    # service names inside a URL ("https://api.github.com/...") are part of that URL, not a second service
    masked = _URL.sub(lambda m: " " * len(m.group(0)), text)
    # nor are words inside an address or a channel name ("#triage" is not an AI request)
    masked = _EMAIL.sub(lambda m: " " * len(m.group(0)), masked)
    masked = _CHANNEL_MENTION.sub(lambda m: " " * len(m.group(0)), masked)
    # and what the user took back ("added to Shopify? no, to our Postgres table")
    masked = _TAKEN_BACK.sub(lambda m: " " * len(m.group(0)), masked)
    for mention in find_mentions(masked):
        role = _role(text, mention, schedule is not None)
        if role == "sink" and "source" not in mention.service.roles and _reads_from(text, mention):
            unreadable.append(mention.service.label)
            continue  # "back up the Notion database": there is no step that reads Notion; the answer says so
        arriving = _INCOMING.search(text[: mention.start]) and text[mention.end : mention.end + 1] != "-"
        if role == "sink" and mention.service.roles == ("sink",) and arriving:
            continue  # "classify incoming support emails": what arrives, not where to send it
        if role == "event" and event is not None:
            role = _allowed(mention.service, "sink")
        use = Use(mention.service, role, mention.start)
        if role == "event":
            event = use
        else:
            uses.append(use)
    urls = tuple(url.rstrip(".,;") for url in _URL.findall(original))
    emails = tuple(dict.fromkeys(_EMAIL.findall(original)))
    phones = tuple(dict.fromkeys(p.replace(" ", "") for p in _PHONE.findall(original)))
    uses += implied_uses(text, uses, emails, phones)
    uses.sort(key=lambda use: use.start)
    form_match = _FORM.search(text)
    form = form_match.group(1).replace("-", "") if form_match else None
    trigger = _trigger(text, original, schedule, event is not None, form, uses)
    if trigger.kind == "http" and trigger.method == "GET":  # an endpoint that returns data reads its services
        uses = [
            Use(u.service, "source", u.start)
            if u.role == "sink"
            and "source" in u.service.roles
            and not _SEND_BEFORE.search(text[max(0, u.start - 48) : u.start])
            else u
            for u in uses
        ]
    if trigger.kind == "http" and trigger.method == "DELETE":  # "removes it from Postgres": a write, not a read
        uses = [
            Use(u.service, "sink", u.start) if u.role == "source" and "sink" in u.service.roles else u for u in uses
        ]
    city_match = _CITY.search(text)
    cities = tuple(dict.fromkeys(m.group(1) for m in _CITY.finditer(text)))
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
        emails=emails,
        phones=phones,
        to_sender=bool(_TO_SENDER.search(text)),
        cities=cities,
        unreadable=tuple(unreadable),
        project=project_key(original),
    )


_PROJECT = re.compile(
    r"\b(?:in|to|into|under)\s+(?:the\s+)?([A-Z][A-Z0-9]{1,9})\s+project\b|\bproject\s+([A-Z][A-Z0-9]{1,9})\b"
)


def project_key(text: str) -> str | None:
    found = _PROJECT.search(text)
    return (found.group(1) or found.group(2)) if found else None


def _reads_from(text: str, mention: Mention) -> bool:
    """A read cue governs the mention: "back up the Notion database" (not "charges from today and email it")."""
    window = text[max(0, mention.start - 48) : mention.start]
    cues = list(_CUE.finditer(window))
    if not cues or cues[-1].group("source") is None:
        return False
    return not re.search(r"[,;.]|\b(?:and|then|but)\b", window[cues[-1].end() :])


def implied_uses(text: str, uses: list[Use], emails: tuple[str, ...], phones: tuple[str, ...]) -> list[Use]:
    """Services the prompt implies without naming them: an address means e-mail, a number a text message, a
    #channel with no chat service named means Slack."""
    keys = {use.service.key for use in uses}
    out = []
    if emails and not keys & {"email", "sendgrid", "mailgun"}:
        out.append(Use(BY_KEY["email"], "sink", text.find(emails[0].lower())))
    if phones and "twilio" not in keys:
        out.append(Use(BY_KEY["twilio"], "sink", text.find(phones[0][:4])))
    channel = _CHANNEL_MENTION.search(text)
    if channel and not keys & {"slack", "discord", "teams", "telegram"}:
        out.append(Use(BY_KEY["slack"], "sink", channel.start()))
    return out
