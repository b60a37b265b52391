"""Semantic checks for v2 documents beyond the schema, each with a code and a JSON pointer.

Errors are what the v2 loader (``WorkflowNormalizer``) throws on: step ids repeated anywhere (all steps share one
flat configuration map, so even ids in exclusive arms collide), a step that sets both ``name`` and ``id`` or both
``node`` and ``use``, ``as`` together with ``spread``, a forEach variable that shadows a step id, and a structural
``$ref``/``$tpl`` in a control position (only inputs are lowered). Warnings are what the loader warns about or
what will not do what the author meant: the deprecated ``"*"`` method, a ``$ref`` to a step that does not exist,
a ``js/`` prefix on a condition, a ``${`` placeholder cut short by ``}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blokhub.blok.errors import Issue, join_pointer
from blokhub.blok.lint import _placeholder_rules, route_problem
from blokhub.blok.model import ModelStep
from blokhub.blok.v2_schema import is_structural

PSEUDO_STEPS = frozenset({"@trigger", "@error"})
_CONTROL_FIELDS = {"branch": ("when",), "loop": ("while",), "switch": ("on",), "forEach": ("in",)}


def _warn(code: str, message: str, pointer: str) -> Issue:
    return Issue(code, message, pointer, severity="warning")


def v2_lint_issues(doc: dict[str, Any], steps: list[ModelStep]) -> list[Issue]:
    issues: list[Issue] = list(_trigger_rules(doc))
    seen: dict[str, str] = {}
    known = set(PSEUDO_STEPS)
    for step in steps:
        if step.id is not None:
            known.add(step.id)
        if isinstance(step.step.get("as"), str):
            known.add(step.step["as"])
        body = step.step.get("forEach")
        if isinstance(body, dict) and isinstance(body.get("as"), str):
            known.update((body["as"], body["as"] + "Index"))
        published = step.inputs.get("name") if step.inputs and (step.node or "").endswith("ctx-publish") else None
        if isinstance(published, str):
            known.add(published)
    check_refs = not _has_middleware(doc)  # middleware may put anything into ctx.state
    for step in steps:
        issues.extend(_identity_rules(step, seen))
        issues.extend(_control_rules(step))
        if step.inputs is not None and step.inputs_pointer is not None:
            issues.extend(_ref_rules(step.inputs, step.inputs_pointer, known if check_refs else None))
            issues.extend(_placeholder_rules(step.inputs, step.inputs_pointer))
    issues.extend(_foreach_collisions(steps, seen))
    return issues


def _trigger_rules(doc: dict[str, Any]) -> Iterator[Issue]:
    trigger = doc.get("trigger")
    http = trigger.get("http") if isinstance(trigger, dict) else None
    if not isinstance(http, dict):
        return
    if http.get("method") == "*":
        yield _warn(
            "wildcard_method",
            'method "*" is deprecated in v2 (the loader rewrites it); write "ANY" to accept every method',
            "/trigger/http/method",
        )
    path = http.get("path")
    problem = route_problem(path) if isinstance(path, str) else None
    if problem:
        yield Issue("invalid_path", f"trigger path {path!r} {problem}", "/trigger/http/path")


def _identity_rules(step: ModelStep, seen: dict[str, str]) -> Iterator[Issue]:
    raw, pointer = step.step, step.pointer
    if "name" in raw and "id" in raw:
        yield Issue("dialect_conflict", "a step sets both `name` (v1) and `id` (v2); keep `id`", pointer + "/name")
    if "node" in raw and "use" in raw:
        yield Issue("dialect_conflict", "a step sets both `node` (v1) and `use` (v2); keep `use`", pointer + "/node")
    elif "node" in raw and step.kind == "node":
        yield _warn("v1_field", "v2 names the node to run with `use`; rename `node` to `use`", pointer + "/node")
    if isinstance(raw.get("as"), str) and raw.get("spread") is True:
        yield Issue("as_and_spread", "`as` and `spread: true` are mutually exclusive; keep one", pointer + "/spread")
    ident = raw.get("id")
    if isinstance(ident, str) and ident:
        first = seen.get(ident)
        if first is not None:
            yield Issue(
                "duplicate_step_id",
                f"step id {ident!r} is already used at {first}; ids must be unique across the whole workflow, "
                "branches included (use `as` when two arms should write the same state key)",
                pointer + "/id",
            )
        else:
            seen[ident] = pointer
    legacy = raw.get("ui", {}).get("v1") if isinstance(raw.get("ui"), dict) else None
    if isinstance(legacy, dict) and legacy.get("set_var") is True:
        yield _warn(
            "converted_set_var",
            "converted from a v1 step with set_var: true; in v2 this step's output also becomes the next step's "
            "input (ctx.prev), where v1 left ctx.response unchanged",
            pointer + "/ui/v1/set_var",
        )


def _control_rules(step: ModelStep) -> Iterator[Issue]:
    body = step.step.get(step.kind)
    if not isinstance(body, dict):
        return
    base = f"{step.pointer}/{step.kind}"
    for key in _CONTROL_FIELDS.get(step.kind, ()):
        value = body.get(key)
        if is_structural(value):
            yield Issue(
                "ref_in_control",
                f"{step.kind}.{key} takes an expression or a literal, not a structural reference; "
                "write the path directly (e.g. js/ctx.state.fetch.items)",
                f"{base}/{key}",
            )
        elif (
            key in ("when", "while") and isinstance(value, str) and (value.lstrip().startswith("js/") or "${" in value)
        ):
            yield _warn(
                "condition_syntax",
                f"{step.kind}.{key} is a bare JavaScript expression; drop the js/ prefix and ${{...}} wrappers",
                f"{base}/{key}",
            )
    cases = body.get("cases") if step.kind == "switch" else None
    for index, case in enumerate(cases if isinstance(cases, list) else ()):
        if isinstance(case, dict) and is_structural(case.get("when")):
            yield Issue(
                "ref_in_control",
                "a switch case's `when` takes a literal (or a list of literals), not a structural reference",
                f"{base}/cases/{index}/when",
            )


def _has_middleware(doc: dict[str, Any]) -> bool:
    trigger = doc.get("trigger")
    settings = trigger.values() if isinstance(trigger, dict) else ()
    return "middleware" in doc or any(isinstance(s, dict) and s.get("middleware") for s in settings)


def _ref_rules(inputs: Any, pointer: str, known: set[str] | None) -> Iterator[Issue]:
    stack: list[tuple[Any, str]] = [(inputs, pointer)]
    while stack:
        value, here = stack.pop()
        if isinstance(value, dict):
            if "$ref" in value:
                yield from _one_ref(value, here, known)
                continue
            if "$tpl" in value and not isinstance(value.get("$tpl"), list):
                yield Issue("invalid_ref", '"$tpl" must be a list of text and {"$ref": ...} parts', here + "/$tpl")
            stack.extend((child, join_pointer(here, key)) for key, child in value.items())
        elif isinstance(value, list):
            stack.extend((child, f"{here}/{index}") for index, child in enumerate(value))


def _one_ref(value: dict[str, Any], here: str, known: set[str] | None) -> Iterator[Issue]:
    ref = value["$ref"]
    shape_ok = (
        len(value) == 1
        and isinstance(ref, dict)
        and isinstance(ref.get("step"), str)
        and bool(ref["step"])
        and set(ref) <= {"step", "path"}
        and (
            "path" not in ref
            or (
                isinstance(ref["path"], list)
                and all(isinstance(p, str | int) and not isinstance(p, bool) for p in ref["path"])
            )
        )
    )
    if not shape_ok:
        yield Issue(
            "invalid_ref",
            'a reference is {"$ref": {"step": "<step id>", "path": ["field", 0]}} and nothing else',
            here + "/$ref",
        )
    elif known is not None and ref["step"] not in known:
        yield _warn(
            "unknown_ref",
            f"$ref names {ref['step']!r}, which no step of this workflow defines (the request is @trigger); "
            "fine only if a global middleware puts it into ctx.state",
            here + "/$ref/step",
        )


def _foreach_collisions(steps: list[ModelStep], ids: dict[str, str]) -> Iterator[Issue]:
    for step in steps:
        body = step.step.get("forEach") if step.kind == "forEach" else None
        name = body.get("as") if isinstance(body, dict) else None
        if not isinstance(name, str):
            continue
        for key in (name, name + "Index"):
            if key in ids:
                yield Issue(
                    "foreach_collision",
                    f"forEach variable {key!r} shares ctx.state with the step of that id at {ids[key]}; rename one",
                    f"{step.pointer}/forEach/as",
                )
