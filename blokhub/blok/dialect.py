"""Which Blok dialect a document is written in: v1 (``name``/``node`` steps plus a ``nodes`` map) or v2 (``id``/``use``
steps with inline ``inputs`` and control-flow blocks, the ``@blokjs`` line).

Detection counts the marks of each dialect anywhere in the document and picks the one with more; a tie with marks on
both sides goes to v1 (the older, still most common dialect, and the one the v2 loader also accepts). A document with
no mark of either - no ``nodes`` map, no step of either shape, no v2-only top-level field - is of neither dialect:
:func:`detect` still says which it most resembles and :func:`neither_issues` what is missing, so the API can refuse it
with a 422 that helps the author instead of ~20 generic schema errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from blokhub.blok.errors import Issue


class Dialect(StrEnum):
    V1 = "v1"
    V2 = "v2"


# Control-flow blocks of v2 steps, each with the keys that hold nested step lists.
V2_BLOCKS: dict[str, tuple[str, ...]] = {
    "branch": ("then", "else"),
    "forEach": ("do",),
    "loop": ("do",),
    "switch": ("default",),  # plus cases[*].do, see nested_lists
    "tryCatch": ("try", "catch", "finally"),
}
V2_ONLY_TOP = frozenset({"schemaVersion", "middleware", "input", "output", "events"})
V2_ONLY_TRIGGERS = frozenset({"queue", "pubsub", "worker", "webhook", "sse", "websocket"})


@dataclass(frozen=True, slots=True)
class Detection:
    dialect: Dialect | None  # None: neither
    resembles: Dialect
    v1_marks: int
    v2_marks: int


def nested_lists(step: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    """``(pointer suffix, steps)`` for every step list nested in a v2 control-flow step, in execution order."""
    found: list[tuple[str, list[Any]]] = []
    for block, keys in V2_BLOCKS.items():
        body = step.get(block)
        if not isinstance(body, dict):
            continue
        if block == "switch" and isinstance(body.get("cases"), list):
            for index, case in enumerate(body["cases"]):
                if isinstance(case, dict) and isinstance(case.get("do"), list):
                    found.append((f"/switch/cases/{index}/do", case["do"]))
        for key in keys:
            if isinstance(body.get(key), list):
                found.append((f"/{block}/{key}", body[key]))
    return found


def _count_step_marks(steps: Any) -> tuple[int, int]:
    v1 = v2 = 0
    stack = [steps]
    seen = 0
    while stack and seen < 10_000:
        current = stack.pop()
        if not isinstance(current, list):
            continue
        for step in current:
            seen += 1
            if not isinstance(step, dict):
                continue
            v1 += sum(1 for key in ("name", "node", "set_var") if key in step)
            # `id` counts double: v1 steps never have one, while v2's loader accepts an {id, node} hybrid.
            v2 += 2 * ("id" in step)
            v2 += sum(1 for key in ("use", "inputs", "subworkflow", "ephemeral", "as", "spread") if key in step)
            v2 += sum(1 for key in V2_BLOCKS if isinstance(step.get(key), dict))
            v2 += isinstance(step.get("wait"), dict)
            stack.extend(steps for _suffix, steps in nested_lists(step))
    return v1, v2


def detect(doc: Any) -> Detection:
    if not isinstance(doc, dict):
        return Detection(None, Dialect.V1, 0, 0)
    v1, v2 = _count_step_marks(doc.get("steps"))
    if "nodes" in doc:
        v1 += 2
    if doc.get("schemaVersion") in ("2", 2):
        v2 += 5
    v2 += sum(1 for key in V2_ONLY_TOP if key in doc)
    trigger = doc.get("trigger")
    if isinstance(trigger, dict):
        v2 += sum(1 for kind in trigger if kind in V2_ONLY_TRIGGERS)
    if v1 == 0 and v2 == 0:
        resembles = Dialect.V2 if "steps" in doc and "trigger" not in doc else Dialect.V1
        return Detection(None, resembles, 0, 0)
    dialect = Dialect.V2 if v2 > v1 else Dialect.V1
    return Detection(dialect, dialect, v1, v2)


def dialect_of(doc: Any) -> Dialect:
    """The document's dialect; documents of neither count as v1 (the hub's original dialect)."""
    return detect(doc).dialect or Dialect.V1


def neither_issues(doc: Any, detection: Detection) -> list[Issue]:
    """What a document of neither dialect lacks, for the dialect it most resembles."""
    steps = doc.get("steps") if isinstance(doc, dict) else None
    resembles = detection.resembles.value
    lead = f"this document is neither a Blok v1 nor a v2 workflow; it most resembles {resembles}, which needs "
    if not isinstance(steps, list) or not steps:
        what = (
            "a non-empty `steps` array of {name, node, type} steps and a `nodes` map of their inputs"
            if detection.resembles is Dialect.V1
            else "a non-empty `steps` array of {id, use, inputs} steps (or branch/forEach/tryCatch blocks)"
        )
        return [Issue("unknown_dialect", lead + what, "/steps" if isinstance(doc, dict) and "steps" in doc else "")]
    what = (
        "steps with `name`, `node` and `type` (inputs go in `nodes.<name>.inputs`)"
        if detection.resembles is Dialect.V1
        else "steps with `id` and `use` (and inline `inputs`), or a control-flow block such as `branch`"
    )
    return [Issue("unknown_dialect", lead + what, f"/steps/{index}") for index in range(min(len(steps), 20))]
