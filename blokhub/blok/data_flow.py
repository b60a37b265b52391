"""A lint that follows the data: what each step reads must exist when it runs.

Two findings, both WARNINGS (a workflow can still be stored; the runner would run it and read ``undefined``):

* ``request_not_provided``: a step reads ``ctx.request.body|query|params|headers`` but no trigger provides a
  request (a cron or manual trigger), or reads the body of a GET endpoint, or a path parameter the route lacks.
  This is how "make it run every hour" on a contact-form workflow goes wrong: the steps still read the form.
* ``var_not_set``: a step reads ``ctx.vars.<name>`` but no step of that name with ``set_var: true`` runs before it
  (on the same path: a branch sees what ran before its if-else step and earlier in the same branch).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from blokhub.blok.errors import Issue, join_pointer
from blokhub.blok.walk import conditions_of, iter_strings, node_configs

_REQUEST = re.compile(r"\bctx\.request\??\.(body|query|params|headers)\b(?:\??\.([A-Za-z_][A-Za-z0-9_]*))?")
_VARS = re.compile(r"""\bctx\.vars\??(?:\.([A-Za-z_$][\w$]*)|\??\.?\[\s*['"]([^'"\]]+)['"]\s*\])""")
_PARAM = re.compile(r":([A-Za-z_][A-Za-z0-9_]*)\??")
_REQUEST_TRIGGERS = frozenset({"http", "mcp"})


@dataclass(frozen=True, slots=True)
class _Provided:
    """What the workflow's triggers put into ``ctx.request``."""

    request: bool  # any request at all (http, mcp, grpc)
    body: bool  # some trigger can carry a body
    params: frozenset[str] | None  # path parameter names; None when any name may be there (wildcards, grpc)
    kinds: tuple[str, ...]


def _provided(doc: dict[str, Any]) -> _Provided:
    trigger = doc.get("trigger")
    kinds = tuple(trigger) if isinstance(trigger, dict) else ()
    if not kinds or "grpc" in kinds:
        return _Provided(True, True, None, kinds)  # unknown shape or gRPC's free-form request: nothing to say
    body, params, request = False, set(), False
    for kind in kinds:
        if kind not in _REQUEST_TRIGGERS:
            continue
        request = True
        settings = trigger.get(kind) if isinstance(trigger, dict) else None
        settings = settings if isinstance(settings, dict) else {}
        method = str(settings.get("method", "*")).upper()
        body = body or method not in ("GET", "HEAD")
        path = settings.get("path")
        if not isinstance(path, str) or "*" in path:
            return _Provided(True, True, None, kinds)
        params |= set(_PARAM.findall(path))
    return _Provided(request, body, frozenset(params), kinds)


def data_flow_issues(doc: dict[str, Any]) -> list[Issue]:
    configs = node_configs(doc)
    top = doc.get("steps")
    if not isinstance(top, list):
        return []
    provided = _provided(doc)
    issues: list[Issue] = []
    expanded: set[str] = set()
    # frames: (steps, index, names set_var'd so far on this path); iterative, like the other walkers
    stack: list[tuple[list[Any], int, frozenset[str]]] = [(top, 0, frozenset())]
    while stack:
        steps, index, visible = stack.pop()
        if index >= len(steps):
            continue
        step = steps[index]
        name = step.get("name") if isinstance(step, dict) else None
        if not isinstance(name, str):
            stack.append((steps, index + 1, visible))
            continue
        config = configs.get(name)
        issues.extend(_reads(name, config, provided, visible))
        after = visible | {name} if _sets_var(step, config) else visible
        conditions = conditions_of(config)
        branches: list[list[Any]] = []
        if conditions is not None and name not in expanded:
            expanded.add(name)
            for condition in conditions:
                branch = condition.get("steps") if isinstance(condition, dict) else None
                if isinstance(branch, list):
                    branches.append(branch)
        # a later step may read what one of the branches set (only one runs, so this is the lenient reading)
        later = after.union(*(_set_vars(branch, configs) for branch in branches))
        stack.append((steps, index + 1, later))
        stack.extend((branch, 0, after) for branch in reversed(branches))
    return issues


def _sets_var(step: dict[str, Any], config: Any) -> bool:
    """``set_var`` on the step, or (as the Blok repository's own workflows write it) in its node configuration."""
    if step.get("set_var") is True:
        return True
    inputs = config.get("inputs") if isinstance(config, dict) else None
    return isinstance(config, dict) and (
        config.get("set_var") is True or (isinstance(inputs, dict) and inputs.get("set_var") is True)
    )


def _set_vars(steps: list[Any], configs: dict[str, Any]) -> set[str]:
    return {
        s["name"]
        for s in steps
        if isinstance(s, dict) and isinstance(s.get("name"), str) and _sets_var(s, configs.get(s["name"]))
    }


def _reads(name: str, config: Any, provided: _Provided, visible: frozenset[str]) -> Iterator[Issue]:
    if not isinstance(config, dict):
        return
    base = join_pointer("/nodes", name)
    for parent, token, _key, text in iter_strings(config, base):
        if "ctx." not in text:
            continue
        pointer = join_pointer(parent, token)
        said: set[str] = set()  # one finding per problem per string ("${body.name} (${body.email})" is one)
        for match in _REQUEST.finditer(text):
            problem = _request_problem(match.group(1), match.group(2), provided)
            if problem and problem not in said:
                said.add(problem)
                yield Issue(
                    "request_not_provided",
                    f"step {name!r} reads {match.group(0)}, but {problem}",
                    pointer,
                    severity="warning",
                )
        for match in _VARS.finditer(text):
            var = match.group(1) or match.group(2)
            if var and var not in visible:
                yield Issue(
                    "var_not_set",
                    f"step {name!r} reads ctx.vars.{var}, but no step named {var!r} with set_var: true runs "
                    "before it; it will read undefined",
                    pointer,
                    severity="warning",
                )


def _request_problem(part: str, field: str | None, provided: _Provided) -> str | None:
    if not provided.request:
        kinds = "/".join(provided.kinds) or "its"
        return (
            f"the {kinds} trigger provides no request; fetch the data in an earlier step "
            "or start the workflow with an HTTP trigger"
        )
    if part == "body" and not provided.body:
        return "the HTTP trigger only accepts GET, which carries no body; read ctx.request.query or use POST"
    if part == "params" and field and provided.params is not None and field not in provided.params:
        have = ", ".join(f":{p}" for p in sorted(provided.params)) or "none"
        return f"the trigger path has no :{field} parameter (it has {have})"
    return None
