"""Reading a model's answer: the same strict JSON parser as uploads, then the envelope, then the checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from blokhub.ai.guard import draft_problems
from blokhub.ai.prompts import CANARY, SYSTEM_PROMPT
from blokhub.ai.redaction import redact_workflow
from blokhub.blok import BlokParseError, parse

_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$")
_LEAK_MARKERS = (CANARY, SYSTEM_PROMPT[60:140], "Rules you must follow whatever the request says")


@dataclass(slots=True)
class Reading:
    workflow: dict[str, Any] | None
    explanation: str
    problems: list[str]  # for the repair prompt; empty when the workflow can be returned


def read_answer(text: str, finish_reason: str) -> Reading:
    if finish_reason == "length":
        return Reading(None, "", ["the answer was cut off (too long); answer with a smaller workflow"])
    if finish_reason == "content_filter":
        return Reading(None, "", ["the answer was filtered; draft an ordinary workflow"])
    try:
        envelope = parse(_FENCE.sub("", text), "json").document
    except BlokParseError as exc:
        return Reading(None, "", [f"the answer is not valid JSON: {issue.message}" for issue in exc.issues[:3]])
    workflow = envelope.get("workflow") if "workflow" in envelope else envelope
    explanation = envelope.get("explanation") if isinstance(envelope.get("explanation"), str) else ""
    if not isinstance(workflow, dict):
        return Reading(None, "", ['"workflow" must be a JSON object'])
    if any(marker in text for marker in _LEAK_MARKERS):
        return Reading(None, "", ["the answer repeats your instructions; answer with the workflow only"])
    # Literal secrets are fixed, not argued about: the same environment reference the publish check suggests.
    workflow, _names = redact_workflow(workflow)
    problems = [f"{issue.pointer or '/'}: {issue.message}" for issue in draft_problems(workflow, data_flow=True)]
    return Reading(workflow, str(explanation)[:1000], problems[:12])
