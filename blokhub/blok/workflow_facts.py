"""Searchable facts about a workflow: trigger, runtimes, nodes used, size, branching and outbound domains."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from blokhub.blok.walk import StepRef, conditions_of, iter_steps, iter_strings, node_configs

_RUNTIMES = {"module": "typescript", "local": "typescript", "runtime.python3": "python3"}
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
        }


def facts(doc: dict[str, Any]) -> Facts:
    """Facts for any object-shaped document; fields that cannot be read are None or empty."""
    return compute_facts(doc, list(iter_steps(doc)))


def compute_facts(doc: dict[str, Any], steps: list[StepRef]) -> Facts:
    trigger_kind, method, path = _trigger(doc.get("trigger"))
    configs = node_configs(doc)
    runtimes: set[str] = set()
    nodes: set[str] = set()
    has_branches = False
    for ref in steps:
        runtime = _RUNTIMES.get(ref.step.get("type"))  # type: ignore[arg-type]
        if runtime is not None:
            runtimes.add(runtime)
        node = ref.step.get("node")
        if isinstance(node, str) and node:
            nodes.add(node)
        name = ref.name
        if not has_branches and name is not None and conditions_of(configs.get(name)) is not None:
            has_branches = True
    return Facts(
        trigger=trigger_kind,
        method=method,
        path=path,
        runtimes=sorted(runtimes),
        nodes=sorted(nodes),
        step_count=len(steps),
        has_branches=has_branches,
        domains=sorted(_domains(configs)),
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


def _domains(configs: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for config in configs.values():
        inputs = config.get("inputs") if isinstance(config, dict) else None
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
