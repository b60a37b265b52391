"""Making a v1 workflow speak one Blok line: built-in node names for that line, everything else it lacks local.

Each Blok line registers its built-ins under its own npm scope (`@nanoservice-ts/api-call`, `@blok-ts/api-call`,
`@blokjs/api-call`), so a workflow written for one line needs its node strings rewritten for another. A module the
line does not provide (a name no line registers, another line's template example or a built-in without a twin)
is code the user must supply: Blok loads those with `type: "local"` from NODES_PATH, and marking them so is what
makes the workflow honest about it.
"""

from __future__ import annotations

import copy
from typing import Any

from blokhub.blok.requirements import NodeNeed, dialect_of, node_needs, node_origins, serving_lines, trigger_kind
from blokhub.blok.walk import iter_steps


def _short(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def builtin_for(node: str, line: str) -> str | None:
    """The name of ``node``'s counterpart among ``line``'s built-ins (same short name), or None."""
    builtins = node_origins().builtins
    if node not in builtins:
        return None
    for name, entry in builtins.items():
        if entry["line"] == line and _short(name) == _short(node):
            return name
    return None


def for_line(
    doc: dict[str, Any], line: str, *, in_place: bool = False, needs: tuple[NodeNeed, ...] | None = None
) -> dict[str, Any]:
    """A copy of a v1 workflow (or ``doc`` itself, changed, with ``in_place``) whose built-in nodes are ``line``'s;
    modules the line does not provide (npm packages aside) are marked ``type: "local"``."""
    origins = {n.node: n for n in (node_needs(doc) if needs is None else needs) if n.type == "module"}
    if all(n.origin == "npm" or line in n.lines for n in origins.values()):
        return doc  # nothing to rewrite: no copy
    out = doc if in_place else copy.deepcopy(doc)
    for ref in iter_steps(out):
        node = ref.step.get("node")
        need = origins.get(node) if isinstance(node, str) and ref.step.get("type") == "module" else None
        if need is None or need.origin == "npm" or line in need.lines:
            continue
        renamed = builtin_for(need.node, line)
        if renamed is not None:
            ref.step["node"] = renamed
            continue
        ref.step["type"] = "local"
        if need.origin == "unresolved":
            ref.step["node"] = local_name(need.node)
    return out


def local_name(node: str) -> str:
    """The folder a user's own node lives in: an invented npm-style name loses its scope ("@community/twilio-sms"
    -> "twilio-sms"), so the workflow does not pass it off as a published package; kept when that would clash
    with a name some Blok line registers."""
    short = _short(node)
    origins = node_origins()
    known = set(origins.builtins) | set(origins.python) | {n for names in origins.template.values() for n in names}
    return node if short in known or not short else short


def realign(doc: dict[str, Any], *, in_place: bool = False) -> dict[str, Any]:
    """A v1 workflow rewritten (with `for_line`) for a Blok line that runs it: preferably the line its built-ins
    name, else the published line, else any. When none can (a cron trigger with `set_var`, which only a v2
    document can express), for the line that has its trigger. v2 documents are returned as they are."""
    if dialect_of(doc) != "v1":
        return doc
    origins = node_origins()
    needs = node_needs(doc)
    preferred = [line for n in needs if n.origin == "builtin" for line in n.lines]
    order = list(dict.fromkeys([*preferred, origins.published_line, *origins.lines]))
    serving = serving_lines(doc)
    trigger = trigger_kind(doc.get("trigger"))
    with_trigger = [line for line in order if trigger in origins.lines[line]["triggers"]]
    line = next((line for line in order if line in serving), with_trigger[0] if with_trigger else order[0])
    return for_line(doc, line, in_place=in_place, needs=needs)
