"""Scores AI-drafted Blok workflows against the evaluation set's expectations. Independent of blokhub on purpose:
it reads only the workflow JSON and the explanation text, as a reviewer would, so the generator cannot grade itself.

A case is *fully right* when every expectation holds, the draft is valid (the caller says so: that check is the
product's own validator) and no step reads data its trigger does not provide. Explanation consistency (every
environment variable, service and user value named in the explanation is in the draft, and the reverse) is scored
separately. See evals/ai/README.md for the expectation keys.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# Where each service shows itself in a draft: a step's name, node, URL or other inputs' host names.
SERVICE_MARKERS: dict[str, tuple[str, ...]] = {
    "slack": ("slack.com", "slack"),
    "discord": ("discord.com", "discord"),
    "teams": ("teams",),
    "telegram": ("api.telegram.org", "telegram"),
    "email": ("sendgrid", "mailgun", "email", "smtp"),
    "sendgrid": ("sendgrid",),
    "mailgun": ("mailgun",),
    "twilio": ("twilio", "sms"),
    "stripe": ("api.stripe.com", "stripe"),
    "paypal": ("paypal",),
    "shopify": ("shopify",),
    "hubspot": ("hubapi.com", "hubspot"),
    "salesforce": ("salesforce",),
    "github": ("api.github.com", "github"),
    "gitlab": ("gitlab",),
    "jira": ("atlassian.net", "jira"),
    "postgres": ("postgres",),
    "mysql": ("mysql",),
    "mongodb": ("mongo",),
    "redis": ("redis",),
    "s3": ("s3",),
    "sheets": ("sheets.googleapis.com", "sheet"),
    "drive": ("googleapis.com/upload/drive", "drive"),
    "openai": ("openai",),
    "pdf": ("pdf",),
    "weather": ("open-meteo", "weather"),
    "rates": ("frankfurter", "exchange-rates"),
    "crypto": ("coingecko", "crypto"),
    "hackernews": ("hn.algolia.com",),
    "pagerduty": ("pagerduty",),
    "opsgenie": ("opsgenie",),
    "zendesk": ("zendesk",),
    "notion": ("api.notion.com", "notion"),
    "airtable": ("api.airtable.com", "airtable"),
    "linear": ("api.linear.app", "linear"),
}
# How the explanation names each service (lower-cased text).
SERVICE_WORDS: dict[str, str] = {
    "slack": r"\bslack\b",
    "discord": r"\bdiscord\b",
    "teams": r"\bteams\b",
    "telegram": r"\btelegram\b",
    "email": r"\be-?mails?\b|\bsendgrid\b|\bmailgun\b",
    "sendgrid": r"\bsendgrid\b",
    "mailgun": r"\bmailgun\b",
    "twilio": r"\btwilio\b|\bsms\b|\btext message",
    "stripe": r"\bstripe\b",
    "paypal": r"\bpaypal\b",
    "shopify": r"\bshopify\b",
    "hubspot": r"\bhubspot\b",
    "salesforce": r"\bsalesforce\b",
    "github": r"\bgithub\b",
    "gitlab": r"\bgitlab\b",
    "jira": r"\bjira\b",
    "postgres": r"\bpostgres(?:ql)?\b",
    "mysql": r"\bmysql\b",
    "mongodb": r"\bmongodb\b",
    "redis": r"\bredis\b",
    "s3": r"\bs3\b",
    "sheets": r"\bgoogle sheets?\b|\bspreadsheet\b",
    "drive": r"\bgoogle drive\b",
    "openai": r"\bopenai\b",
    "pdf": r"\bpdf\b",
    "weather": r"\bweather\b|\bforecast\b|\bopen-meteo\b",
    "rates": r"\bexchange rates?\b|\bfrankfurter\b",
    "crypto": r"\bcrypto\b|\bcoingecko\b",
    "hackernews": r"\bhacker news\b",
    "pagerduty": r"\bpagerduty\b",
    "opsgenie": r"\bopsgenie\b",
    "zendesk": r"\bzendesk\b",
    "notion": r"\bnotion\b",
    "airtable": r"\bairtable\b",
    "linear": r"\blinear\b",
}
# Specific services that also count as their generic kind when a case asks for the generic one.
GENERIC = {"sendgrid": "email", "mailgun": "email", "twilio": "sms"}
_ENV = re.compile(r"\b(?:ctx\.env|process\.env)\.([A-Z][A-Z0-9_]*)")
_ENV_WORD = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
_REQUEST = re.compile(r"\bctx\.request\??\.(body|query|params|headers)\b")
_VARS = re.compile(r"""\bctx\.vars\??(?:\.([A-Za-z_$][\w$]*)|\??\.?\[\s*['"]([^'"\]]+)['"]\s*\])""")
_NEGATIVE = re.compile(
    r"\b(?:not|no|cannot|can't|couldn't|could not|did not|didn't|unable|isn't|is not|instead of|replaced|removed|"
    r"dropped|without|no longer|unsupported|there is no|has no|have no)\b",
    re.IGNORECASE,
)
_SILENT = re.compile(r"kept the draft as it was|could not tell what to change", re.IGNORECASE)
_CHANNEL = re.compile(r"(?<![\w#/])#[a-z0-9][a-z0-9_-]+")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")


@dataclass
class Draft:
    workflow: dict[str, Any]
    explanation: str
    valid: bool  # the product's validator accepted it
    error: str | None = None  # the generator refused or failed (code: message)


@dataclass
class Score:
    case_id: str
    category: str
    failures: list[str] = field(default_factory=list)
    explanation_failures: list[str] = field(default_factory=list)
    valid: bool = True
    data_flow_ok: bool = True

    @property
    def right(self) -> bool:
        return not self.failures


def walk_steps(workflow: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every step, branch steps included (each if-else configuration expanded once)."""
    nodes = workflow.get("nodes") if isinstance(workflow.get("nodes"), dict) else {}
    stack = list(reversed(workflow.get("steps") or [])) if isinstance(workflow.get("steps"), list) else []
    seen: set[str] = set()
    while stack:
        step = stack.pop()
        if not isinstance(step, dict):
            continue
        yield step
        name = step.get("name")
        config = nodes.get(name) if isinstance(name, str) else None
        if isinstance(config, dict) and isinstance(config.get("conditions"), list) and name not in seen:
            seen.add(name)
            for condition in reversed(config["conditions"]):
                if isinstance(condition, dict) and isinstance(condition.get("steps"), list):
                    stack.extend(reversed(condition["steps"]))


def _config(workflow: dict[str, Any], step: dict[str, Any]) -> dict[str, Any]:
    nodes = workflow.get("nodes") if isinstance(workflow.get("nodes"), dict) else {}
    config = nodes.get(step.get("name"))
    return config if isinstance(config, dict) else {}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _hosts(config: dict[str, Any]) -> list[str]:
    hosts = []
    for text in _strings(config.get("inputs", {})):
        for url in re.findall(r"https?://[^\s\"'`]+", text):
            hosts.append((urlsplit(url.replace("${", "").replace("}", "")).hostname or "").lower())
    return hosts


def step_services(workflow: dict[str, Any], step: dict[str, Any]) -> set[str]:
    config = _config(workflow, step)
    inputs = config.get("inputs") if isinstance(config.get("inputs"), dict) else {}
    url = inputs.get("url") if isinstance(inputs.get("url"), str) else ""
    text = " ".join([str(step.get("name", "")), str(step.get("node", "")), url.split("?")[0], *_hosts(config)]).lower()
    found = {key for key, markers in SERVICE_MARKERS.items() if any(marker in text for marker in markers)}
    if step.get("node") != "openai" and "openai" in found and "api.openai.com" not in text:
        found.discard("openai")  # "openai" in a step name that is not the OpenAI node
    return found


def step_role(workflow: dict[str, Any], step: dict[str, Any]) -> str:
    """ "read", "write" or "check" (a webhook signature check), as a reviewer reads the step."""
    config = _config(workflow, step)
    inputs = config.get("inputs") if isinstance(config.get("inputs"), dict) else {}
    name = str(step.get("name", ""))
    if name.startswith("verify-"):
        return "check"
    method = str(inputs.get("method", "")).upper()
    dumped = json.dumps(inputs)
    if method == "GET":
        return "read"
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        graphql_read = "graphql" in str(inputs.get("url", "")) and "mutation" not in dumped
        return "read" if graphql_read else "write"
    query = str(inputs.get("query", "")).lstrip().upper()
    if query:
        return "read" if query.startswith(("SELECT", "WITH")) else "write"
    if "collection" in inputs:
        return "write" if "data" in inputs else "read"
    if inputs.get("command"):
        return "read" if str(inputs["command"]).upper() == "GET" else "write"
    return "write" if step.get("set_var") else "read"


def services_by_role(workflow: dict[str, Any], role: str) -> set[str]:
    found: set[str] = set()
    for step in walk_steps(workflow):
        if step_role(workflow, step) == role:
            found |= step_services(workflow, step)
    return found | {GENERIC[s] for s in found if s in GENERIC}


def services_of(workflow: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for step in walk_steps(workflow):
        found |= step_services(workflow, step)
    return found | {GENERIC[s] for s in found if s in GENERIC}


def env_of(workflow: dict[str, Any]) -> set[str]:
    return set(_ENV.findall(json.dumps(workflow)))


def conditions_of(workflow: dict[str, Any]) -> list[str]:
    out = []
    for step in walk_steps(workflow):
        for condition in _config(workflow, step).get("conditions") or []:
            if isinstance(condition, dict) and isinstance(condition.get("condition"), str):
                out.append(condition["condition"])
    return out


_OPS = {
    ">": r"(?<![<>=!])>(?!=)",
    ">=": r">=",
    "<": r"(?<![<>=!])<(?!=)",
    "<=": r"<=",
    "===": r"===?|\.includes\(",
    "!==": r"!==?",
    "includes": r"\.includes\(",
    "startsWith": r"\.startsWith\(",
    "endsWith": r"\.endsWith\(",
    "any": r".",
}


def condition_matches(expected: dict[str, Any], condition: str) -> bool:
    fields = expected["field"] if isinstance(expected["field"], list) else [expected["field"]]
    # a field also matches its code/id variants ("country" is shipping_address.country_code)
    field_ok = any(
        re.search(rf"[.\['\"]{re.escape(str(f))}(?:_code|_id|_name|_iso)?\b", condition, re.IGNORECASE) for f in fields
    )
    op_ok = re.search(_OPS[str(expected.get("op", "any"))], condition)  # no "op": any comparison will do
    values = expected.get("value")
    options = values if isinstance(values, list) else [values]
    value_ok = values is None or any(
        re.search(rf"(?<![\w.]){re.escape(str(v))}(?![\w])", condition, re.IGNORECASE) for v in options
    )
    return bool(field_ok and op_ok and value_ok)


def data_flow_problems(workflow: dict[str, Any]) -> list[str]:
    """Steps that read request data the trigger does not provide, or vars no earlier set_var step sets."""
    trigger = workflow.get("trigger") if isinstance(workflow.get("trigger"), dict) else {}
    kinds = set(trigger)
    http = trigger.get("http") if isinstance(trigger.get("http"), dict) else None
    problems = []
    set_so_far: set[str] = set()
    for step in walk_steps(workflow):
        config = _config(workflow, step)
        for text in _strings({k: v for k, v in config.items() if k != "steps"}):
            for part in _REQUEST.findall(text):
                if not kinds & {"http", "mcp", "grpc"}:
                    problems.append(f"{step.get('name')} reads ctx.request.{part} under a {'/'.join(kinds)} trigger")
                elif part == "body" and http is not None and str(http.get("method", "")).upper() in ("GET", "HEAD"):
                    problems.append(f"{step.get('name')} reads ctx.request.body under GET")
            for a, b in _VARS.findall(text):
                if (a or b) not in set_so_far:
                    problems.append(f"{step.get('name')} reads ctx.vars.{a or b}, set by no earlier step")
        inputs = config.get("inputs") if isinstance(config.get("inputs"), dict) else {}
        if step.get("set_var") or inputs.get("set_var") is True:
            set_so_far.add(str(step.get("name")))
    return sorted(set(problems))


def _values_in(workflow: dict[str, Any], service: str) -> str:
    if service == "any":
        return json.dumps(workflow, ensure_ascii=False)
    parts = []
    for step in walk_steps(workflow):
        found = step_services(workflow, step)
        if service in found or GENERIC.get(next(iter(found), ""), "") == service:
            parts.append(json.dumps(_config(workflow, step), ensure_ascii=False))
    return "\n".join(parts)


def check_expectations(
    expect: dict[str, Any], draft: Draft, base: dict[str, Any] | None = None, allow_keep: bool = False
) -> list[str]:
    fails = _trigger_fails(expect, draft.workflow)
    fails += _service_fails(expect, draft.workflow)
    fails += _value_fails(expect, draft.workflow, base)
    fails += _answer_fails(expect, draft, base, allow_keep)
    return fails


def _trigger_fails(expect: dict[str, Any], wf: dict[str, Any]) -> list[str]:
    fails = []
    trigger = wf.get("trigger") if isinstance(wf.get("trigger"), dict) else {}
    if "trigger" in expect and list(trigger) != [expect["trigger"]]:
        fails.append(f"trigger is {list(trigger)}, expected {expect['trigger']}")
    cron = trigger.get("cron") if isinstance(trigger.get("cron"), dict) else {}
    http = trigger.get("http") if isinstance(trigger.get("http"), dict) else {}
    if "schedule" in expect and cron.get("schedule") not in _list(expect["schedule"]):
        fails.append(f"schedule is {cron.get('schedule')!r}, expected {expect['schedule']!r}")
    if "timezone" in expect and cron.get("timezone") != expect["timezone"]:
        fails.append(f"timezone is {cron.get('timezone')!r}, expected {expect['timezone']!r}")
    if "method" in expect and str(http.get("method", "")).upper() != expect["method"]:
        fails.append(f"method is {http.get('method')!r}, expected {expect['method']}")
    if "path" in expect and http.get("path") != expect["path"]:
        fails.append(f"path is {http.get('path')!r}, expected {expect['path']!r}")
    return fails


def _service_fails(expect: dict[str, Any], wf: dict[str, Any]) -> list[str]:
    have = services_of(wf)
    fails = [f"missing service {s} (has {sorted(have)})" for s in expect.get("services", []) if s not in have]
    fails += [f"service {s} should not be there" for s in expect.get("not_services", []) if s in have]
    reads, writes = services_by_role(wf, "read"), services_by_role(wf, "write")
    fails += [f"{s} is not read from (reads {sorted(reads)})" for s in expect.get("reads", []) if s not in reads]
    fails += [f"{s} is not written to (writes {sorted(writes)})" for s in expect.get("writes", []) if s not in writes]
    fails += [f"{s} should not be written to" for s in expect.get("not_writes", []) if s in writes]
    hosts = {h for step in walk_steps(wf) for h in _hosts(_config(wf, step))}
    for host in expect.get("hosts", []):
        if not any(h == host or h.endswith("." + host) for h in hosts):
            fails.append(f"no call to {host}")
    conditions = conditions_of(wf)
    for cond in _list(expect.get("condition", [])):
        if not any(condition_matches(cond, text) for text in conditions):
            fails.append(f"no condition {cond} (has {conditions})")
    if expect.get("no_condition") and conditions:
        fails.append(f"unexpected condition {conditions}")
    return fails


def _value_fails(expect: dict[str, Any], wf: dict[str, Any], base: dict[str, Any] | None) -> list[str]:
    fails = []
    for item in expect.get("values", []):
        where = _values_in(wf, item.get("in", "any"))
        if str(item["value"]).lower() not in where.lower():
            fails.append(f"{item['value']!r} not in the {item.get('in', 'any')} step")
    dumped = json.dumps(wf, ensure_ascii=False).lower()
    fails += [f"{item!r} should be gone" for item in expect.get("not_values", []) if str(item).lower() in dumped]
    if "name" in expect and wf.get("name") != expect["name"]:
        fails.append(f"name is {wf.get('name')!r}, expected {expect['name']!r}")
    if base is not None:
        fails += [f"{key} changed" for key in expect.get("unchanged", []) if wf.get(key) != base.get(key)]
    return fails


def _answer_fails(expect: dict[str, Any], draft: Draft, base: dict[str, Any] | None, allow_keep: bool) -> list[str]:
    fails = []
    for term in expect.get("not_done", []):
        sentences = [s for s in re.split(r"(?<=[.;:!?])\s+", draft.explanation) if term.lower() in s.lower()]
        if not any(_NEGATIVE.search(s) for s in sentences):
            fails.append(f"the explanation does not say that {term!r} was not done")
    for term in expect.get("mentions", []):
        if term.lower() not in draft.explanation.lower():
            fails.append(f"the explanation does not mention {term!r}")
    if base is not None and not allow_keep and _SILENT.search(draft.explanation):
        fails.append("silently kept the draft")
    return fails


def check_explanation(expect: dict[str, Any], draft: Draft) -> list[str]:
    """Every env var, service and user value the explanation names is in the draft, and the reverse."""
    wf, text = draft.workflow, draft.explanation
    fails = []
    env_draft, env_text = env_of(wf), set(_ENV_WORD.findall(text))
    if env_text - env_draft:
        fails.append(f"explanation names {sorted(env_text - env_draft)}, not in the draft")
    if env_draft - env_text:
        fails.append(f"draft reads {sorted(env_draft - env_text)}, not named in the explanation")
    have = services_of(wf)
    lowered = text.lower()
    for service in sorted(have):
        if service in SERVICE_WORDS and not re.search(SERVICE_WORDS[service], lowered):
            fails.append(f"explanation does not name {service}")
    positive = " ".join(s for s in re.split(r"(?<=[.;!?])\s+", lowered) if not _NEGATIVE.search(s))
    for service, words in SERVICE_WORDS.items():
        if re.search(words, positive) and service not in have and not _covered(service, have):
            fails.append(f"explanation names {service}, not in the draft")
    dumped = json.dumps([wf.get("trigger"), wf.get("steps"), wf.get("nodes")], ensure_ascii=False).lower()
    for token in set(_CHANNEL.findall(positive)) | set(_EMAIL.findall(positive)):
        if token not in dumped:
            fails.append(f"explanation names {token}, not in the draft")
    for item in expect.get("values", []):
        value = str(item["value"])
        if item.get("said", True) and value.lower() in dumped and value.lower() not in lowered:
            fails.append(f"the draft uses {value!r} but the explanation does not say so")
    return fails


def _covered(service: str, have: set[str]) -> bool:
    return (service == "email" and bool(have & {"sendgrid", "mailgun"})) or (
        service in ("sendgrid", "mailgun") and "email" in have and service in have
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def score(case: dict[str, Any], draft: Draft, base: dict[str, Any] | None = None) -> Score:
    result = Score(case["id"], case["category"])
    if draft.error is not None:
        result.failures.append(f"no draft: {draft.error}")
        result.valid = False
        return result
    result.valid = draft.valid
    if not draft.valid:
        result.failures.append("the draft is not valid")
    flow = data_flow_problems(draft.workflow)
    result.data_flow_ok = not flow
    result.failures += [f"data flow: {p}" for p in flow]
    result.failures += check_expectations(case.get("expect", {}), draft, base, bool(case.get("allow_keep")))
    result.explanation_failures = check_explanation(case.get("expect", {}), draft)
    return result


@dataclass
class Report:
    kind: str
    scores: list[Score]

    def by_category(self) -> dict[str, tuple[int, int]]:
        table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for s in self.scores:
            table[s.category][0] += s.right
            table[s.category][1] += 1
        return {k: (v[0], v[1]) for k, v in sorted(table.items())}

    @property
    def accuracy(self) -> float:
        return sum(s.right for s in self.scores) / max(1, len(self.scores))

    @property
    def valid_rate(self) -> float:
        return sum(s.valid for s in self.scores) / max(1, len(self.scores))

    @property
    def data_flow_failures(self) -> int:
        return sum(not s.data_flow_ok for s in self.scores)

    @property
    def explanation_rate(self) -> float:
        return sum(not s.explanation_failures for s in self.scores) / max(1, len(self.scores))

    def lines(self, verbose: bool = False) -> Iterable[str]:
        yield f"{self.kind}: {sum(s.right for s in self.scores)}/{len(self.scores)} fully right ({self.accuracy:.1%})"
        for category, (right, total) in self.by_category().items():
            yield f"  {category:<14} {right:>3}/{total:<3} {right / total:6.1%}"
        yield f"  valid drafts {self.valid_rate:.1%}; data-flow failures {self.data_flow_failures}; "
        yield f"  explanations matching the draft {self.explanation_rate:.1%}"
        if verbose:
            for s in self.scores:
                if s.failures or s.explanation_failures:
                    yield f"  ✗ {s.case_id}: " + "; ".join(
                        s.failures + [f"[explanation] {f}" for f in s.explanation_failures]
                    )
