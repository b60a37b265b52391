"""Semantic checks beyond the schema (reference section 5.3), each with a code and a JSON pointer.

Duplicate step names: every step name is also its key in ``nodes`` and in ``ctx.vars``, so two steps with one
name always share a configuration. That is an ERROR ("duplicate_step_name") when both sit in the same steps
array (the top-level pipeline or one branch), because both will run one after the other and clobber each
other's ``ctx.vars`` entry. It is a WARNING when they sit in different arrays (e.g. an error step reused in
two branches, of which only one runs), because sharing the configuration may well be intended there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from blokhub.blok.data_flow import data_flow_issues
from blokhub.blok.errors import Issue, join_pointer
from blokhub.blok.walk import StepRef, conditions_of, iter_strings, node_configs

_IF_ELSE_NODE = re.compile(r"(?:^|/)if-else(?:@|$)")
_PARAM = re.compile(r":[A-Za-z_][A-Za-z0-9_]*\??\Z")
_LITERAL = re.compile(r"[A-Za-z0-9._~!$&'()+,;=@%-]+\Z")


def is_if_else(node: Any) -> bool:
    return isinstance(node, str) and _IF_ELSE_NODE.search(node) is not None


def _warn(code: str, message: str, pointer: str) -> Issue:
    return Issue(code, message, pointer, severity="warning")


def lint_issues(doc: dict[str, Any], steps: list[StepRef]) -> list[Issue]:
    issues: list[Issue] = []
    configs = node_configs(doc)
    issues.extend(_trigger_paths(doc))
    issues.extend(_step_rules(steps, configs, isinstance(doc.get("nodes"), dict)))
    for name, config in configs.items():
        conditions = conditions_of(config)
        if conditions is not None:
            issues.extend(_condition_rules(conditions, join_pointer("/nodes", name) + "/conditions"))
        elif isinstance(config, dict) and isinstance(config.get("inputs"), dict):
            issues.extend(_placeholder_rules(config["inputs"], join_pointer("/nodes", name) + "/inputs"))
    issues.extend(data_flow_issues(doc))
    used = {ref.name for ref in steps}
    for name in configs:
        if name not in used:
            issues.append(
                _warn(
                    "unused_node_config",
                    f"nodes.{name} is not used by any step; step names are the "
                    "keys of nodes, so check for a typo or remove it",
                    join_pointer("/nodes", name),
                )
            )
    return issues


def route_problem(path: str) -> str | None:
    """Why ``path`` is not a valid trigger route (":name", ":name?", "*" or literal segments), or None."""
    if not path.startswith("/") or path == "/":
        return None  # the schema reports a missing leading "/"
    for segment in path[1:].split("/"):
        if segment == "":
            return 'has an empty segment ("//" or a trailing "/"); remove it'
        if any(char.isspace() for char in segment):
            return f"segment {segment!r} contains whitespace; routes cannot contain spaces"
        if segment == "*" or _PARAM.match(segment) or _LITERAL.match(segment):
            continue
        if segment.startswith("{") and segment.endswith("}"):
            return f'segment {segment!r} uses {{}}; route parameters are written ":{segment[1:-1]}"'
        if segment.startswith(":"):
            return f'parameter {segment!r} must be ":name" or ":name?" (letters, digits and _ only)'
        return f"segment {segment!r} has characters that are not allowed in a route (no ?, #, * or : inside)"
    return None


def _trigger_paths(doc: dict[str, Any]) -> Iterator[Issue]:
    trigger = doc.get("trigger")
    if not isinstance(trigger, dict):
        return
    for kind in ("http", "mcp"):
        settings = trigger.get(kind)
        path = settings.get("path") if isinstance(settings, dict) else None
        problem = route_problem(path) if isinstance(path, str) else None
        if problem:
            yield Issue("invalid_path", f"trigger path {path!r} {problem}", f"/trigger/{kind}/path")


def _step_rules(steps: list[StepRef], configs: dict[str, Any], has_nodes: bool) -> Iterator[Issue]:
    seen: dict[str, list[StepRef]] = {}
    for ref in steps:
        name = ref.name
        if name is None:
            continue
        name_pointer = ref.pointer + "/name"
        earlier = seen.setdefault(name, [])
        if any(other.list_pointer == ref.list_pointer for other in earlier):
            yield Issue(
                "duplicate_step_name",
                f"step name {name!r} is used twice in the same pipeline; both "
                f"steps would share nodes.{name} and ctx.vars[{name!r}] - rename one",
                name_pointer,
            )
        elif earlier:
            yield _warn(
                "duplicate_step_name",
                f"step name {name!r} is also used at {earlier[0].pointer}; both "
                "steps share one nodes entry - rename one unless that is intended",
                name_pointer,
            )
        earlier.append(ref)
        if name in ref.ancestors:
            yield Issue(
                "branch_cycle",
                f"step {name!r} appears inside its own if-else branches; the runner "
                "would expand it forever - rename the inner step",
                name_pointer,
            )
        config = configs.get(name)
        if config is None:
            if has_nodes:
                yield _warn(
                    "missing_node_config",
                    f"step {name!r} has no entry in nodes; add "
                    f'"nodes": {{"{name}": {{"inputs": {{}}}}}} or the step fails when it runs',
                    name_pointer,
                )
            continue
        yield from _shape_rules(ref, name, config)


def _shape_rules(ref: StepRef, name: str, config: Any) -> Iterator[Issue]:
    if not isinstance(config, dict):
        return
    config_pointer = join_pointer("/nodes", name)
    inputs = config.get("inputs")
    if is_if_else(ref.step.get("node")):
        if "conditions" in config:
            return
        if isinstance(inputs, dict) and "conditions" in inputs:
            yield _warn(
                "node_shape_mismatch",
                f"nodes.{name}.inputs.conditions is ignored by the runner; move conditions directly under nodes.{name}",
                config_pointer + "/inputs/conditions",
            )
        else:
            yield _warn(
                "node_shape_mismatch",
                f"step {name!r} uses an if-else node but nodes.{name} has no conditions; it will never branch",
                config_pointer,
            )
    elif "conditions" in config:
        yield _warn(
            "node_shape_mismatch",
            f"nodes.{name} has conditions but step {name!r} uses "
            f"{ref.step.get('node')!r}, which is not an if-else node",
            config_pointer + "/conditions",
        )


def _condition_rules(conditions: list[Any], pointer: str) -> Iterator[Issue]:
    last = len(conditions) - 1
    for index, condition in enumerate(conditions):
        if not isinstance(condition, dict):
            continue
        if condition.get("type") == "else" and 0 < index < last:
            yield Issue(
                "else_not_last",
                f'"else" must be the last condition (it is #{index + 1} of {last + 1});'
                " move it to the end, conditions after it can never match",
                f"{pointer}/{index}/type",
            )
        text = condition.get("condition")
        if isinstance(text, str) and (text.lstrip().startswith("js/") or "${" in text):
            yield _warn(
                "condition_syntax",
                "a condition is a bare JavaScript expression; drop the js/ prefix and ${...} wrappers",
                f"{pointer}/{index}/condition",
            )


def _placeholder_rules(inputs: dict[str, Any], pointer: str) -> Iterator[Issue]:
    for parent, token, _key, text in iter_strings(inputs, pointer):
        start = text.find("${")
        while start != -1:
            end = text.find("}", start + 2)
            if end == -1:
                yield _warn(
                    "placeholder_brace",
                    "a ${ placeholder is never closed with }; it is left as text",
                    join_pointer(parent, token),
                )
                break
            if "{" in text[start + 2 : end]:
                yield _warn(
                    "placeholder_brace",
                    "a ${...} placeholder ends at the first }, but this expression "
                    "contains { } - it will be cut short; use a js/ expression for the whole value",
                    join_pointer(parent, token),
                )
                break
            start = text.find("${", end + 1)
