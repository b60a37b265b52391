"""What our own tables predict the runner will do with a workflow, for tests to hold the runner's verdict against.

The judge is the published runner with the registry of a project export: its built-in nodes plus the template
example nodes the export ships (``blokhub.blok.project_nodes``), which also serve ``type: local`` steps of the same
name. A v1 workflow loads there exactly when each of its nodes is one of those; template nodes that need a service
(OpenAI, PostgreSQL, MongoDB) load but are not run against the local stub.
"""

from __future__ import annotations

import re
from typing import Any

from blokhub.blok.project_nodes import template_nodes
from blokhub.blok.requirements import NodeNeed, node_origins, requirements, trigger_kind

_READS_VARS = re.compile(r"\bctx\.vars\b|\bvars\s*\[|\bvars\.")


def provided(need: NodeNeed) -> bool:
    """Whether the oracle's registry (a project export's) resolves this node."""
    if need.type == "module" and need.node in node_origins().published_builtins():
        return True
    return need.type in ("module", "local") and need.node in template_nodes()


def loads_in_project(doc: dict[str, Any]) -> bool:
    found = requirements(doc)
    return found.dialect == "v1" and bool(found.nodes) and all(provided(n) for n in found.nodes)


def runs_against_stub(doc: dict[str, Any]) -> bool:
    """Loads, is served by the HTTP trigger, and needs nothing but the stub: no template node with a service of its
    own, and no read of ``ctx.vars`` (the published runner ignores ``set_var``, so such reads see nothing)."""
    if not loads_in_project(doc) or trigger_kind(doc.get("trigger")) != "http":
        return False
    shipped = template_nodes()
    if any(n.node in shipped and shipped[n.node].service for n in requirements(doc).nodes):
        return False
    return not _READS_VARS.search(str(doc.get("nodes")))
