"""One internal view of the steps of a workflow in either dialect, for facts, search, embeddings, diff and AI.

v1 keeps a step's inputs in ``nodes.<name>.inputs`` and its branches in ``nodes.<name>.conditions``; v2 writes
inputs on the step and nests step lists in control-flow blocks. :func:`model_steps` walks either into the same
flat list of :class:`ModelStep` in execution order (a block's steps right after the block), each knowing where
its step object and its inputs live in the author's document, so everything built on it points into the text
the author wrote. Walkers are iterative and tolerate any shape (they also run on documents that failed
validation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from blokhub.blok.dialect import Dialect, dialect_of, nested_lists
from blokhub.blok.errors import join_pointer
from blokhub.blok.walk import conditions_of, iter_steps, node_configs

# A v2 step's kind is the first of these keys it carries as an object (or string, for subworkflow).
CONTROL_KINDS = ("branch", "forEach", "loop", "switch", "tryCatch")


@dataclass(frozen=True, slots=True)
class ModelStep:
    id: str | None  # v1 name / v2 id
    kind: str  # "node" | "branch" | "switch" | "forEach" | "loop" | "tryCatch" | "wait" | "subworkflow"
    node: str | None  # what runs: v1 node / v2 use (v1 if-else steps keep their node too)
    type: str | None  # module | local | runtime.* (v2: inferred from `use` when absent)
    inputs: dict[str, Any] | None
    inputs_pointer: str | None
    pointer: str  # the step object in the author's document
    list_pointer: str  # the steps array holding it
    ancestors: tuple[str, ...]  # ids of the enclosing control-flow steps, outermost first
    step: dict[str, Any]
    expressions: tuple[str, ...] = ()  # conditions and other JavaScript the step evaluates itself
    parallel: bool = False  # a forEach in parallel mode

    @property
    def is_control(self) -> bool:
        return self.kind != "node"


def infer_type(use: str) -> str:
    """v2's rule for a step without ``type``: a ``runtime.x:`` prefix names the runtime, anything else is a module."""
    if use.startswith("runtime."):
        return use.split(":", 1)[0]
    return "module"


def model_steps(doc: Any, dialect: Dialect | None = None) -> list[ModelStep]:
    if not isinstance(doc, dict):
        return []
    if (dialect or dialect_of(doc)) is Dialect.V2:
        return list(_v2_steps(doc))
    return list(_v1_steps(doc))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _v1_steps(doc: dict[str, Any]) -> list[ModelStep]:
    configs = node_configs(doc)
    out = []
    for ref in iter_steps(doc):
        name = ref.name
        config = configs.get(name) if name is not None else None
        conditions = conditions_of(config)
        inputs = config.get("inputs") if isinstance(config, dict) else None
        expressions = tuple(
            c["condition"] for c in conditions or () if isinstance(c, dict) and isinstance(c.get("condition"), str)
        )
        out.append(
            ModelStep(
                id=name,
                kind="branch" if conditions is not None else "node",
                node=_text(ref.step.get("node")),
                type=_text(ref.step.get("type")),
                inputs=inputs if isinstance(inputs, dict) else None,
                inputs_pointer=join_pointer("/nodes", name) + "/inputs" if isinstance(inputs, dict) and name else None,
                pointer=ref.pointer,
                list_pointer=ref.list_pointer,
                ancestors=ref.ancestors,
                step=ref.step,
                expressions=expressions,
            )
        )
    return out


def v2_kind(step: dict[str, Any]) -> str:
    for kind in CONTROL_KINDS:
        if isinstance(step.get(kind), dict):
            return kind
    if isinstance(step.get("subworkflow"), str):
        return "subworkflow"
    if isinstance(step.get("wait"), dict):
        return "wait"
    return "node"


def _expressions(kind: str, step: dict[str, Any]) -> tuple[str, ...]:
    body = step.get(kind)
    if not isinstance(body, dict):
        return ()
    keys = {"branch": ("when",), "loop": ("while",), "switch": ("on",), "forEach": ("in",)}.get(kind, ())
    return tuple(body[key] for key in keys if isinstance(body.get(key), str))


def _v2_steps(doc: dict[str, Any]) -> list[ModelStep]:
    top = doc.get("steps")
    if not isinstance(top, list):
        return []
    out: list[ModelStep] = []
    # Each frame: (steps list, its pointer, next index, ancestors).
    stack: list[tuple[list[Any], str, int, tuple[str, ...]]] = [(top, "/steps", 0, ())]
    while stack:
        steps, list_pointer, index, ancestors = stack.pop()
        if index >= len(steps):
            continue
        stack.append((steps, list_pointer, index + 1, ancestors))
        step = steps[index]
        if not isinstance(step, dict):
            continue
        pointer = f"{list_pointer}/{index}"
        kind = v2_kind(step)
        ident = _text(step.get("id")) or _text(step.get("name"))
        node = (_text(step.get("use")) or _text(step.get("node"))) if kind == "node" else None
        inputs = step.get("inputs") if kind in ("node", "subworkflow") else None
        body = step.get("forEach")
        out.append(
            ModelStep(
                id=ident,
                kind=kind,
                node=node,
                type=_text(step.get("type")) or (infer_type(node) if node else None),
                inputs=inputs if isinstance(inputs, dict) else None,
                inputs_pointer=pointer + "/inputs" if isinstance(inputs, dict) else None,
                pointer=pointer,
                list_pointer=list_pointer,
                ancestors=ancestors,
                step=step,
                expressions=_expressions(kind, step),
                parallel=kind == "forEach" and isinstance(body, dict) and body.get("mode") == "parallel",
            )
        )
        if len(ancestors) > 64:
            continue  # documents are depth-limited on the way in; this only guards direct callers
        inner = (*ancestors, ident or pointer)
        stack.extend((nested, pointer + suffix, 0, inner) for suffix, nested in reversed(nested_lists(step)))
    return out
