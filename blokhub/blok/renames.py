"""Which unmatched steps were renamed rather than removed and added: same node package, same steps list, and a
configuration (its ``nodes`` entry) that is mostly the same. A rename is reported as one change, and the
configuration is then compared value by value, so a changed URL under a renamed step is still shown."""

from __future__ import annotations

import difflib
import json
from typing import Any

from blokhub.blok.walk import StepRef

SAME_ENOUGH = 0.6  # similarity of the two configurations (as JSON text) from which a pair is a rename


def _similarity(old: Any, new: Any) -> float:
    a, b = json.dumps(old, sort_keys=True), json.dumps(new, sort_keys=True)
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def renamed_steps(
    removed: list[StepRef], added: list[StepRef], old_nodes: dict[str, Any], new_nodes: dict[str, Any]
) -> list[tuple[StepRef, StepRef]]:
    """(old, new) pairs of renamed steps, best matches first; every step in at most one pair."""
    scored: list[tuple[float, int, int]] = []
    for i, old in enumerate(removed):
        for j, new in enumerate(added):
            if old.name is None or new.name is None or old.step.get("node") != new.step.get("node"):
                continue
            if old.list_pointer != new.list_pointer and old.ancestors != new.ancestors:
                continue
            score = _similarity(old_nodes.get(old.name), new_nodes.get(new.name))
            if score >= SAME_ENOUGH:
                scored.append((score, i, j))
    pairs: list[tuple[StepRef, StepRef]] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    for _, i, j in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((removed[i], added[j]))
    return sorted(pairs, key=lambda p: added.index(p[1]))
