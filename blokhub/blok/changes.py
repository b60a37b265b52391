"""diff(): what changed between two versions of a workflow, in terms an author recognises.

Both sides are compared in canonical form, so reformatting, key order and spelled-out defaults are never
changes.
Steps are matched by name rather than by position: inserting a step is one "added" change, not a cascade of
changes to every later index. A step whose name changed but whose node and configuration mostly did not is one
"renamed" change (before/after ``{"name"}``), not a removal and an addition. Configuration is always reported at the
leaf, e.g. ``/nodes/get-facts/inputs/url`` with its before and after — a new or removed step's inputs included, and a
renamed step's configuration compared under its old and new names.
"""

from __future__ import annotations

import bisect
import difflib
import json
from dataclasses import dataclass
from typing import Any

from blokhub.blok.canonical_form import canonical
from blokhub.blok.errors import join_pointer
from blokhub.blok.renames import renamed_steps
from blokhub.blok.walk import StepRef, iter_steps, node_configs

_STEP_DEFAULTS = {"active": True, "stop": False, "set_var": False}
_SUMMARY_CHARS = 200


@dataclass(frozen=True, slots=True)
class Change:
    op: str  # "added" | "removed" | "changed" | "renamed"
    kind: str  # "step" | "node" | "trigger" | "meta"
    pointer: str  # in the new document, or in the old one for "removed"
    name: str | None = None
    before: Any = None
    after: Any = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.op, "kind": self.kind, "pointer": self.pointer, "name": self.name}
        if self.op != "added":
            out["before"] = self.before
        if self.op != "removed":
            out["after"] = self.after
        return out


def summary(value: Any) -> Any:
    """A small stand-in for ``value``: itself when short, else a truncated string or a shape description."""
    if isinstance(value, str):
        return value if len(value) <= _SUMMARY_CHARS else value[:_SUMMARY_CHARS] + "…"
    if isinstance(value, dict | list):
        if len(json.dumps(value, ensure_ascii=False)) <= _SUMMARY_CHARS:
            return value
        return {"keys": list(value)[:20]} if isinstance(value, dict) else {"items": len(value)}
    return value


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    before, after = canonical(old), canonical(new)
    changes: list[Change] = []
    for key in _ordered_union(before, after):
        if key not in ("trigger", "steps", "nodes"):
            _compare(
                before.get(key, _MISSING),
                after.get(key, _MISSING),
                "/" + key,
                "/" + key,
                "meta",
                None,
                changes,
            )
    _compare(
        before.get("trigger", _MISSING),
        after.get("trigger", _MISSING),
        "/trigger",
        "/trigger",
        "trigger",
        None,
        changes,
    )
    renames = _step_changes(before, after, changes)
    _node_changes(before, after, renames, changes)
    return changes


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()


def field_changes(pointer: str, name: str | None, old: dict[str, Any], new: dict[str, Any]) -> Change | None:
    """One "changed" entry with the step's own fields that differ (before/after), or None when none do."""
    changed = [key for key in _ordered_union(old, new) if old.get(key, _MISSING) != new.get(key, _MISSING)]
    if not changed:
        return None
    return Change("changed", "step", pointer, name, {k: old.get(k) for k in changed}, {k: new.get(k) for k in changed})


def _ordered_union(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [*after, *(key for key in before if key not in after)]


def _compare(old: Any, new: Any, old_ptr: str, new_ptr: str, kind: str, name: str | None, out: list[Change]) -> None:
    if type(old) is type(new) and old == new:
        return
    if old is _MISSING and kind == "node" and isinstance(new, dict) and new:
        for key in new:  # every new value, at its leaf
            _compare(_MISSING, new[key], join_pointer(old_ptr, key), join_pointer(new_ptr, key), kind, name, out)
    elif new is _MISSING and kind == "node" and isinstance(old, dict) and old:
        for key in old:
            _compare(old[key], _MISSING, join_pointer(old_ptr, key), join_pointer(new_ptr, key), kind, name, out)
    elif old is _MISSING:
        out.append(Change("added", kind, new_ptr, name, None, summary(new)))
    elif new is _MISSING:
        out.append(Change("removed", kind, old_ptr, name, summary(old), None))
    elif isinstance(old, dict) and isinstance(new, dict):
        for key in _ordered_union(old, new):
            _compare(
                old.get(key, _MISSING),
                new.get(key, _MISSING),
                join_pointer(old_ptr, key),
                join_pointer(new_ptr, key),
                kind,
                name,
                out,
            )
    elif isinstance(old, list) and isinstance(new, list):
        _compare_lists(old, new, old_ptr, new_ptr, kind, name, out)
    else:
        out.append(Change("changed", kind, new_ptr, name, summary(old), summary(new)))


def _compare_lists(
    old: list[Any], new: list[Any], old_ptr: str, new_ptr: str, kind: str, name: str | None, out: list[Change]
) -> None:
    old_keys = [json.dumps(item, sort_keys=True) for item in old]
    new_keys = [json.dumps(item, sort_keys=True) for item in new]
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        paired = min(i2 - i1, j2 - j1)
        for offset in range(paired):
            _compare(
                old[i1 + offset],
                new[j1 + offset],
                f"{old_ptr}/{i1 + offset}",
                f"{new_ptr}/{j1 + offset}",
                kind,
                name,
                out,
            )
        for index in range(i1 + paired, i2):
            out.append(Change("removed", kind, f"{old_ptr}/{index}", name, summary(old[index]), None))
        for index in range(j1 + paired, j2):
            out.append(Change("added", kind, f"{new_ptr}/{index}", name, None, summary(new[index])))


def _step_key(ref: StepRef) -> str:
    return ref.name if ref.name is not None else "\0" + ref.pointer


def _by_name(refs: list[StepRef]) -> dict[str, list[StepRef]]:
    grouped: dict[str, list[StepRef]] = {}
    for ref in refs:
        grouped.setdefault(_step_key(ref), []).append(ref)
    return grouped


def _step_fields(step: dict[str, Any]) -> dict[str, Any]:
    return {**_STEP_DEFAULTS, **{key: value for key, value in step.items() if key != "name"}}


def _step_changes(before: dict[str, Any], after: dict[str, Any], out: list[Change]) -> dict[str, str]:
    """Step changes into ``out``; returns the renames (new name -> old name)."""
    old_refs, new_refs = list(iter_steps(before)), list(iter_steps(after))
    old_by_name, new_by_name = _by_name(old_refs), _by_name(new_refs)
    pairs: dict[int, StepRef] = {}  # id(new ref) -> its old ref
    for key, news in new_by_name.items():
        for earlier, later in zip(old_by_name.get(key, []), news, strict=False):
            pairs[id(later)] = earlier
    matched_old = {id(r) for r in pairs.values()}
    renamed = renamed_steps(
        [r for r in old_refs if id(r) not in matched_old],
        [r for r in new_refs if id(r) not in pairs],
        node_configs(before),
        node_configs(after),
    )
    renames: dict[str, str] = {}
    for was, now in renamed:
        pairs[id(now)] = was
        renames[str(now.name)] = str(was.name)
    moved = _moved_steps(new_refs, pairs)
    for ref in new_refs:
        old_ref = pairs.get(id(ref))
        if old_ref is None:
            out.append(Change("added", "step", ref.pointer, ref.name, None, summary(ref.step)))
            continue
        if old_ref.name != ref.name:
            out.append(Change("renamed", "step", ref.pointer, ref.name, {"name": old_ref.name}, {"name": ref.name}))
        if (
            change := field_changes(ref.pointer, ref.name, _step_fields(old_ref.step), _step_fields(ref.step))
        ) is not None:
            out.append(change)
        if id(ref) in moved:
            out.append(Change("changed", "step", ref.pointer, ref.name, *moved[id(ref)]))
    paired_old = {id(old_ref) for old_ref in pairs.values()}
    for ref in old_refs:
        if id(ref) not in paired_old:
            out.append(Change("removed", "step", ref.pointer, ref.name, summary(ref.step), None))
    return renames


def _moved_steps(
    new_refs: list[StepRef], pairs: dict[int, StepRef]
) -> dict[int, tuple[dict[str, Any], dict[str, Any]]]:
    """Matched steps that changed pipeline, or that left their order relative to the other matched steps."""
    moved: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
    lists: dict[str, list[StepRef]] = {}
    for ref in new_refs:
        partner = pairs.get(id(ref))
        if partner is None:
            continue
        if partner.list_pointer != ref.list_pointer:
            moved[id(ref)] = ({"in": partner.list_pointer}, {"in": ref.list_pointer})
        else:
            lists.setdefault(ref.list_pointer, []).append(ref)
    for refs in lists.values():
        old_ranks = sorted(range(len(refs)), key=lambda i: _index(pairs[id(refs[i])]))
        rank_of = {position: rank for rank, position in enumerate(old_ranks)}
        ranks = [rank_of[position] for position in range(len(refs))]
        keep = _kept_in_order(ranks)
        for position, ref in enumerate(refs):
            if position not in keep:
                moved[id(ref)] = ({"position": _index(pairs[id(ref)])}, {"position": _index(ref)})
    return moved


def _kept_in_order(ranks: list[int]) -> set[int]:
    """Positions of a longest increasing run of old ranks: the steps that stayed in order.

    Ties prefer steps whose relative position did not change, so swapping two steps reports those two.
    Quadratic, so very long pipelines fall back to a plain O(n log n) longest increasing subsequence.
    """
    n = len(ranks)
    if n > 300:
        return _plain_lis(ranks)
    best: list[tuple[int, int]] = []
    previous: list[int] = []
    for i, rank in enumerate(ranks):
        score, link = (1, int(rank == i)), -1
        for j in range(i):
            if ranks[j] < rank:
                candidate = (best[j][0] + 1, best[j][1] + int(rank == i))
                if candidate > score:
                    score, link = candidate, j
        best.append(score)
        previous.append(link)
    position = max(range(n), key=lambda i: best[i]) if n else -1
    kept: set[int] = set()
    while position != -1:
        kept.add(position)
        position = previous[position]
    return kept


def _plain_lis(ranks: list[int]) -> set[int]:
    tails: list[int] = []
    tail_positions: list[int] = []
    previous = [-1] * len(ranks)
    for i, rank in enumerate(ranks):
        slot = bisect.bisect_left(tails, rank)
        if slot == len(tails):
            tails.append(rank)
            tail_positions.append(i)
        else:
            tails[slot] = rank
            tail_positions[slot] = i
        previous[i] = tail_positions[slot - 1] if slot else -1
    kept: set[int] = set()
    position = tail_positions[-1] if tail_positions else -1
    while position != -1:
        kept.add(position)
        position = previous[position]
    return kept


def _index(ref: StepRef) -> int:
    return int(ref.pointer.rsplit("/", 1)[1])


def _node_changes(before: dict[str, Any], after: dict[str, Any], renames: dict[str, str], out: list[Change]) -> None:
    old_nodes, new_nodes = node_configs(before), node_configs(after)
    renamed_from = {old for new, old in renames.items() if old not in new_nodes and new not in old_nodes}
    for name in _ordered_union(old_nodes, new_nodes):
        if name in renamed_from:
            continue  # compared under its new name
        old_name = renames.get(name, name) if name not in old_nodes else name
        old, new = old_nodes.get(old_name, _MISSING), new_nodes.get(name, _MISSING)
        old_ptr, new_ptr = join_pointer("/nodes", old_name), join_pointer("/nodes", name)
        _compare(_without_branch_steps(old), _without_branch_steps(new), old_ptr, new_ptr, "node", name, out)


def _without_branch_steps(config: Any) -> Any:
    # Branch steps are matched by name like every other step; compare only the conditions themselves here.
    if not isinstance(config, dict) or not isinstance(config.get("conditions"), list):
        return config
    conditions = [
        {key: value for key, value in condition.items() if key != "steps"} if isinstance(condition, dict) else condition
        for condition in config["conditions"]
    ]
    return {**config, "conditions": conditions}
