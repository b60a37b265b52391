"""Searchable facts about a workflow: trigger, runtimes, nodes used, size, branching and outbound domains."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from blokhub.blok.dialect import Dialect, dialect_of
from blokhub.blok.model import ModelStep, model_steps
from blokhub.blok.walk import iter_strings

# The host must be followed by a delimiter, so "https://api.${env}.com" (a host built by an expression) is
# skipped.
_URL_HOST = re.compile(
    r"https?://(?:[^\s/@?#'\"`]*@)?([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])"
    r"(?::[0-9]+)?(?=[/?#\s'\"`\\),;]|$)",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Facts:
    trigger: str | None
    method: str | None
    path: str | None
    runtimes: list[str]
    nodes: list[str]
    step_count: int
    has_branches: bool
    domains: list[str]
    dialect: str = Dialect.V1.value
    # Control-flow kinds used, one vocabulary for both dialects: "branch" (v1 if-else, v2 branch), "switch",
    # "tryCatch", "forEach", "parallel" (a forEach in parallel mode), "loop", "wait", "subworkflow".
    control_flow: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "trigger": self.trigger,
            "method": self.method,
            "path": self.path,
            "runtimes": list(self.runtimes),
            "nodes": list(self.nodes),
            "step_count": self.step_count,
            "has_branches": self.has_branches,
            "domains": list(self.domains),
            "dialect": self.dialect,
            "control_flow": list(self.control_flow),
        }


def facts(doc: dict[str, Any]) -> Facts:
    """Facts for any object-shaped document in either dialect; fields that cannot be read are None or empty."""
    dialect = dialect_of(doc)
    return compute_facts(doc, model_steps(doc, dialect), dialect)


def runtime_of(step_type: str | None) -> str | None:
    if step_type in ("module", "local"):
        return "typescript"
    if isinstance(step_type, str) and step_type.startswith("runtime.") and len(step_type) > 8:
        return step_type[8:]
    return None


def compute_facts(doc: dict[str, Any], steps: list[ModelStep], dialect: Dialect) -> Facts:
    trigger_kind, method, path = _trigger(doc.get("trigger"))
    runtimes: set[str] = set()
    nodes: set[str] = set()
    control: set[str] = set()
    for step in steps:
        if step.kind == "node" or step.node:
            runtime = runtime_of(step.type)
            if runtime is not None:
                runtimes.add(runtime)
        if step.node:
            nodes.add(step.node)
        if step.is_control:
            control.add(step.kind)
        if step.parallel:
            control.add("parallel")
    return Facts(
        trigger=trigger_kind,
        method=method,
        path=path,
        runtimes=sorted(runtimes),
        nodes=sorted(nodes),
        step_count=len(steps),
        has_branches=bool(control - {"wait", "subworkflow"}),
        domains=sorted(_domains(step.inputs for step in steps)),
        dialect=dialect.value,
        control_flow=sorted(control),
    )


def _trigger(trigger: Any) -> tuple[str | None, str | None, str | None]:
    if not isinstance(trigger, dict) or not trigger:
        return None, None, None
    kinds = [kind for kind in trigger if isinstance(kind, str)]
    if not kinds:
        return None, None, None
    kind = "http" if "http" in trigger else sorted(kinds)[0]
    settings = trigger[kind]
    if not isinstance(settings, dict):
        return kind, None, None
    method = settings.get("method")
    path = settings.get("path")
    return kind, method.upper() if isinstance(method, str) else None, path if isinstance(path, str) else None


def _domains(all_inputs: Iterable[dict[str, Any] | None]) -> set[str]:
    found: set[str] = set()
    for inputs in all_inputs:
        if not isinstance(inputs, dict):
            continue
        for _parent, _token, _key, text in iter_strings(inputs, ""):
            if "://" not in text:
                continue
            for match in _URL_HOST.finditer(text):
                host = match.group(1).lower().rstrip(".")
                if host:
                    found.add(host)
    return found
