"""Random structural mutations of a workflow document, shared by the fuzz-style agreement tests of both dialects:
the hand-written checkers must agree with the JSON schema on every mutant."""

from __future__ import annotations

import copy
import random
from collections.abc import Sequence
from typing import Any


def containers(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into `value`, the root included."""
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += containers(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += containers(child, (*path, index))
    return found


def mutate(rng: random.Random, doc: Any, samples: Sequence[Any], keys: Sequence[str], replace: float) -> Any:
    """A copy of `doc` with one place replaced (share `replace`), deleted, inserted into, or given a new key."""
    doc = copy.deepcopy(doc)
    path = rng.choice(containers(doc)[1:])
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    action = rng.random()
    if action < replace:
        parent[path[-1]] = copy.deepcopy(rng.choice(samples))
    elif action < 0.8 and isinstance(parent, dict):
        del parent[path[-1]]
    elif isinstance(parent, list):
        parent.insert(path[-1], copy.deepcopy(rng.choice(samples)))
    else:
        parent[rng.choice(keys)] = copy.deepcopy(rng.choice(samples))
    return doc
