"""Condition phrases → the JavaScript of an if-else step ("if the amount is over 1000", "only big leads").

The result is a template: ``{f}`` stands for the field's JS path, resolved later against whatever record the
workflow has at that point (a request body, a Stripe event, fetched rows). Values from the prompt are written
with ``json.dumps``, so a quote in the prompt cannot break out of the JS string.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from blokhub.ai.condition_phrases import other_phrases
from blokhub.ai.phrase_data import FIELD_WORDS, NOT_FIELDS, UNITS

_NUMBER = r"[$€£]?\s?\d[\d,]*(?:\.\d+)?(?:\s?[km]\b)?"  # "10k"; "500 ms" is not 500 million
# Longer phrases first: "greater than or equal to" must not stop at "greater than".
_COMPARISONS: tuple[tuple[str, str], ...] = (
    (r"(?:is )?(?:greater|more|higher) than or equal to|is (?:at least|no less than)|at least|no less than|>=", ">="),
    (r"(?:is )?(?:less|lower|smaller) than or equal to|is (?:at most|no more than)|at most|no more than|<=", "<="),
    (
        r"is (?:worth )?(?:over|above|more than|greater than|higher than|bigger than)|exceeds|over|above|more than|"
        r"greater than|higher than|(?:rises|goes|gets|climbs|jumps) (?:above|over)|>",
        ">",
    ),
    (
        r"is (?:under|below|less than|lower than|smaller than)|under|below|less than|lower than|"
        r"(?:drops|falls|goes|gets|dips) (?:below|under)|<",
        "<",
    ),
    (r"is not|isn't|is no longer|!=|doesn't equal|does not equal", "!=="),
    (r"contains|includes|mentions|has", "includes"),
    (r"starts with|begins with", "startsWith"),
    (r"ends with|ends in", "endsWith"),
    (
        r"is|equals|is equal to|==|=|changes to|becomes|turns(?: into)?|is set to|is marked(?: as)?|gets marked(?: as)?|"
        r"switches to|moves to",
        "===",
    ),
)
_OP_WORDS = "|".join(f"(?:{words})" for words, _ in _COMPARISONS)
_LEAD = r"\b(?:only if|only when|if|when|where|whose|whenever|in case|unless|and)\s+(?:the\s+|its\s+|their\s+|it'?s\s+|a\s+)?"
_OP_AHEAD = r"(?:is|isn't|exceeds|over|above|under|below|more|less|at|contains|includes|mentions|has|starts|begins|ends|equals|doesn't|does|changes|becomes|turns|switches|moves|gets|!=|==|=|>|<)\b"
_EXPLICIT = re.compile(
    _LEAD
    + r"(?P<field>[a-z][a-z_]*(?:'s)?(?:\s(?!"
    + _OP_AHEAD
    + r")[a-z_]+(?:'s)?){0,2})\s+(?P<op>"
    + _OP_WORDS
    + r")\s+(?P<value>\"[^\"]{1,60}\"|'[^']{1,60}'|"
    + _NUMBER
    + r"|[a-z0-9_.@-]{1,40})",
    re.IGNORECASE,
)
_THRESHOLD = re.compile(
    r"\b(?P<op>(?:greater|more|higher) than or equal to|(?:less|lower|smaller) than or equal to|no less than|"
    r"no more than|at most|over|above|more than|greater than|higher than|exceeding|at least|under|below|less than|"
    r"lower than)\s+(?P<value>" + _NUMBER + r")"
)
# "payments of 250 or more", "20 or less"
_OR_MORE = re.compile(
    r"(?P<value>" + _NUMBER + r")\s+or\s+(?P<op>more|above|higher|greater|over|less|fewer|below|lower|under)\b"
)
# The word before a threshold names what is compared ("a score below 7", "latency over 500 ms"), unless it is a
# verb or filler ("drops below", "is over") - then it is the amount, as before.
_BEFORE_THRESHOLD = re.compile(r"\b([a-z][a-z_]{2,})(?:\s+(?:is|are|was|of))?\s+$")
_SIZE = re.compile(
    r"\b(?:only\s+(?:for\s+)?(?:the\s+)?)?(big|large|high[- ]value|huge|vip|enterprise|small)\s+"
    r"(leads?|deals?|orders?|payments?|customers?|invoices?|charges?)\b"
)
_URGENT = re.compile(
    r"\b(?:(?:if|when|only)\s+(?:it'?s\s+|it is\s+|the\s+\w+\s+is\s+)?|(?:marked|flagged|tagged|labell?ed)\s+(?:as\s+)?)"
    r"(urgent|critical|important|high[- ]priority)\b"
)
_BRANCH_ON = re.compile(
    r"\b(?:check|depending on|based on|route by|branch on|look at)\s+(?:the\s+)?(country|language|plan|status|type|priority|region)\b"
)
_FAILURE = re.compile(
    r"\b(?:if|when)\s+(?:it|(?:an?|the)(?:\s+\w+){1,2})\s+(?:fails|failed|errors?|is down|goes down|bounces)\b"
    r"|\bfailed\s+(?:[\w-]+\s+){0,3}(?:runs?|builds?|jobs?|pipelines?|deploy\w*|payments?|charges?|checks?|tests?)\b"
    r"|\b(?:payouts?|payments?|charges?|builds?|jobs?|pipelines?|deploy\w*|runs?|checks?|tests?)\s+(?:has\s+|have\s+)?"
    r"(?:failed|fails?|errors?|errored|crash(?:es|ed)?|breaks?|broke)\b"
    r"|\b(?:that|which)\s+(?:fails|failed|bounces|errors)\b"
)
_RAIN = re.compile(r"\bif (?:it(?:'s| is| will be)? (?:going to )?rain(?:s|ing|y)?)\b")
_IGNORE = re.compile(r"\b(?:ignore|skip|except|exclude|drop|not for)\b[^.;]{0,30}$")
ELSE_WORDS = re.compile(r"\b(?:otherwise|else|if not|or else)\b")
# "a payment over 1000" compares the payment's amount
_AMOUNT_NOUNS = {
    "payment",
    "order",
    "charge",
    "invoice",
    "deal",
    "lead",
    "sale",
    "purchase",
    "transaction",
    "refund",
    "value",
    "total",
    "price",
}
_FILLER = {"it", "its", "this", "that", "they", "there", "someone", "somebody", "anyone", "we", "i", "you", "user"}
_BRANCH_DEFAULTS = {
    "country": "US",
    "language": "en",
    "plan": "enterprise",
    "status": "active",
    "type": "order",
    "priority": "high",
    "region": "eu",
}


@dataclass(frozen=True, slots=True)
class ConditionIntent:
    field: str  # the word in the prompt ("amount"); "" when the template needs no field
    template: str  # JS with {f} for the field's path
    words: str  # for the explanation: "the amount is over 1000"
    start: int
    else_start: int | None  # where an "otherwise" clause starts, if any
    ai_label: str | None = None  # "urgent": compare against the AI classification instead of a field
    also: tuple[ConditionIntent, ...] = ()  # more checks on other fields, all of which must hold


def _number(raw: str) -> float | None:
    text = raw.strip().lstrip("$€£").strip().replace(",", "")
    scale = 1.0
    if text[-1:] in ("k", "m"):
        scale = 1_000.0 if text[-1] == "k" else 1_000_000.0
        text = text[:-1].strip()
    try:
        return float(text) * scale
    except ValueError:
        return None


def _js_number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def _comparison(op_words: str) -> str:
    op_words = op_words.strip()
    for words, op in _COMPARISONS:
        if re.fullmatch(words, op_words):
            return op
    return "==="


def _compare(op: str, raw_value: str) -> tuple[str, str]:
    number = _number(raw_value) if re.fullmatch(_NUMBER, raw_value.strip()) else None
    if number is not None and op in (">", ">=", "<", "<=", "===", "!=="):
        return f"Number({{f}}) {op} {_js_number(number)}", _js_number(number)
    literal = json.dumps(raw_value.strip().strip("\"'"))
    if raw_value.strip().lower() in ("empty", "blank", "missing") and op in ("===", "!=="):
        return f'String({{f}} ?? "").trim() {op} ""', raw_value.strip().lower()  # "the company field isn't empty"
    if op == "includes":
        return f"String({{f}}).toLowerCase().includes({literal.lower()})", literal
    if op == "startsWith":
        return f"String({{f}}).startsWith({literal})", literal
    if op == "endsWith":
        return f"String({{f}}).toLowerCase().endsWith({literal.lower()})", literal
    if op in (">", ">=", "<", "<="):
        return f"{{f}} {op} {literal}", literal
    return f"String({{f}}) {op} {literal}", literal


def _event_phrase(match: re.Match[str]) -> bool:
    """ "when a payment is received" describes the trigger; only "if" may compare with a bare word."""
    lead = match.group(0).split()[0].lower()
    if not re.fullmatch(r"is|equals|is equal to|is not|isn't|==|=|!=", match.group("op").lower()):
        return False  # "when the status changes to shipped" is a check, whatever the lead word
    value = match.group("value").strip()
    op = _comparison(match.group("op"))
    bare_word = not re.fullmatch(_NUMBER, value) and not value.startswith(("'", '"'))
    return lead in ("when", "whenever") and op in ("===", "!==") and bare_word


def parse_condition(text: str) -> ConditionIntent | None:
    """The condition phrases in ``text`` (as written: values keep their case): the first one found, with the others
    on different fields joined to it ("check the country and post big leads": country and amount), or None."""
    found = _candidates(text)
    if not found:
        return None
    first, *rest = found
    fields = {first.field}
    also = []
    for other in rest:
        if other.field not in fields and other.field and not other.ai_label:
            fields.add(other.field)
            also.append(other)
    else_match = ELSE_WORDS.search(text.lower(), first.start + 1)
    words = " and ".join([first.words, *(o.words for o in also)])
    return ConditionIntent(
        first.field,
        first.template,
        words,
        min([first.start, *(o.start for o in also)]),
        else_match.start() if else_match else None,
        first.ai_label,
        tuple(also),
    )


_VALUE = r"(?:\"[^\"]{1,60}\"|'[^']{1,60}'|[\w.@-]{1,40})"
# ", urgent or critical" / " or 2": a list only when it ends in "or <value>"
_MORE_VALUES = re.compile(rf"^((?:\s*,\s*{_VALUE})*\s*,?\s+or\s+{_VALUE})(?![\w.@-])")


def _more_values(rest: str) -> list[str]:
    """The other values of "is high, urgent or critical" after the first one."""
    match = _MORE_VALUES.match(rest)
    if match is None:
        return []
    values = re.findall(_VALUE, re.sub(r"\bor\b", ",", match.group(1)))
    return [] if any(v.lower() in NOT_FIELDS for v in values) else values


def _one_of(op: str, raw_values: list[str]) -> tuple[str, str]:
    numbers = [_number(v) for v in raw_values if re.fullmatch(_NUMBER, v.strip())]
    if len(numbers) == len(raw_values) and None not in numbers:
        listed = "[" + ", ".join(_js_number(n) for n in numbers if n is not None) + "]"
        test = f"{listed}.includes(Number({{f}}))"
    else:
        listed = json.dumps([v.strip().strip("\"'") for v in raw_values])
        test = f"{listed}.includes(String({{f}}))"
    shown = " or ".join(v.strip().strip("\"'") for v in raw_values)
    return (f"!{test}" if op == "!==" else test), ("not " if op == "!==" else "") + shown


# words that cannot be the value of "X is <value>": "the lead is from Canada", "has more than 100"
_COUNTED = re.compile(r"\s+([a-z][a-z_]{2,})\b")  # the noun after a threshold's number
_NOT_VALUES = frozenset(
    {"more", "less", "fewer", "over", "under", "than", "above", "below", "from", "in", "at", "on", "to", "by", "a",
     "an", "the", "not", "for", "with", "of", "created", "opened", "added", "received", "sent", "new"}
)  # fmt: skip


_FIELD_NOUNS = frozenset({"field", "column", "value", "property", "attribute", "entry"})


def _field_word(words_said: str) -> str:
    """The field of "the temperature in Berlin" (before a preposition), else the last word ("a ticket's priority");
    "the company field" is "company", and "amounts" is "amount"."""
    words = [w.removesuffix("'s") for w in words_said.lower().split()]
    while len(words) > 1 and words[-1] in _FIELD_NOUNS:
        words.pop()
    at = next((i for i, w in enumerate(words) if w in ("in", "of", "for", "on", "at", "from") and i > 0), None)
    word = words[at - 1] if at is not None else words[-1]
    singular = word[:-1] if word.endswith("s") and not word.endswith(("ss", "us")) else word
    return singular if singular in _AMOUNT_NOUNS | FIELD_WORDS | {"amount"} else word


def threshold_field(before: str, after: str = "") -> str:
    """The field a bare threshold compares: the noun just before it, "amount" for money nouns; after a verb or filler
    the noun after the number ("has more than 50 employees"), else "amount"."""
    match = _BEFORE_THRESHOLD.search(before)
    word = match.group(1) if match else ""
    singular = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
    if singular in _AMOUNT_NOUNS | {"amount"} or word in _AMOUNT_NOUNS:
        return "amount"
    if not word or word in NOT_FIELDS:
        counted = _COUNTED.match(after)
        return counted.group(1) if counted and counted.group(1) not in UNITS | NOT_FIELDS else "amount"
    return singular if singular in FIELD_WORDS else word


def _candidates(text: str) -> list[ConditionIntent]:
    """Every condition phrase, most specific kind first."""
    out: list[ConditionIntent] = []
    explicit = next(
        (
            m
            for m in _EXPLICIT.finditer(text)
            if m.group("field").split()[0].lower() not in _FILLER
            and not _event_phrase(m)
            and _field_word(m.group("field")) not in NOT_FIELDS  # "if it drops below": no field named
            and m.group("value").lower() not in _NOT_VALUES  # "has more than 100": a threshold, said below
        ),
        None,
    )
    if explicit:
        field = _field_word(explicit.group("field"))
        field = "amount" if field in _AMOUNT_NOUNS else field
        template, shown = _compare(_comparison(explicit.group("op")), explicit.group("value"))
        more = _more_values(text[explicit.end() :])
        if more and _comparison(explicit.group("op")) in ("===", "!=="):  # "the rating is 1 or 2"
            template, shown = _one_of(_comparison(explicit.group("op")), [explicit.group("value"), *more])
        # "unless ...", "skip people whose ...": keep the others
        negate = explicit.group(0).lower().startswith("unless") or bool(
            _IGNORE.search(text[: explicit.start()].lower())
        )
        template = f"!({template})" if negate else template
        words = f"the {field} {explicit.group('op')} {shown}"
        out.append(ConditionIntent(field, template, words, explicit.start(), None))
    out += [ConditionIntent(p.field, p.template, p.words, p.start, None) for p in other_phrases(text)]
    lowered = text.lower()
    if (urgent := _URGENT.search(lowered)) is not None:
        label = "urgent" if urgent.group(1) in ("urgent", "critical") else "high"
        template = f"String({{f}}).toLowerCase().includes({json.dumps(label)})"
        out.append(ConditionIntent("priority", template, f"it is {urgent.group(1)}", urgent.start(), None, label))
    if (rain := _RAIN.search(lowered)) is not None:
        out.append(ConditionIntent("rain", "Number({f}) >= 50", "rain is likely (50% or more)", rain.start(), None))
    threshold = _THRESHOLD.search(lowered)
    if threshold is not None and explicit is not None and explicit.start() <= threshold.start() < explicit.end():
        threshold = None  # the explicit comparison already says it, with its field
    if threshold is None and (or_more := _OR_MORE.search(lowered)) is not None:
        at_least = or_more.group("op") in ("more", "above", "higher", "greater", "over")
        template, shown = _compare(">=" if at_least else "<=", or_more.group("value"))
        field = threshold_field(lowered[: or_more.start()])
        words = f"the {field} is {'at least' if at_least else 'at most'} {shown}"
        out.append(ConditionIntent(field, template, words, or_more.start(), None))
    if threshold is not None:
        op = _comparison(threshold.group("op"))
        if _IGNORE.search(lowered[: threshold.start()]):  # "ignore payments under 20": keep the others
            op = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}.get(op, op)
        template, shown = _compare(op, threshold.group("value"))
        said = {">": "over", ">=": "at least", "<": "under", "<=": "at most"}.get(op, threshold.group("op"))
        field = threshold_field(lowered[: threshold.start()], lowered[threshold.end() :])
        words = f"the {field} is {said} {shown}"
        out.append(ConditionIntent(field, template, words, threshold.start(), None))
    if (size := _SIZE.search(lowered)) is not None:
        small = size.group(1) == "small"
        template = "Number({f}) < 1000" if small else "Number({f}) >= 1000"
        words = f"the amount is {'under' if small else 'at least'} 1000 ({size.group(1)} {size.group(2)})"
        out.append(ConditionIntent("amount", template, words, size.start(), None))
    if (failure := _FAILURE.search(lowered)) is not None:
        template = 'String({f}).toLowerCase().includes("failed") || String({f}) === "error"'
        out.append(ConditionIntent("status", template, "it failed", failure.start(), None))
    if (branch := _BRANCH_ON.search(lowered)) is not None:
        field = branch.group(1)
        value = _BRANCH_DEFAULTS[field]
        template = f"String({{f}}).toLowerCase() === {json.dumps(value.lower())}"
        words = f"the {field} is {value!r} (edit the value to yours)"
        out.append(ConditionIntent(field, template, words, branch.start(), None))
    return out
