"""diff() for v2 documents, and for a change of dialect between two versions.

The same rules as v1 (``changes``): canonical forms are compared, steps are matched by id wherever they sit, an
added or removed step carries its inputs, other input changes are reported at the leaf (``kind: "node"``, e.g.
``/steps/1/forEach/do/0/inputs/url``), and a control-flow block's own settings (``when``, ``mode``, ``as`` …) are
compared without the steps nested in it, which are matched like every other step. When one side is v1 it is first
converted to v2 (lossless), so an author who moves a workflow to v2 sees what changed, not every line.
"""

from __future__ import annotations

from typing import Any

from blokhub.blok.canonical_form import canonical
from blokhub.blok.changes import _MISSING, Change, _compare, _moved_steps, _ordered_union, field_changes, summary
from blokhub.blok.changes import diff as diff_v1
from blokhub.blok.dialect import V2_BLOCKS, Dialect, dialect_of
from blokhub.blok.errors import BlokConversionError
from blokhub.blok.model import ModelStep, model_steps
from blokhub.blok.to_v2 import to_v2


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """What changed between two versions, in either dialect."""
    if dialect_of(old) is Dialect.V1 and dialect_of(new) is Dialect.V1:
        return diff_v1(old, new)
    return diff_v2(old, new)


def as_v2(doc: dict[str, Any]) -> dict[str, Any] | None:
    if dialect_of(doc) is Dialect.V2:
        return doc
    try:
        return to_v2(doc)
    except BlokConversionError:
        return None


def diff_v2(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Changes between two documents of which at least one is v2 (both read as v2)."""
    old_v2, new_v2 = as_v2(old), as_v2(new)
    if old_v2 is None or new_v2 is None:
        changes: list[Change] = []
        _compare(canonical(old), canonical(new), "", "", "meta", None, changes)
        return changes
    before, after = canonical(old_v2), canonical(new_v2)
    changes = []
    for key in _ordered_union(before, after):
        if key not in ("trigger", "steps"):
            _compare(before.get(key, _MISSING), after.get(key, _MISSING), "/" + key, "/" + key, "meta", None, changes)
    _compare(
        before.get("trigger", _MISSING),
        after.get("trigger", _MISSING),
        "/trigger",
        "/trigger",
        "trigger",
        None,
        changes,
    )
    _step_changes(model_steps(before, Dialect.V2), model_steps(after, Dialect.V2), changes)
    return changes


def _key(step: ModelStep) -> str:
    return step.id if step.id is not None else "\0" + step.pointer


def _own_fields(step: ModelStep) -> dict[str, Any]:
    """The step without its id, its inputs and the steps nested in its block."""
    fields = {key: value for key, value in step.step.items() if key not in ("id", "inputs")}
    body = fields.get(step.kind)
    if step.kind in V2_BLOCKS and isinstance(body, dict):
        nested = V2_BLOCKS[step.kind]
        own = {key: value for key, value in body.items() if key not in nested}
        if step.kind == "switch" and isinstance(body.get("cases"), list):
            own["cases"] = [
                {k: v for k, v in case.items() if k != "do"} if isinstance(case, dict) else case
                for case in body["cases"]
            ]
        fields[step.kind] = own
    return fields


def _step_changes(old_steps: list[ModelStep], new_steps: list[ModelStep], out: list[Change]) -> None:
    old_by: dict[str, list[ModelStep]] = {}
    for step in old_steps:
        old_by.setdefault(_key(step), []).append(step)
    pairs: dict[int, ModelStep] = {}
    taken: dict[str, int] = {}
    for step in new_steps:
        key = _key(step)
        candidates = old_by.get(key, [])
        used = taken.get(key, 0)
        if used < len(candidates):
            pairs[id(step)] = candidates[used]
            taken[key] = used + 1
    moved = _moved_steps(new_steps, pairs)  # type: ignore[arg-type]
    for step in new_steps:
        earlier = pairs.get(id(step))
        if earlier is None:
            out.append(Change("added", "step", step.pointer, step.id, None, summary(step.step)))
            continue
        if (change := field_changes(step.pointer, step.id, _own_fields(earlier), _own_fields(step))) is not None:
            out.append(change)
        if id(step) in moved:
            out.append(Change("changed", "step", step.pointer, step.id, *moved[id(step)]))
        old_inputs = earlier.step.get("inputs", _MISSING)
        new_inputs = step.step.get("inputs", _MISSING)
        _compare(old_inputs, new_inputs, earlier.pointer + "/inputs", step.pointer + "/inputs", "node", step.id, out)
    paired = {id(step) for step in pairs.values()}
    for step in old_steps:
        if id(step) not in paired:
            out.append(Change("removed", "step", step.pointer, step.id, summary(step.step), None))
