"""The explanation, read off the draft itself: its trigger, what each step does, the variables it reads.

Built from the workflow rather than from what the generator meant to do, so the words cannot drift from the draft
(issue 15: the explanation named SLACK_BOT_TOKEN for a draft that did not use it). Every service, recipient,
channel, table and environment variable named here is in the draft, and every one in the draft is named.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from blokhub.ai.edit_steps import service_of
from blokhub.ai.places import CITIES
from blokhub.ai.service_catalogue import BY_KEY
from blokhub.ai.step_draft import as_dict, as_list
from blokhub.blok.walk import conditions_of

_ENV = re.compile(r"\b(?:ctx\.env|process\.env)\.([A-Z][A-Z0-9_]*)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
# (what a step that reads from the service does, what a step that writes to it does)
_PHRASES: dict[str, tuple[str, str]] = {
    "stripe": ("lists Stripe charges", "creates a Stripe customer"),
    "paypal": ("lists PayPal transactions", "sends it to PayPal"),
    "shopify": ("lists Shopify orders", "sends it to Shopify"),
    "hubspot": ("lists HubSpot contacts", "creates a contact in HubSpot"),
    "salesforce": ("lists Salesforce leads", "creates a lead in Salesforce"),
    "github": ("lists {github} from GitHub", "opens a GitHub issue"),
    "gitlab": ("lists open GitLab merge requests", "opens a GitLab issue"),
    "jira": ("lists open Jira issues", "creates a Jira task"),
    "sheets": ("reads rows from Google Sheets", "appends a row to Google Sheets"),
    "drive": ("reads a file from Google Drive", "saves a file to Google Drive"),
    "rates": ("fetches EUR exchange rates", "sends it to the exchange-rate API"),
    "crypto": ("fetches crypto prices from CoinGecko", "sends it to CoinGecko"),
    "hackernews": ("reads the Hacker News front page", "sends it to Hacker News"),
    "discord": ("reads from Discord", "posts to a Discord channel (the one its webhook belongs to)"),
    "teams": ("reads from Microsoft Teams", "posts a card to Microsoft Teams"),
    "telegram": ("reads from Telegram", "sends a Telegram message"),
    "pagerduty": ("reads PagerDuty incidents", "triggers a PagerDuty incident"),
    "opsgenie": ("reads Opsgenie alerts", "opens an Opsgenie alert"),
    "zendesk": ("lists open Zendesk tickets", "creates a Zendesk ticket"),
    "linear": ("lists open Linear issues", "creates a Linear issue"),
    "notion": ("reads Notion pages", "adds a page to Notion"),
    "airtable": ("lists Airtable records", "adds records to Airtable"),
}


def env_names(workflow: Any) -> list[str]:
    return list(dict.fromkeys(_ENV.findall(json.dumps(workflow))))


def trigger_sentence(workflow: dict[str, Any]) -> str:
    trigger = as_dict(workflow.get("trigger"))
    cron = trigger.get("cron") if isinstance(trigger.get("cron"), dict) else None
    http = trigger.get("http") if isinstance(trigger.get("http"), dict) else None
    if cron is not None:
        schedule, zone = str(cron.get("schedule", "")), str(cron.get("timezone", "UTC"))
        return f"Runs {cron_words(schedule)} {zone} (cron `{schedule}`)"
    if http is not None:
        return f"Answers {str(http.get('method', 'POST')).upper()} {http.get('path', '/')}"
    kinds = ", ".join(trigger) or "no"
    return f"Starts from its {kinds} trigger"


def cron_words(schedule: str) -> str:
    parts = schedule.split()
    if len(parts) != 5:
        return "on its schedule"
    minute, hour, dom, month, dow = parts
    if (minute, hour, dom, month, dow) == ("*", "*", "*", "*", "*"):
        return "every minute"
    if minute.startswith("*/") and hour == "*":
        return f"every {minute[2:]} minutes"
    if minute.isdigit() and hour == "*":
        return "every hour" if minute == "0" else f"every hour at minute {minute}"
    if minute.isdigit() and hour.startswith("*/"):
        return f"every {hour[2:]} hours"
    if not (minute.isdigit() and hour.isdigit()):
        return "on its schedule"
    return _calendar_words(f"at {int(hour):02d}:{int(minute):02d}", dom, month, dow)


def _calendar_words(at: str, dom: str, month: str, dow: str) -> str:
    if dom == "1" and month == "1":
        return f"every 1 January {at}"
    if dom == "1":
        return f"on the 1st of every month {at}"
    if dom.isdigit():
        return f"on day {dom} of every month {at}"
    if dom.startswith("*/"):
        return f"every {dom[2:]} days {at}"
    if dow == "1-5":
        return f"every weekday {at}"
    if dow in ("0,6", "6,0"):
        return f"on weekends {at}"
    if dow != "*":
        days = [_DAYS[int(d) % 7] for d in dow.split(",") if d.isdigit()]
        return f"every {', '.join(days) or dow} {at}"
    return f"every day {at}"


def _join(words: list[str]) -> str:
    words = [w for w in dict.fromkeys(words) if w]
    if not words:
        return ""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _inputs(config: Any) -> dict[str, Any]:
    inputs = config.get("inputs") if isinstance(config, dict) else None
    return inputs if isinstance(inputs, dict) else {}


def _who(value: Any, fallback: str) -> str:
    """Recipients as the user will recognise them: literal addresses, the request's field, or the variable."""
    text = json.dumps(value) if not isinstance(value, str) else value
    found = list(dict.fromkeys(_EMAIL.findall(text)))
    if found:
        return _join(found)
    env = _ENV.findall(text)
    if env:
        return f"the address in {env[0]}"
    if "ctx.request" in text:
        return "the address from the request"
    return fallback


def _table(inputs: dict[str, Any]) -> str | None:
    query = str(inputs.get("query", ""))
    found = re.search(r"\b(?:INTO|FROM)\s+([A-Za-z_][\w.]*)", query, re.IGNORECASE)
    return found.group(1) if found else None


def _city(url: str) -> str:
    query = parse_qs(urlsplit(url).query)
    try:
        pairs = list(zip(query["latitude"][0].split(","), query["longitude"][0].split(","), strict=True))
        places = [(float(a), float(b)) for a, b in pairs]
    except (KeyError, ValueError, IndexError):
        return "the configured place"
    names = []
    for lat, lon in places:
        near = [n.title() for n, (a, b) in CITIES.items() if abs(a - lat) < 0.05 and abs(b - lon) < 0.05]
        names.append(near[0] if near else f"{lat}, {lon}")
    return _join(names)


def step_clause(step: dict[str, Any], config: Any) -> str:  # noqa: C901 - one table of step kinds
    node, name = str(step.get("node", "")), str(step.get("name", ""))
    inputs = _inputs(config)
    url = str(inputs.get("url", ""))
    key = "drive" if "googleapis.com/upload/drive" in url else service_of(step, config)
    label = BY_KEY[key].label if key in BY_KEY else None
    method = str(inputs.get("method", "")).upper()
    if node == "mapper" or node.endswith("/mapper"):
        if name.startswith("respond"):
            return "answers the request"
        if name.startswith("skip"):
            return "does nothing"
        if name.startswith("matched"):
            return "passes the data on"
        return "records the run" if name == "log-run" else "shapes the data"
    if node == "error" or node.endswith("/error"):
        return f"refuses the request ({inputs.get('message', 'an error')})"
    if node in ("base64-pdf",):
        return "answers with the PDF"
    if node == "generate-pdf":
        return "renders a PDF report (Python runtime)"
    if name.startswith("verify-") and label:
        return f"checks the {label} signature"
    if key == "openai":
        verb = name.split("-with-")[0] if "-with-" in name else "summarise"
        return {"classify": "classifies it", "translate": "translates it", "sentiment": "scores its sentiment"}.get(
            verb, "extracts the key fields" if verb == "extract" else "summarises it"
        ) + " with OpenAI"
    if key == "weather":
        return f"fetches the {_city(url)} forecast from Open-Meteo"
    if key == "slack":
        channel = inputs.get("body", {}).get("channel") if isinstance(inputs.get("body"), dict) else None
        return f"posts to {channel or 'a channel'} in Slack"
    if key in ("email", "sendgrid", "mailgun"):
        body = inputs.get("body")
        target = body.get("personalizations", body.get("to")) if isinstance(body, dict) else body
        provider = "Mailgun" if "mailgun" in url else "SendGrid"
        return f"e-mails {_who(target, 'the recipients')} through {provider}"
    if key == "twilio":
        body = as_dict(inputs.get("body"))
        to = str(body.get("To", ""))
        who = to if to.startswith("+") else _who(to, "your phone").replace("the address", "the number")
        return f"texts {who} with Twilio SMS"
    if key in ("postgres", "database", "mysql"):
        engine = "MySQL" if key == "mysql" else "PostgreSQL"
        table = _table(inputs) or "records"
        verb = str(inputs.get("query", "")).lstrip().upper().split(" ")[0]
        if verb == "DELETE":
            return f"deletes the record from the `{table}` table in {engine}"
        return (
            f"reads `{table}` rows from {engine}"
            if verb == "SELECT"
            else f"saves it to the `{table}` table in {engine}"
        )
    if key == "mongodb":
        where = f"the `{inputs.get('collection', 'records')}` collection"
        return f"stores it in {where} in MongoDB" if "data" in inputs else f"reads {where} from MongoDB"
    if key == "redis":
        return "reads the cached value from Redis" if inputs.get("command") == "GET" else "caches it in Redis"
    if key == "s3":
        if step.get("type") == "runtime.python3" or "csv" in name:
            return "reads the CSV file from S3 (Python runtime)"
        bucket = str(inputs.get("bucket", ""))
        return f"archives a JSON copy in the S3 bucket {bucket}" if "${" not in bucket else "archives a JSON copy in S3"
    if key in ("rates", "crypto") and "?" in url:
        query = parse_qs(urlsplit(url).query)
        if key == "crypto":
            return f"fetches {_join(query.get('ids', ['crypto'])[0].split(','))} prices from CoinGecko"
        base, targets = query.get("from", ["EUR"])[0], query.get("to", [""])[0].replace(",", ", ")
        return f"fetches {base} exchange rates" + (f" to {targets}" if targets else "")
    graphql_read = "graphql" in url and "mutation" not in json.dumps(inputs) and not step.get("set_var")
    reading = method == "GET" or graphql_read or (not step.get("set_var") and method in ("", "GET"))
    if key == "sheets" and "/values/" in url:
        tab = unquote(url.split("/values/", 1)[1].split("!", 1)[0])
        where = "Google Sheets" if tab == "Sheet1" else f"the “{tab}” sheet in Google Sheets"
        return f"reads rows from {where}" if reading else f"appends a row to {where}"
    if key == "airtable":
        table = url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        return f"{'lists' if reading else 'adds records to'} the `{table}` table in Airtable"
    if key in _PHRASES:
        phrase = _PHRASES[key][0 if reading else 1]
        return phrase.replace("{github}", "open pull requests" if "/pulls" in url else "open issues")
    if key in BY_KEY and label:
        said = getattr(BY_KEY[key], "read_phrase" if reading else "write_phrase", None)
        return str(said) if said else (f"reads from {label}" if reading else f"sends it to {label}")
    host = urlsplit(url).hostname if url.startswith("http") else None
    if host:
        return f"fetches {url.split('?')[0]}" if reading else f"calls {host}"
    return f"runs the `{node}` node"


def _condition_words(js: str) -> str:
    parts = js[1:-1].split(") && (") if js.startswith("(") and js.endswith(")") and ") && (" in js else [js]
    return " and ".join(_one_condition_words(part) for part in parts)


def _one_condition_words(js: str) -> str:
    found = re.search(
        r"(?P<field>[A-Za-z_]\w*)(?:\s*/\s*100)?\)*(?:\.\w+\((?:\"[^\"]*\"(?:,\s*\"[^\"]*\")?)?\))*\s*(?P<op>===|!==|>=|<=|>|<)\s*(?P<value>\"[^\"]*\"|'[^']*'|-?[\d.]+)",
        js,
    )
    ops = {">": "is over", ">=": "is at least", "<": "is under", "<=": "is at most", "===": "is", "!==": "is not"}
    if found:
        value = found.group("value").strip("\"'")
        return f"the {found.group('field')} {ops[found.group('op')]} {value}"
    included = re.search(r"\[([^\]]*)\]\.includes\(.*?\.(\w+)\)", js)
    if included:
        return f"the {included.group(2)} is one of {included.group(1).replace(chr(34), '')}"
    contains = re.search(r"\.(\w+)\)?\.toLowerCase\(\)\.includes\((\"[^\"]*\")\)", js)
    if contains:
        return f"the {contains.group(1)} contains {contains.group(2).strip(chr(34))}"
    return f"`{js}`"


def steps_clauses(steps: list[Any], nodes: dict[str, Any], seen: set[str] | None = None) -> list[str]:
    seen = set() if seen is None else seen
    out: list[str] = []
    for step in steps:
        if not isinstance(step, dict):
            continue
        name = step.get("name")
        config = nodes.get(name) if isinstance(name, str) else None
        conditions = conditions_of(config)
        if conditions is not None and isinstance(name, str) and name not in seen:
            seen.add(name)
            out.append(_branch_clause(conditions, nodes, seen))
        else:
            out.append(step_clause(step, config))
    return out


def _branch_clause(conditions: list[Any], nodes: dict[str, Any], seen: set[str]) -> str:
    parts: list[str] = []
    for index, condition in enumerate(conditions):
        if not isinstance(condition, dict):
            continue
        inner = _join(steps_clauses(condition.get("steps") or [], nodes, seen)) or "does nothing"
        if condition.get("type") == "else":
            parts.append(f"otherwise it {inner}")
        else:
            lead = "checks whether" if index == 0 else "else, when"
            parts.append(f"{lead} {_condition_words(str(condition.get('condition', '')))}: if so it {inner}")
    return "; ".join(parts)


def narrate(workflow: dict[str, Any], extra: list[str] | None = None, lead: str = "") -> str:
    """The explanation for ``workflow``; ``lead`` goes first (what an edit changed), ``extra`` after the steps."""
    nodes = as_dict(workflow.get("nodes"))
    steps = as_list(workflow.get("steps"))
    clauses = _join(steps_clauses(steps, nodes))
    sentence = trigger_sentence(workflow) + (f", then it {clauses}." if clauses else ".")
    lines = [lead, sentence, *(extra or [])]
    env = env_names(workflow)
    if env:
        lines.append("Set these environment variables where it runs: " + ", ".join(env) + ".")
    return " ".join(line for line in lines if line)
