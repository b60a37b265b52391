"""Follow-ups that change or remove a condition already in the draft.

"change the plan check to pro", "make the threshold 5000 instead", "make it at least 1000 rather than over",
"change the country to Canada", "alert me when it is above 80000 instead", "remove the condition". The if-else step
stays where it is; only its comparison changes (or, when removed, its first branch takes its place).
"""

from __future__ import annotations

import json
import re
from typing import Any

from blokhub.ai.compose import StepList
from blokhub.ai.condition_phrases import country_names, country_value
from blokhub.ai.conditions import parse_condition
from blokhub.blok.walk import conditions_of

_REMOVE = re.compile(
    r"\b(?:remove|drop|delete|get rid of|no|without|skip)\s+(?:the\s+|any\s+)?(?:\w+\s+)?(?:condition|check|filter|threshold)s?\b"
    r"|\b(?:always|every time|for everything|for all of them)\b"
)
_CHANGE = re.compile(r"\b(?:change|make|set|instead|rather|switch|update|raise|lower|move)\b")
_COMPARE = re.compile(r"(?P<op>===|!==|>=|<=|>|<)\s*(?P<value>\"[^\"]*\"|-?\d[\d.]*)")
_NEW_VALUE = re.compile(
    r"\bto\s+[\"']?(?P<value>[\w.@-]+)[\"']?\s*(?:instead)?\s*$|\bthreshold\s+(?:to\s+)?(?P<number>\d[\d,.]*k?)"
)
_NUMBER = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)\s?(k|m)?\b")
_OPS = (
    (r"\bat least\b|\bor more\b", ">="),
    (r"\bat most\b|\bor less\b", "<="),
    (r"\b(?:over|above|more than|greater than|exceeds?)\b", ">"),
    (r"\b(?:under|below|less than)\b", "<"),
)


def if_else_steps(out: StepList) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    found = []
    stack = [out.steps]
    while stack:
        steps = stack.pop()
        for step in steps:
            config = out.nodes.get(str(step.get("name"))) if isinstance(step, dict) else None
            conditions = conditions_of(config)
            if conditions is not None:
                found.append((step, steps))
                stack.extend(c["steps"] for c in conditions if isinstance(c, dict) and isinstance(c.get("steps"), list))
    return found


def condition_edits(text: str, out: StepList, replaced: list[tuple[str, str]]) -> tuple[list[str], bool]:
    """Notes, and whether the message was about an existing condition (then no new one is added)."""
    lowered = text.lower()
    branches = if_else_steps(out)
    if not branches:
        return [], False
    if _REMOVE.search(lowered):
        return [_unwrap(out, *branches[0])], True
    if not _CHANGE.search(lowered):
        return [], False
    step, _ = branches[0]
    config = out.nodes[step["name"]]
    first = config["conditions"][0]
    js = str(first.get("condition", ""))
    new_js = _changed(js, text)
    if new_js is None or new_js == js:
        return [], False
    first["condition"] = new_js
    old_value, new_value = _COMPARE.search(js), _COMPARE.search(new_js)
    if old_value and new_value:
        old_word, new_word = old_value.group("value").strip('"'), new_value.group("value").strip('"')
        replaced.append((old_word, new_word))
        replaced += country_names(old_word, new_word)  # "Germany" in the description becomes "Spain"
    return [f"the check in {step['name']} is now `{new_js}`"], True


def _changed(js: str, text: str) -> str | None:
    lowered = text.lower()
    compare = _COMPARE.search(js)
    country = country_value(text) if "country" in js else None
    if country and compare and compare.group("value").startswith('"'):
        return js[: compare.start("value")] + json.dumps(country) + js[compare.end("value") :]
    if compare is None:
        return None
    op, value = compare.group("op"), compare.group("value")
    if value.startswith('"'):
        wanted = _NEW_VALUE.search(text)
        word = wanted.group("value") if wanted and wanted.group("value") else None
        if word is None:
            parsed = parse_condition(text)
            literal = re.search(r"\"([^\"]*)\"", parsed.template) if parsed else None
            word = literal.group(1) if literal else None
        return None if word is None else js[: compare.start("value")] + json.dumps(word) + js[compare.end("value") :]
    new_op = next((o for pattern, o in _OPS if re.search(pattern, lowered)), op)
    number = _NUMBER.search(lowered)
    new_value = value
    if number:
        scale = {"k": 1000, "m": 1_000_000}.get(number.group(2) or "", 1)
        amount = float(number.group(1).replace(",", "")) * scale
        new_value = str(int(amount)) if amount.is_integer() else str(amount)
    return js[: compare.start("op")] + new_op + " " + new_value + js[compare.end("value") :]


def _unwrap(out: StepList, step: dict[str, Any], container: list[dict[str, Any]]) -> str:
    """The if-else step's first branch takes its place; the other branches' steps go."""
    config = out.nodes.pop(step["name"])
    conditions = config.get("conditions") or []
    kept = conditions[0].get("steps", []) if conditions and conditions[0].get("type") != "else" else []
    for other in conditions[1:]:
        for dropped in other.get("steps", []):
            out.nodes.pop(str(dropped.get("name")), None)
    at = container.index(step)
    container[at : at + 1] = [s for s in kept if not str(s.get("name", "")).startswith("matched")]
    return f"removed the condition ({step['name']}): its steps now always run"
