"""Near-duplicate collapsing and maximal marginal relevance over candidate vectors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from blokhub.indexers.vectors import Vector

NEAR_DUPLICATE = 0.97  # cosine at or above which two workflows are the same idea written twice
MMR_LAMBDA = 0.7  # 1: pure relevance; lower trades relevance for variety


@dataclass(slots=True)
class Candidate:
    id: int
    score: float  # relevance (cosine to the query or source)
    vector: Vector
    canonical_hash: str | None
    created_at: float
    copies: int = 0  # near-duplicates folded into this one


def collapse(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Fold near-duplicates (same canonical hash, or cosine >= NEAR_DUPLICATE) into the earliest published one,
    which keeps the best relevance of its group."""
    kept: list[Candidate] = []
    for c in sorted(candidates, key=lambda c: c.created_at):
        for k in kept:
            same = c.canonical_hash is not None and c.canonical_hash == k.canonical_hash
            if same or float(np.dot(c.vector, k.vector)) >= NEAR_DUPLICATE:
                k.copies += 1
                k.score = max(k.score, c.score)
                break
        else:
            kept.append(Candidate(c.id, c.score, c.vector, c.canonical_hash, c.created_at))
    return sorted(kept, key=lambda c: -c.score)


def mmr(candidates: Sequence[Candidate], k: int, lam: float = MMR_LAMBDA) -> list[Candidate]:
    """Pick k items balancing relevance against similarity to what is already picked."""
    chosen: list[Candidate] = []
    pool = list(candidates)
    while pool and len(chosen) < k:

        def gain(c: Candidate) -> float:
            redundancy = max((float(np.dot(c.vector, s.vector)) for s in chosen), default=0.0)
            return lam * c.score - (1 - lam) * redundancy

        best = max(pool, key=gain)
        chosen.append(best)
        pool.remove(best)
    return chosen
