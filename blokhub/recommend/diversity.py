"""Near-duplicate collapsing and maximal marginal relevance over candidate vectors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from blokhub.indexers.vectors import Vector

NEAR_DUPLICATE = 0.97  # cosine at or above which two workflows are the same idea written twice
MMR_LAMBDA = 0.7  # 1: pure relevance; lower trades relevance for variety


def candidates(limit: int) -> int:
    """How many neighbours to fetch for `limit` diverse results: enough slack for folding and MMR (3x), at least
    30. Each one costs its vector's transfer from the index, the largest share of a similar request's CPU."""
    return max(30, 3 * limit)


@dataclass(slots=True)
class Candidate:
    id: int
    score: float  # relevance (cosine to the query or source)
    vector: Vector
    canonical_hash: str | None
    created_at: float
    copies: int = 0  # near-duplicates folded into this one


def _similarities(candidates: Sequence[Candidate]) -> np.ndarray:
    """Pairwise cosines (the vectors are unit length): one matrix product instead of a dot per pair in Python."""
    vectors = np.stack([c.vector for c in candidates]).astype(np.float32, copy=False)
    sims: np.ndarray = vectors @ vectors.T
    return sims


def collapse(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Fold near-duplicates (same canonical hash, or cosine >= NEAR_DUPLICATE) into the earliest published one,
    which keeps the best relevance of its group."""
    if not candidates:
        return []
    order = sorted(range(len(candidates)), key=lambda i: candidates[i].created_at)
    near = _similarities([candidates[i] for i in order]) >= NEAR_DUPLICATE  # in publication order
    is_kept = np.zeros(len(order), dtype=bool)
    groups: dict[int, Candidate] = {}  # position in publication order -> its group
    first_with_hash: dict[str, int] = {}
    for pos, i in enumerate(order):
        c = candidates[i]
        # The earliest kept item that is the same idea, by hash or by cosine.
        same = np.flatnonzero(near[pos] & is_kept)
        matches = [int(same[0])] if same.size else []
        if c.canonical_hash in first_with_hash:
            matches.append(first_with_hash[c.canonical_hash])
        if matches:
            group = groups[min(matches)]
            group.copies += 1
            group.score = max(group.score, c.score)
        else:
            is_kept[pos] = True
            groups[pos] = Candidate(c.id, c.score, c.vector, c.canonical_hash, c.created_at)
            if c.canonical_hash is not None:
                first_with_hash[c.canonical_hash] = pos
    return sorted(groups.values(), key=lambda c: -c.score)


def mmr(candidates: Sequence[Candidate], k: int, lam: float = MMR_LAMBDA) -> list[Candidate]:
    """Pick k items balancing relevance against similarity to what is already picked."""
    if not candidates or k <= 0:
        return []
    sims = _similarities(candidates)
    relevance = lam * np.array([c.score for c in candidates], dtype=np.float64)
    redundancy = np.zeros(len(candidates))  # max cosine to anything chosen (0 before the first pick)
    available = np.ones(len(candidates), dtype=bool)
    chosen: list[Candidate] = []
    while len(chosen) < min(k, len(candidates)):
        gains = np.where(available, relevance - (1 - lam) * redundancy, -np.inf)
        best = int(np.argmax(gains))  # the first of equal gains, as candidates are ordered
        chosen.append(candidates[best])
        available[best] = False
        column = sims[:, best]
        redundancy = column if len(chosen) == 1 else np.maximum(redundancy, column)
    return chosen
