"""What our own tables predict the runner will do with a workflow, for tests to hold the runner's verdict against.

The judge is the published runner with the registry of a project export: its built-in nodes plus the template
example nodes the export ships (``blokhub.blok.project_nodes``), which also serve ``type: local`` steps of the same
name. A v1 workflow loads there exactly when each of its nodes is one of those; template nodes that need a service
(OpenAI, PostgreSQL, MongoDB) load but are not run against the local stub.
"""

from __future__ import annotations

import re
from typing import Any

from blokhub.blok.body_lint import body_kind
from blokhub.blok.project_nodes import shipped_nodes
from blokhub.blok.requirements import NodeNeed, node_origins, requirements, trigger_kind
from blokhub.blok.walk import iter_steps, node_configs
from tests.runner.signing import verify_steps

_READS_VARS = re.compile(r"\bctx\.vars\b|\bvars\s*\[|\bvars\.")


def provided(need: NodeNeed) -> bool:
    """Whether the oracle's registry (a project export's) resolves this node."""
    if need.type == "module" and need.node in node_origins().published_builtins():
        return True
    return need.type in ("module", "local") and need.node in shipped_nodes()


def loads_in_project(doc: dict[str, Any]) -> bool:
    found = requirements(doc)
    return found.dialect == "v1" and bool(found.nodes) and all(provided(n) for n in found.nodes)


def why_not_loaded(doc: dict[str, Any]) -> str | None:
    """What keeps the workflow from loading in a project export (the first node not provided), or None."""
    found = requirements(doc)
    if found.dialect != "v1":
        return "v2 dialect (no @blokjs runner on npm)"
    if not found.nodes:
        return "no steps"
    missing = next((n for n in found.nodes if not provided(n)), None)
    if missing is None:
        return None
    if missing.type == "runtime.python3":
        return "Python runtime node"
    if missing.origin == "builtin":
        return "another line's built-in"
    return {"template": "template node not shipped", "local": "local code", "npm": "npm package"}.get(
        missing.origin, "unresolved name"
    )


def why_not_run(doc: dict[str, Any]) -> str | None:
    """Why a workflow that loads is not run against the stub, or None: a template node that needs a service of its
    own (OpenAI, PostgreSQL, MongoDB), a read of ``ctx.vars`` (the published runner ignores ``set_var``), or an
    api-call whose body is not an object (the published api-call node's input schema refuses it), or a PayPal
    webhook check (PayPal verifies its signatures through its own API)."""
    shipped = shipped_nodes()
    service = next((n.node for n in requirements(doc).nodes if n.node in shipped and shipped[n.node].service), None)
    if service is not None:
        return f"needs a service ({service})"
    webhooks = verify_steps(doc)  # run with a request signed as its sender would (tests/runner/signing.py)
    if any(str(inputs.get("provider")) == "paypal" for inputs in webhooks):
        return "PayPal signature (PayPal's API checks it)"
    if webhooks and trigger_kind(doc.get("trigger")) != "http":
        return "webhook check without a request"
    if _READS_VARS.search(str(doc.get("nodes"))):
        return "reads ctx.vars"
    if any(not _object_body(body) for body in _api_call_bodies(doc)):
        return "api-call body not an object"
    return None


def _api_call_bodies(doc: dict[str, Any]) -> list[Any]:
    configs = node_configs(doc)
    bodies = []
    for ref in iter_steps(doc):
        config = configs.get(ref.name) if ref.name else None
        if str(ref.step.get("node", "")).endswith("/api-call") and isinstance(config, dict):
            inputs = config.get("inputs")
            if isinstance(inputs, dict) and "body" in inputs:
                bodies.append(inputs["body"])
    return bodies


def _object_body(body: Any) -> bool:
    """Whether the body reaches the api-call node as an object, by the validator's own rule (the warning
    `api_call_body_not_object`): not a string, an array, or a whole `js/` expression that builds one."""
    return body is not None and body_kind(body) is None


def runs_against_stub(doc: dict[str, Any]) -> bool:
    """Loads, is served by the HTTP trigger, and needs nothing but the stub."""
    return loads_in_project(doc) and trigger_kind(doc.get("trigger")) == "http" and why_not_run(doc) is None


def fires_against_stub(doc: dict[str, Any]) -> bool:
    """Loads, has a trigger without a request (a schedule, a manual start), and needs nothing but the stub."""
    return loads_in_project(doc) and trigger_kind(doc.get("trigger")) != "http" and why_not_run(doc) is None
