"""Walking the steps of a workflow, including steps nested in if-else branches at any depth.

All walkers are iterative and tolerate any shape (they run on documents that failed the schema too), and each
if-else configuration is expanded at most once so that cyclic or diamond-shaped references stay linear.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from blokhub.blok.errors import join_pointer


@dataclass(frozen=True, slots=True)
class StepRef:
    step: dict[str, Any]
    pointer: str  # the step object, e.g. "/nodes/filter-request/conditions/1/steps/0"
    list_pointer: str  # the steps array holding it
    ancestors: tuple[str, ...]  # names of the enclosing if-else steps, outermost first

    @property
    def name(self) -> str | None:
        name = self.step.get("name")
        return name if isinstance(name, str) else None


def node_configs(doc: dict[str, Any]) -> dict[str, Any]:
    nodes = doc.get("nodes")
    return nodes if isinstance(nodes, dict) else {}


def conditions_of(config: Any) -> list[Any] | None:
    if isinstance(config, dict):
        conditions = config.get("conditions")
        if isinstance(conditions, list):
            return conditions
    return None


def iter_steps(doc: dict[str, Any]) -> Iterator[StepRef]:
    """Yield every step in execution order: a branch's steps come right after their if-else step."""
    configs = node_configs(doc)
    expanded: set[str] = set()
    top = doc.get("steps")
    if not isinstance(top, list):
        return
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
        ref = StepRef(step, f"{list_pointer}/{index}", list_pointer, ancestors)
        yield ref
        name = ref.name
        if name is None or name in expanded or name in ancestors:
            continue
        conditions = conditions_of(configs.get(name))
        if conditions is None:
            continue
        expanded.add(name)
        branches: list[tuple[list[Any], str, int, tuple[str, ...]]] = []
        base = join_pointer("/nodes", name) + "/conditions"
        for position, condition in enumerate(conditions):
            if isinstance(condition, dict) and isinstance(condition.get("steps"), list):
                branches.append((condition["steps"], f"{base}/{position}/steps", 0, (*ancestors, name)))
        stack.extend(reversed(branches))


def iter_strings(value: Any, pointer: str) -> Iterator[tuple[str, str | int, str | None, str]]:
    """Yield ``(parent pointer, token, nearest key, string)`` for every string value under ``value``."""
    stack: list[tuple[Any, str, str | None]] = [(value, pointer, None)]
    while stack:
        current, here, key = stack.pop()
        if isinstance(current, dict):
            for child_key, child in current.items():
                if isinstance(child, str):
                    yield here, child_key, child_key, child
                elif isinstance(child, dict | list):
                    stack.append((child, join_pointer(here, child_key), child_key))
        elif isinstance(current, list):
            for index, child in enumerate(current):
                if isinstance(child, str):
                    yield here, index, key, child
                elif isinstance(child, dict | list):
                    stack.append((child, f"{here}/{index}", key))
