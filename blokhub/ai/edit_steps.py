"""Finding and placing steps in an existing draft (for follow-up edits)."""

from __future__ import annotations

from typing import Any

from blokhub.ai.compose import StepList, condition_js, mapper
from blokhub.ai.intent import Intent
from blokhub.ai.service_catalogue import find_mentions
from blokhub.ai.step_draft import StepContext, StepDraft
from blokhub.blok.walk import iter_steps


def service_of(step: dict[str, Any], config: Any) -> str | None:
    """The service a step talks to, judged from its name, node and URL (drafts from anywhere)."""
    inputs = config.get("inputs") if isinstance(config, dict) else None
    raw_url = inputs.get("url") if isinstance(inputs, dict) else None
    url = raw_url if isinstance(raw_url, str) else ""
    text = " ".join(str(step.get(k, "")) for k in ("name", "node")).replace("-", " ") + " " + url
    found = [m for m in find_mentions(text.lower()) if m.service.key != "openai" or step.get("node") == "openai"]
    return found[0].service.key if found else None


def steps_of_service(out: StepList, key: str | None) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(step, the list holding it) for every step of ``key`` (every step when None), branches included."""
    doc = {"steps": out.steps, "nodes": out.nodes}
    found = []
    for ref in iter_steps(doc):
        name = ref.name
        if name is not None and (key is None or service_of(ref.step, out.nodes.get(name)) == key):
            found.append((ref.step, _container(doc, ref.list_pointer)))
    return found


def _container(doc: dict[str, Any], pointer: str) -> list[dict[str, Any]]:
    if pointer == "/steps":
        return doc["steps"]  # type: ignore[no-any-return]
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    here: Any = doc
    for part in parts:
        here = here[int(part)] if isinstance(here, list) else here[part]
    return here  # type: ignore[no-any-return]


def _respond_index(steps: list[dict[str, Any]]) -> int:
    """New sinks go before a final response step, so the workflow still answers last."""
    if steps and steps[-1].get("node") in ("mapper", "base64-pdf") and not steps[-1].get("set_var"):
        return len(steps) - 1
    return len(steps)


def insert_at(out: StepList, draft: StepDraft, role: str, ctx: StepContext, *, position: int | None) -> str:
    holder: list[dict[str, Any]] = []
    name = out.add(draft, role, ctx, holder)
    index = _respond_index(out.steps) if position is None else position
    out.steps.insert(index, holder[0])
    return name


def add_condition(intent: Intent, out: StepList, ctx: StepContext) -> list[str]:
    """Wrap the top-level side-effect steps in an if-else on the condition; the rest stays where it was."""
    assert intent.condition is not None
    cond = intent.condition
    wrapped = [s for s in out.steps if s.get("set_var") and s.get("node") not in ("mapper",)]
    gate = cond.field.startswith(("authorization", "x-")) or "header" in cond.words
    if gate:  # a request check guards everything the workflow does; without it the request is refused
        wrapped = [s for s in out.steps if not str(s.get("name", "")).startswith("verify-")]
    if not wrapped:
        return [f"found no step to put behind the condition ({cond.words})"]
    first = out.steps.index(wrapped[0])
    for step in wrapped:
        out.steps.remove(step)
    else_steps: list[dict[str, Any]] = []
    if gate:
        out.add(
            StepDraft("reject", "error", {"message": f"Refused: the {cond.field} header is missing"}),
            "sink",
            ctx,
            else_steps,
        )
    else:
        model = {"matched": False, "condition": cond.words}
        out.add(mapper("skip", model, set_var=True), "sink", ctx, else_steps)
    name = out.reserve(f"check-{cond.field or 'condition'}")
    out.steps.insert(first, {"name": name, "node": out.picker.if_else_node, "type": "module"})
    js = condition_js(intent, ctx, None)
    out.nodes[name] = {
        "conditions": [{"type": "if", "condition": js, "steps": wrapped}, {"type": "else", "steps": else_steps}]
    }
    return [f"the {', '.join(s['name'] for s in wrapped)} step(s) now run only if {cond.words}"]
