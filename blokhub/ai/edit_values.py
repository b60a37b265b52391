"""Follow-ups that change a value the user gave: a channel, a recipient, a phone number, a city, a table.

"post to #sales instead", "send it to feedback@example.com", "my number is +447700900123", "use Rome instead of
Madrid", "for Tokyo please", "use the table leads_2025". Each changes the steps that hold the value and nothing else.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from blokhub.ai.builtin_ops import SOURCES
from blokhub.ai.compose import StepList
from blokhub.ai.edit_assets import asset_edits
from blokhub.ai.edit_steps import service_of, steps_of_service
from blokhub.ai.intent import Intent
from blokhub.ai.places import CITIES
from blokhub.ai.step_draft import StepContext, as_dict

_CHANNEL = re.compile(r"(?<![\w#])#[a-z0-9][a-z0-9_-]{1,40}\b")
_ALSO = re.compile(r"\b(?:also|too|as well|a copy|cc|add|second|another|additional|extra)\b")
_OLD_CITY = re.compile(r"\b(?:instead of|rather than|not)\s+(" + "|".join(CITIES) + r")\b")
_TABLE = re.compile(
    r"\b(?:table|collection)\s+(?:to\s+|(?:is\s+|should be\s+)?(?:called\s+|named\s+)?)[\"'`]?([a-z][a-z0-9_]{1,40})\b(?<!\bthe)"
    r"|\b(?:the|a)\s+([a-z][a-z0-9_]{2,40})\s+(?:table|collection)\b"
)
_ADD_PLACES = re.compile(r"\b(?:add|also|too|as well|plus)\b")
_EMAIL_KEYS = ("sendgrid", "mailgun", "email")


def _inputs(out: StepList, step: dict[str, Any]) -> dict[str, Any]:
    config = out.nodes.get(str(step.get("name")))
    inputs = config.get("inputs") if isinstance(config, dict) else None
    return inputs if isinstance(inputs, dict) else {}


def _steps(out: StepList, *keys: str) -> list[dict[str, Any]]:
    return [
        step
        for step, _ in steps_of_service(out, None)
        if service_of(step, out.nodes.get(str(step.get("name")))) in keys
    ]


def value_edits(text: str, intent: Intent, out: StepList, replaced: list[tuple[str, str]]) -> list[str]:
    """Notes on what changed; ``replaced`` collects (old, new) values so the description can follow."""
    lowered = text.lower()
    notes = []
    notes += _channel(lowered, out, replaced)
    notes += _recipients(lowered, intent, out, replaced)
    notes += _phone(intent, out, replaced)
    notes += _city(lowered, out, replaced)
    notes += _table(lowered, out, replaced)
    notes += _project(intent, out)
    notes += _sheet_name(text, out)
    notes += _units(lowered, out)
    notes += _github_variant(lowered, out)
    notes += asset_edits(text, out, replaced)
    return notes


_SHEET_NAME = re.compile(
    r"\b(?:sheet|tab|worksheet)\s+(?:is\s+)?(?:called|named)\s+[\"'“]?([^\"'”.,;]{1,40}?)[\"'”]?\s*(?:$|[.,;])"
)


def _sheet_name(text: str, out: StepList) -> list[str]:
    """ "the sheet is called Orders 2026": the tab the Google Sheets steps read and append to."""
    found = _SHEET_NAME.search(text)
    if not found:
        return []
    name = found.group(1).strip()
    changed = []
    for step in _steps(out, "sheets"):
        inputs = _inputs(out, step)
        url = str(inputs.get("url", ""))
        new = re.sub(r"/values/[^!]+!", lambda _: f"/values/{quote(name)}!", url)
        if new != url:
            inputs["url"] = new
            changed.append(step["name"])
    return [f"{', '.join(changed)} now use{'s' * (len(changed) == 1)} the sheet “{name}”"] if changed else []


def _units(lowered: str, out: StepList) -> list[str]:
    """ "use Fahrenheit" / "in Celsius": the forecast's temperature unit and the messages' degree sign."""
    unit = "fahrenheit" if "fahrenheit" in lowered else "celsius" if "celsius" in lowered else None
    weather = [s for s in _steps(out, "weather") if "latitude=" in str(_inputs(out, s).get("url", ""))]
    if unit is None or not weather:
        return []
    for step in weather:
        inputs = _inputs(out, step)
        url = re.sub(r"&temperature_unit=\w+", "", str(inputs["url"]))
        inputs["url"] = url + ("&temperature_unit=fahrenheit" if unit == "fahrenheit" else "")
    _replace_text(out, "°C" if unit == "fahrenheit" else "°F", "°F" if unit == "fahrenheit" else "°C")
    return [f"temperatures are now in {unit.title()}"]


def _project(intent: Intent, out: StepList) -> list[str]:
    if not intent.project:
        return []
    changed = []
    for step in _steps(out, "jira"):
        fields = (
            _inputs(out, step).get("body", {}).get("fields")
            if isinstance(_inputs(out, step).get("body"), dict)
            else None
        )
        if isinstance(fields, dict) and isinstance(fields.get("project"), dict):
            fields["project"]["key"] = intent.project
            changed.append(step["name"])
    return [f"Jira tasks now go to the {intent.project} project"] if changed else []


def _github_variant(lowered: str, out: StepList) -> list[str]:
    """ "return pull requests instead of issues" (and back): the same GitHub list, the other kind."""
    wants_pulls = re.search(r"\b(?:pull requests?|prs)\b", lowered) and re.search(
        r"\binstead\b|\brather\b|\bnot\b", lowered
    )
    wants_issues = re.search(r"\bissues\b(?! instead)", lowered) and re.search(
        r"instead of (?:the )?(?:pull requests?|prs)", lowered
    )
    if not (wants_pulls or wants_issues):
        return []
    old, new = ("/issues?", "/pulls?") if wants_pulls and not wants_issues else ("/pulls?", "/issues?")
    changed = []
    for step in _steps(out, "github"):
        inputs = _inputs(out, step)
        url = str(inputs.get("url", ""))
        if old in url and inputs.get("method") == "GET":
            inputs["url"] = url.replace(old, new)
            changed.append(step["name"])
    kind = "pull requests" if new == "/pulls?" else "issues"
    return [f"{', '.join(changed)} now list{'s' * (len(changed) == 1)} open {kind}"] if changed else []


_DROPPED_CHANNEL = re.compile(r"\b(?:instead of|rather than|not|replace|swap|from)\s+$")


def _channel(lowered: str, out: StepList, replaced: list[tuple[str, str]]) -> list[str]:
    slack = _steps(out, "slack")
    current = {
        str(_inputs(out, s).get("body", {}).get("channel"))
        for s in slack
        if isinstance(_inputs(out, s).get("body"), dict)
    }
    named = list(_CHANNEL.finditer(lowered))
    # the channel to post to: not the one said to go ("swap #leads out for #prospects", "#a instead of #b")
    wanted = [
        m for m in named
        if not _DROPPED_CHANNEL.search(lowered[max(0, m.start() - 15) : m.start()])
        and not (len(named) > 1 and m.group(0) in current)
        and not re.match(r"\s+(?:out|away)\b", lowered[m.end() :])
    ]  # fmt: skip
    found = wanted[0] if wanted else (named[0] if named else None)
    if not found or not slack:
        return []
    channel = found.group(0)
    changed = False
    for step in slack:
        body = _inputs(out, step).get("body")
        if isinstance(body, dict) and body.get("channel") != channel:
            replaced.append((str(body.get("channel")), channel))
            body["channel"] = channel
            changed = True
    return [f"Slack messages now go to {channel}" if changed else f"Slack messages already go to {channel}"]


def _recipients(lowered: str, intent: Intent, out: StepList, replaced: list[tuple[str, str]]) -> list[str]:
    if not intent.emails:
        return []
    mail = _steps(out, *_EMAIL_KEYS)
    if not mail:
        return []
    # "remove sales@example.com and use hi@example.com": the address said to go leaves, whatever else is asked
    dropped = {a for a in intent.emails if re.search(rf"{_DROP_WORDS}\s+(?:\S+\s+){{0,2}}?{re.escape(a)}", lowered)}
    gone_note = ["e-mails no longer go to " + ", ".join(sorted(dropped))] if dropped else []
    if dropped:
        _drop_recipients(out, mail, dropped)
        remaining = [a for a in intent.emails if a not in dropped]
        if not remaining:
            return gone_note
        replaced += [(a, remaining[0]) for a in sorted(dropped)]
        intent = replace(intent, emails=tuple(remaining))
        lowered = lowered + " also"  # the remaining recipients are kept alongside the new one
    also = bool(_ALSO.search(lowered))
    for step in mail:
        inputs = _inputs(out, step)
        body = inputs.get("body")
        if isinstance(body, dict) and isinstance(body.get("personalizations"), list):
            to = body["personalizations"][0].setdefault("to", [])
            kept = [t for t in to if also and isinstance(t, dict) and "${" not in str(t.get("email", ""))]
            if not also:
                replaced += [(str(t.get("email")), intent.emails[0]) for t in to if isinstance(t, dict)]
            body["personalizations"][0]["to"] = kept + [{"email": a} for a in intent.emails if {"email": a} not in kept]
        elif isinstance(body, dict) and "to" in body:
            if not also:
                replaced += [(a, intent.emails[0]) for a in str(body["to"]).split(", ") if "${" not in a]
            previous = [a for a in str(body["to"]).split(", ") if also and "${" not in a]
            body["to"] = ", ".join(dict.fromkeys(previous + list(intent.emails)))
    return [*gone_note, ("e-mails now also go to " if also else "e-mails now go to ") + ", ".join(intent.emails)]


_DROP_WORDS = r"\b(?:remove|drop|delete|without|not|no longer|instead of|rather than|stop (?:sending|emailing|mailing))"


def _drop_recipients(out: StepList, mail: list[dict[str, Any]], dropped: set[str]) -> None:
    for step in mail:
        body = _inputs(out, step).get("body")
        if isinstance(body, dict) and isinstance(body.get("personalizations"), list):
            to = body["personalizations"][0].get("to", [])
            body["personalizations"][0]["to"] = [
                t for t in to if not (isinstance(t, dict) and t.get("email") in dropped)
            ]
        elif isinstance(body, dict) and "to" in body:
            body["to"] = ", ".join(a for a in str(body["to"]).split(", ") if a not in dropped)


def _phone(intent: Intent, out: StepList, replaced: list[tuple[str, str]]) -> list[str]:
    if not intent.phones:
        return []
    texts = _steps(out, "twilio")
    for step in texts:
        body = _inputs(out, step).get("body")
        if isinstance(body, dict):
            if isinstance(body.get("To"), str) and "${" not in body["To"]:
                replaced.append((body["To"], intent.phones[0]))
            body["To"] = intent.phones[0]
    return [f"text messages now go to {intent.phones[0]}"] if texts else []


def _current_city(url: str) -> str | None:
    query = parse_qs(urlsplit(url).query)
    try:
        lat, lon = float(query["latitude"][0]), float(query["longitude"][0])
    except (KeyError, ValueError, IndexError):
        return None
    return next((n for n, (a, b) in CITIES.items() if abs(a - lat) < 0.05 and abs(b - lon) < 0.05), None)


def _city(lowered: str, out: StepList, replaced: list[tuple[str, str]]) -> list[str]:
    mentioned = [
        m.group(0) for m in re.finditer(r"\b(" + "|".join(sorted(CITIES, key=len, reverse=True)) + r")\b", lowered)
    ]
    weather = [s for s in _steps(out, "weather") if "latitude=" in str(_inputs(out, s).get("url", ""))]
    if not mentioned or not weather:
        return []
    old_named = _OLD_CITY.search(lowered)
    old = _current_city(str(_inputs(out, weather[0]).get("url", "")))
    if _ADD_PLACES.search(lowered) and old and not old_named:
        return _add_cities(out, weather, [old, *mentioned])
    # the first place named that is neither the one said to go nor the current one ("swap Berlin for Lisbon")
    new = next((c for c in mentioned if (not old_named or c != old_named.group(1)) and c != old), None)
    if new is None or new == old:
        return []
    lat, lon = CITIES[new]
    for step in weather:
        inputs = _inputs(out, step)
        url = str(inputs["url"])
        url = re.sub(r"latitude=-?[\d.]+", f"latitude={lat}", url)
        inputs["url"] = re.sub(r"longitude=-?[\d.]+", f"longitude={lon}", url)
    if old:
        _replace_text(out, old.title(), new.title())
        replaced.append((old.title(), new.title()))
    return [f"the forecast is now for {new.title()}"]


def _add_cities(out: StepList, weather: list[dict[str, Any]], cities: list[str]) -> list[str]:
    """ "add Paris and Madrid": one forecast request for every place, and the messages list them all."""
    places = [(c.title(), *CITIES[c]) for c in dict.fromkeys(cities)]
    ctx = StepContext("ctx.response.data", "", "", "records", cities=places)
    fetched = SOURCES["weather"](ctx, "")
    for step in weather:
        _inputs(out, step)["url"] = fetched.step.inputs["url"]
    replacement = json.dumps(fetched.message)
    for config in out.nodes.values():  # messages that read one forecast now read the list
        inputs = config.get("inputs") if isinstance(config, dict) else None
        if isinstance(inputs, dict) and "temperature_2m" in json.dumps(inputs) and "url" in inputs:
            if "open-meteo" in str(inputs["url"]):
                continue
            config["inputs"] = json.loads(re.sub(r'"Weather in [^"]*"', lambda _: replacement, json.dumps(inputs)))
    return [f"the forecast now covers {', '.join(p[0] for p in places)}"]


def _replace_text(out: StepList, old: str, new: str) -> None:
    """Replaces a word in every step's inputs (messages and subjects that name the old value)."""
    for name, config in list(out.nodes.items()):
        if isinstance(config, dict) and "inputs" in config:
            dumped = json.dumps(config["inputs"], ensure_ascii=False)
            if old in dumped:
                config["inputs"] = json.loads(re.sub(rf"\b{re.escape(old)}\b", new, dumped))
        out.nodes[name] = config


def _table(lowered: str, out: StepList, replaced: list[tuple[str, str]]) -> list[str]:
    found = _TABLE.search(lowered)
    if not found:
        return []
    table = found.group(1) or found.group(2)
    if table in ("the", "our", "a", "my", "it", "them"):
        return []
    changed, already = [], []
    for step in _steps(out, "postgres", "database", "mysql", "mongodb", "redis"):
        inputs = _inputs(out, step)
        if isinstance(inputs.get("query"), str):
            old = re.search(r"\b(?:INTO|FROM)\s+([A-Za-z_][\w.]*)", inputs["query"])
            query = re.sub(r"\b(INTO|FROM)\s+[A-Za-z_][\w.]*", lambda m: f"{m.group(1)} {table}", inputs["query"])
            if query != inputs["query"]:
                replaced.append((old.group(1) if old else table, table))
                inputs["query"] = query
                changed.append(step["name"])
        elif "collection" in inputs and inputs["collection"] != table:
            replaced.append((str(inputs["collection"]), table))
            inputs["collection"] = table
            changed.append(step["name"])
        if step["name"] not in changed and table in json.dumps(inputs):
            already.append(step["name"])
    if already and not changed:
        return [f"{', '.join(already)} already use{'s' * (len(already) == 1)} the `{table}` table, so nothing changed"]
    return [f"{', '.join(changed)} now use{'s' * (len(changed) == 1)} the `{table}` table"] if changed else []


def follow_in_words(work: dict[str, Any], replaced: list[tuple[str, str]]) -> None:
    """The name and description say what the workflow does: values an edit replaced are replaced there too."""
    for key in ("name", "description"):
        value = work.get(key)
        if not isinstance(value, str):
            continue
        for old, new in replaced:
            if old and old != new and "${" not in old:
                value = re.sub(rf"(?<![\w#@.]){re.escape(old)}(?![\w@])", new, value, flags=re.IGNORECASE)
        work[key] = value
    nodes = as_dict(work.get("nodes"))
    for name, config in nodes.items():  # subjects, messages and the words our skip/matched steps carry
        if not isinstance(config, dict) or not isinstance(config.get("inputs"), dict):
            continue
        dumped = json.dumps(config["inputs"], ensure_ascii=False)
        for old, new in replaced:
            if old and old != new and "${" not in old and len(old) > 2:
                dumped = re.sub(rf"(?<![\w#@.]){re.escape(old)}(?![\w@])", new.replace("\\", "\\\\"), dumped)
        nodes[name] = {**config, "inputs": json.loads(dumped)}


# addresses and numbers (a channel stays: a swapped chat service keeps the clause that says where it posts)
_GIVEN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w+])\+\d[\d ]{6,16}\d")
_DESCRIPTION_CLAUSE = re.compile(r"(,\s*(?:and\s+|then\s+)?|\s+and\s+(?:then\s+)?|\s+then\s+|;\s*)")


def drop_gone_values(work: dict[str, Any]) -> None:
    """A removed step's address or number leaves the description with the clause that named it ("..., and
    email it to team@example.com" after "no more emails"), so the description never names what the draft lacks."""
    description = work.get("description")
    if not isinstance(description, str):
        return
    body = json.dumps([work.get("trigger"), work.get("steps"), work.get("nodes")], ensure_ascii=False).lower()
    gone = [v for v in _GIVEN.findall(description) if v.lower() not in body]
    if not gone:
        return
    parts = _DESCRIPTION_CLAUSE.split(description)  # clause, separator, clause, ...
    kept: list[str] = []
    for index in range(0, len(parts), 2):
        clause = parts[index]
        if any(value in clause for value in gone) and index > 0:
            continue  # the clause and the separator before it go; the first clause (the trigger) stays
        if kept or index == 0:
            kept.append((parts[index - 1] if index > 0 else "") + clause)
    work["description"] = "".join(kept).strip()
