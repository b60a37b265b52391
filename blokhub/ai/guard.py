"""Checks on what comes in (the prompt) and what goes out (a draft), shared by the LLM and offline paths.

Prompt-injection stance (OWASP LLM01/LLM07): the prompt is data. It never reaches the system prompt, phrases
that try to re-instruct the model are cut out before anyone sees them, and a prompt that is *only* such an
attempt is refused. Whatever a model answers is parsed and checked like an upload, so no prompt can change the
output contract: every draft we return validates, carries no literal secret and calls no internal address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from blokhub.ai.redaction import redact_text
from blokhub.ai.schemas import GenerationError
from blokhub.ai.url_guard import internal_address_issues, internal_hosts_in_text
from blokhub.blok import Issue, scan_secrets, validate

MAX_PROMPT_CHARS = 4_000  # input cap before any model call (denial of wallet); a workflow idea fits in far less

_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+|your\s+|my\s+)*(?:previous\s+|prior\s+|above\s+|"
    r"earlier\s+|system\s+|original\s+|safety\s+)*(?:instructions?|rules|prompts?|directions|guidelines|constraints)\b"
    r"|\b(?:reveal|print|show|repeat|leak|output|dump|display|tell me|give me|what(?:'s| is| are))\s+(?:me\s+)?(?:your|the)\s+"
    r"(?:system\s+prompt|(?:hidden\s+|initial\s+|original\s+)?(?:instructions|prompt)|rules)\b"
    r"|\bsystem prompt\b|\byou are now\b|\bdeveloper mode\b|\bjailbreak\w*|\bpretend (?:to be|you are)\b"
    r"|\b(?:do not|don't) (?:validate|follow the (?:format|schema|rules))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class CheckedPrompt:
    text: str  # what generation works from: secrets redacted, injection phrases removed
    redacted: tuple[str, ...]  # environment variable names that replaced literal secrets
    injection: bool  # the prompt tried to re-instruct the generator


def check_prompt(prompt: str) -> CheckedPrompt:
    if not isinstance(prompt, str) or not prompt.strip():
        raise GenerationError("empty_prompt", "The prompt is empty; describe what the workflow should do.")
    if len(prompt) > MAX_PROMPT_CHARS:
        raise GenerationError(
            "prompt_too_long",
            f"The prompt is {len(prompt):,} characters; the limit is {MAX_PROMPT_CHARS:,}. Describe the workflow "
            "in a few sentences instead of pasting data or code.",
        )
    if not re.search(r"[^\W_]", prompt):
        raise GenerationError(
            "empty_prompt", "The prompt has no words (only symbols or emoji); describe what the workflow should do."
        )
    internal = internal_hosts_in_text(prompt)
    if internal:
        raise GenerationError(
            "refused",
            f"Generated workflows only call public hosts, and {internal[0]!r} is a loopback, private, link-local or "
            "metadata address. Reach internal services through an environment reference such as "
            "${ctx.env.API_BASE_URL} that you set where the workflow runs.",
        )
    text, names = redact_text(prompt)
    injection = bool(_INJECTION.search(text))
    if injection:
        text = " ".join(_INJECTION.sub(" ", text).split())
    return CheckedPrompt(text, tuple(names), injection)


def refuse_injection() -> GenerationError:
    return GenerationError(
        "refused",
        "This assistant only drafts Blok workflows and does not share its instructions; describe a workflow "
        "(what starts it, which services it uses, what it does).",
    )


DATA_FLOW_CODES = frozenset({"request_not_provided", "var_not_set"})


def draft_problems(doc: object, *, data_flow: bool = False) -> list[Issue]:
    """Everything that stops a draft from being returned: schema and lint errors, secrets, internal addresses;
    with ``data_flow``, also steps that read data nothing provides (a model is asked to fix those)."""
    result = validate(doc)
    if not result.valid or not isinstance(doc, dict):
        return list(result.errors)
    flow = [issue for issue in result.warnings if issue.code in DATA_FLOW_CODES] if data_flow else []
    return [*scan_secrets(doc), *internal_address_issues(doc), *flow]
