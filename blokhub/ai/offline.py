"""The offline generator: no key, no network, deterministic, milliseconds. Also the LLM path's fallback.

It composes a workflow from intent (``intent``) with built-in steps or catalogue nodes (``catalogue``), or edits
the current draft (``edit``); the draft then goes through the same checks as any model output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from blokhub.ai.catalogue import NodePicker
from blokhub.ai.compose import compose
from blokhub.ai.describe import description, trigger_block, workflow_name
from blokhub.ai.edit import edit_workflow
from blokhub.ai.grounding_dialect import as_draft_dialect, edit_in_its_dialect
from blokhub.ai.guard import CheckedPrompt, check_prompt, draft_problems, refuse_injection
from blokhub.ai.intent import Intent, parse_intent
from blokhub.ai.narrate import env_names, narrate
from blokhub.ai.phrase_data import normalise
from blokhub.ai.ranker import NodeRanker
from blokhub.ai.schemas import (
    ErrorCode,
    GenerationError,
    GenerationRequest,
    GenerationResult,
    GroundingExample,
    NodeInfo,
    Usage,
)
from blokhub.ai.unsupported import unsupported
from blokhub.blok.model import model_steps
from blokhub.blok.walk import iter_strings

_COMMON = frozenset({"mapper", "error", "array-map", "memory-storage"})


def generate_offline(
    request: GenerationRequest,
    *,
    ranker: NodeRanker | None = None,
    checked: CheckedPrompt | None = None,
    usage: Usage | None = None,
) -> GenerationResult:
    """A valid draft for ``request`` or GenerationError; ``usage`` carries tokens an LLM attempt already spent."""
    checked = checked or check_prompt(request.prompt)
    checked = replace(checked, text=normalise(checked.text))  # typos and synonyms become the words parsers know
    picker = NodePicker([*request.catalogue, *grounding_nodes(request.grounding)], ranker)
    if request.current is not None:
        workflow, notes = edit_in_its_dialect(request.current, lambda doc: edit_workflow(doc, checked, picker))
        text = narrate(as_draft_dialect(workflow)[0], lead=" ".join(notes))  # narrate reads v1; the v1 form is exact
    else:
        intent = parse_intent(checked.text)
        if checked.injection and not actionable(intent):
            raise refuse_injection()
        workflow, text = _new_workflow(intent, checked, picker)
    problems = draft_problems(workflow)
    if problems:
        # Our own composition never gets here in tests; a draft being edited can (it came from outside).
        code: ErrorCode = (
            "refused"
            if any(p.code in ("internal_address", "secret_detected") for p in problems)
            else "generation_failed"
        )
        first = problems[0]
        raise GenerationError(code, f"The draft could not be made valid: {first.message} (at {first.pointer or '/'}).")
    return GenerationResult(
        workflow=workflow,
        valid=True,
        explanation=text,
        grounded_on=related_grounding(request.grounding, workflow),
        provider="offline",
        usage=usage or Usage(),
        repairs=0,
    )


def actionable(intent: Intent) -> bool:
    return bool(
        intent.uses or intent.event or intent.urls or intent.condition or intent.form or intent.trigger.explicit
    )


def _new_workflow(intent: Intent, checked: CheckedPrompt, picker: NodePicker) -> tuple[dict[str, Any], str]:
    composition = compose(intent, picker)
    workflow: dict[str, Any] = {
        "name": workflow_name(intent),
        "description": description(checked.text),
        "version": "1.0.0",
        "trigger": trigger_block(intent.trigger),
        **composition.workflow,
    }
    extra = []
    if checked.redacted:
        extra.append(
            "Credentials from the prompt were not written into the workflow; it reads them from the environment."
        )
    if checked.injection:
        extra.append("Instructions addressed to the generator were ignored.")
    extra += composition.unsupported + unsupported(checked.text)
    extra += [
        f"I did not read from {label}: there is no built-in step that reads it (only one that writes to it)."
        for label in intent.unreadable
    ]
    missing = [name for name in checked.redacted if name not in env_names(workflow)]
    if missing:
        extra.append("The credentials you pasted belong in " + ", ".join(missing) + ".")
    return workflow, narrate(workflow, extra)


def grounding_nodes(grounding: Sequence[GroundingExample]) -> list[NodeInfo]:
    """Nodes used by the closest public workflows, as extra catalogue entries (what the offline draft draws on)."""
    found: dict[str, NodeInfo] = {}
    for example in grounding[:3]:
        # Either dialect: the step model puts v1's nodes.<name>.inputs and v2's inline inputs in one place.
        for step in model_steps(example.definition):
            node, inputs = step.node, step.inputs
            if node and step.kind == "node" and step.type == "module" and inputs is not None and node not in found:
                found[node] = NodeInfo(name=node, type="module", input_keys=tuple(inputs), count=1)
    return list(found.values())


def _fingerprint(definition: Any) -> set[str]:
    marks: set[str] = set()
    if not isinstance(definition, dict):
        return marks
    steps = model_steps(definition)
    for step in steps:
        node = step.node
        if node and node not in _COMMON and not node.endswith(("api-call", "if-else")):
            marks.add("node:" + node)
    for step in steps:
        for _parent, _token, key, text in iter_strings(step.inputs or {}, ""):
            if key == "url" and text.startswith("https://") and "${" not in text[:30]:
                marks.add("host:" + (urlsplit(text).hostname or ""))
    return marks


def related_grounding(grounding: Sequence[GroundingExample], workflow: dict[str, Any]) -> list[int]:
    """Ids of the (at most three) closest workflows that share a service node or API host with the draft."""
    mine = _fingerprint(workflow)
    return [example.id for example in grounding[:3] if mine & _fingerprint(example.definition)]
