"""The services the offline generator recognises in a prompt, and how a mention is spotted.

Only detection data lives here (names, patterns, roles, event records); the steps each service becomes are
built in ``builtin_steps``. Service names, URLs and environment variable names follow the seed corpus, so
drafts look like the public workflows people will find next to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Role = Literal["source", "sink", "event", "transform"]


@dataclass(frozen=True, slots=True)
class Service:
    key: str
    label: str
    pattern: str  # regex over the lower-cased prompt
    roles: tuple[Role, ...]  # what it can be; the first is the default when no verb decides
    category: str
    keywords: tuple[str, ...]  # words a catalogue node's name or keys should contain to stand for it
    record: str | None = None  # JS path of the event record when its webhook triggers the workflow
    fields: dict[str, str] = field(default_factory=dict)  # prompt word -> JS path under the record
    message: str | None = None  # one-line text about its event record, with {r} for the record path

    @property
    def regex(self) -> re.Pattern[str]:
        return _COMPILED[self.key]


_EVENT_WORDS = (
    "(?:"
    + "|".join(
        (
            r"payments?",
            r"charges?",
            r"checkouts?",
            r"invoices?",
            r"subscriptions?",
            r"orders?",
            r"issues?",
            r"pull requests?",
            r"prs?",
            r"pushe?s?",
            r"commits?",
            r"releases?",
            r"leads?",
            r"contacts?",
            r"deals?",
            r"tickets?",
            r"merge requests?",
            r"signups?",
            r"refunds?",
            r"disputes?",
        )
    )
    + ")"
)

SERVICES: tuple[Service, ...] = (
    Service("slack", "Slack", r"\bslack\b", ("sink",), "chat", ("slack",)),
    Service("discord", "Discord", r"\bdiscord\b", ("sink",), "chat", ("discord",)),
    Service("teams", "Microsoft Teams", r"\b(?:ms |microsoft )?teams\b(?! of)", ("sink",), "chat", ("teams",)),
    Service("telegram", "Telegram", r"\btelegram\b", ("sink",), "chat", ("telegram",)),
    Service("sendgrid", "SendGrid", r"\bsendgrid\b", ("sink",), "email", ("sendgrid", "email", "mail")),
    Service("mailgun", "Mailgun", r"\bmailgun\b", ("sink",), "email", ("mailgun", "email", "mail")),
    Service(
        "email",
        "email",
        r"\b(?:e-?mails?|e-?mailing|mail (?:it|them|me|the)|newsletter|inbox)\b",
        ("sink",),
        "email",
        ("email", "mail", "smtp"),
    ),
    Service(
        "twilio",
        "Twilio SMS",
        r"\b(?:twilio|sms|text message|texts? me|whatsapp)\b",
        ("sink",),
        "sms",
        ("twilio", "sms"),
    ),
    Service(
        "stripe",
        "Stripe",
        r"\bstripe\b",
        ("event", "source", "sink"),
        "payments",
        ("stripe",),
        record="ctx.request.body.data.object",
        fields={"amount": "amount / 100", "total": "amount / 100", "currency": "currency", "email": "receipt_email"},
        message="Stripe ${ctx.request.body.type}: ${{r}.amount / 100} ${{r}.currency} (${{r}.id})",
    ),
    Service(
        "paypal",
        "PayPal",
        r"\bpay ?pal\b",
        ("event", "source"),
        "payments",
        ("paypal",),
        record="ctx.request.body.resource",
        fields={"amount": "Number({r}.amount.value)", "total": "Number({r}.amount.value)"},
        message="PayPal ${ctx.request.body.event_type}: ${{r}.amount.value} ${{r}.amount.currency_code}",
    ),
    Service(
        "shopify",
        "Shopify",
        r"\bshopify\b",
        ("event", "source"),
        "commerce",
        ("shopify",),
        record="ctx.request.body",
        fields={
            "amount": "Number({r}.total_price)",
            "total": "Number({r}.total_price)",
            "country": "shipping_address.country_code",
        },
        message="New Shopify order ${{r}.name}: ${{r}.total_price} ${{r}.currency} from ${{r}.email}",
    ),
    Service(
        "hubspot",
        "HubSpot",
        r"\bhub ?spot\b",
        ("sink", "source", "event"),
        "crm",
        ("hubspot", "crm"),
        record="ctx.request.body",
    ),
    Service("salesforce", "Salesforce", r"\bsales ?force\b", ("sink", "source"), "crm", ("salesforce", "crm")),
    Service(
        "github",
        "GitHub",
        r"\bgit ?hub\b",
        ("event", "source", "sink"),
        "dev",
        ("github",),
        record="ctx.request.body",
        fields={"label": "issue.labels.map(l => l.name).join(',')", "branch": "ref", "author": "sender.login"},
        message="GitHub ${ctx.request.headers['x-github-event']} on ${{r}.repository.full_name} by ${{r}.sender.login}",
    ),
    Service(
        "gitlab",
        "GitLab",
        r"\bgit ?lab\b",
        ("event", "source", "sink"),
        "dev",
        ("gitlab",),
        record="ctx.request.body.object_attributes",
        message="GitLab ${ctx.request.body.object_kind}: ${{r}.title} ${{r}.url}",
    ),
    Service("jira", "Jira", r"\bjira\b", ("sink", "source"), "tracker", ("jira", "atlassian")),
    Service(
        "postgres",
        "PostgreSQL",
        r"\b(?:postgres(?:ql)?|pg database|psql)\b",
        ("sink", "source"),
        "db",
        ("postgres", "pg", "sql"),
    ),
    Service("mysql", "MySQL", r"\b(?:mysql|mariadb)\b", ("sink", "source"), "db", ("mysql", "sql")),
    Service("mongodb", "MongoDB", r"\bmongo(?:db)?\b", ("sink", "source"), "db", ("mongo", "mongodb")),
    Service("redis", "Redis", r"\bredis\b", ("sink", "source"), "cache", ("redis", "cache")),
    Service(
        "database",
        "database",
        r"\b(?:(?:our|the|a|my) )?(?:database|db)\b",
        ("sink", "source"),
        "db",
        ("postgres", "sql"),
    ),
    Service("s3", "Amazon S3", r"\b(?:s3|aws bucket|s3 bucket)\b", ("sink",), "storage", ("s3", "bucket", "aws")),
    Service(
        "sheets",
        "Google Sheets",
        r"\b(?:google )?(?:sheets?|spreadsheets?)\b",
        ("sink", "source"),
        "sheet",
        ("sheet", "sheets", "spreadsheet"),
    ),
    Service("drive", "Google Drive", r"\bgoogle drive\b|\bdrive folder\b", ("sink",), "storage", ("drive", "gdrive")),
    Service(
        "openai",
        "OpenAI",
        r"\b(?:openai|gpt(?:-?4o?)?|chatgpt|llm|ai|summar(?:ise|ize|y)|classif(?:y|ies)|categori[sz]e|triage|translate|sentiment|extract)\b",
        ("transform",),
        "ai",
        ("openai", "gpt", "llm", "ai"),
    ),
    Service("pdf", "PDF", r"\bpdf\b", ("transform",), "document", ("pdf",)),
    Service(
        "weather",
        "Weather",
        r"\b(?:weather|forecast|temperature|rain(?:ing)?)\b",
        ("source",),
        "data",
        ("weather", "forecast"),
        fields={
            "temperature": "current.temperature_2m",
            "rain": "daily.precipitation_probability_max[0]",
            "wind": "current.wind_speed_10m",
        },
    ),
    Service(
        "rates",
        "Exchange rates",
        r"\b(?:exchange rates?|currency rates?|fx rates?)\b",
        ("source",),
        "data",
        ("currency", "exchange"),
    ),
    Service(
        "crypto",
        "Crypto prices",
        r"\b(?:crypto|bitcoin|ethereum|btc|eth)\b",
        ("source",),
        "data",
        ("crypto", "coingecko"),
    ),
    Service(
        "hackernews",
        "Hacker News",
        r"\b(?:hacker ?news|hn front ?page|hn)\b",
        ("source",),
        "data",
        ("hackernews", "news"),
    ),
)

_COMPILED = {service.key: re.compile(service.pattern) for service in SERVICES}
BY_KEY = {service.key: service for service in SERVICES}
# A specific provider wins over the generic word it overlaps ("SendGrid email" is SendGrid, not a second email).
GENERIC_OF = {
    "sendgrid": "email",
    "mailgun": "email",
    "postgres": "database",
    "mysql": "database",
    "mongodb": "database",
}
EVENT_WORDS = re.compile(_EVENT_WORDS)


@dataclass(frozen=True, slots=True)
class Mention:
    service: Service
    start: int
    end: int


def find_mentions(text: str) -> list[Mention]:
    """Every service named in ``text`` (lower-cased), first mention each, in order of appearance."""
    seen: dict[str, Mention] = {}
    for service in SERVICES:
        match = service.regex.search(text)
        if match and service.key not in seen:
            seen[service.key] = Mention(service, match.start(), match.end())
    for specific, generic in GENERIC_OF.items():
        if specific in seen and generic in seen:
            del seen[generic]
    return sorted(seen.values(), key=lambda m: m.start)
