"""Near-duplicate folding and MMR: behaviour on hand-made vectors, and agreement with the textbook definitions."""

from __future__ import annotations

import numpy as np
import pytest

from blokhub.recommend.diversity import NEAR_DUPLICATE, Candidate, collapse, mmr


def unit(*values: float) -> np.ndarray:
    v = np.zeros(384, dtype=np.float32)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


def test_collapse_folds_clones_and_near_duplicates_into_the_earliest() -> None:
    original = Candidate(1, 0.80, unit(1, 0), "h1", created_at=10)
    clone = Candidate(2, 0.90, unit(0, 1), "h1", created_at=20)  # same hash, whatever its vector
    reworded = Candidate(3, 0.85, unit(1, 0.05), None, created_at=30)  # cosine ~0.999 to the original
    other = Candidate(4, 0.70, unit(0, 0, 1), "h4", created_at=5)
    out = collapse([clone, reworded, other, original])
    assert [c.id for c in out] == [1, 4]
    assert out[0].copies == 2 and out[0].score == pytest.approx(0.90)  # best relevance of its group
    assert out[1].copies == 0


def test_mmr_prefers_a_different_idea_over_a_second_copy_of_the_first() -> None:
    best = Candidate(1, 0.90, unit(1, 0), None, 0)
    twin = Candidate(2, 0.89, unit(1, 0.1), None, 0)
    different = Candidate(3, 0.80, unit(0, 1), None, 0)
    assert [c.id for c in mmr([best, twin, different], 2)] == [1, 3]
    assert [c.id for c in mmr([best, twin, different], 2, lam=1.0)] == [1, 2]  # pure relevance
    assert mmr([], 3) == [] and len(mmr([best], 5)) == 1


def reference_collapse(candidates: list[Candidate]) -> list[tuple[int, int, float]]:
    kept: list[Candidate] = []
    for c in sorted(candidates, key=lambda c: c.created_at):
        for k in kept:
            if (c.canonical_hash is not None and c.canonical_hash == k.canonical_hash) or float(
                np.dot(c.vector, k.vector)
            ) >= NEAR_DUPLICATE:
                k.copies += 1
                k.score = max(k.score, c.score)
                break
        else:
            kept.append(Candidate(c.id, c.score, c.vector, c.canonical_hash, c.created_at))
    return sorted(((k.id, k.copies, k.score) for k in kept), key=lambda t: -t[2])


def reference_mmr(candidates: list[Candidate], k: int, lam: float = 0.7) -> list[int]:
    chosen: list[Candidate] = []
    pool = list(candidates)
    while pool and len(chosen) < k:
        best = max(
            pool,
            key=lambda c: (
                lam * c.score - (1 - lam) * max((float(np.dot(c.vector, s.vector)) for s in chosen), default=0.0)
            ),
        )
        chosen.append(best)
        pool.remove(best)
    return [c.id for c in chosen]


@pytest.mark.parametrize("seed", range(20))
def test_matches_the_textbook_definitions_on_random_candidates(seed: int) -> None:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((6, 384))
    candidates = []
    for i in range(50):
        # Clusters around a few centres, so near-duplicates and redundancy both occur.
        v = centres[i % 6] + rng.standard_normal(384) * rng.choice([0.05, 0.5, 2.0])
        v = (v / np.linalg.norm(v)).astype(np.float32)
        digest = f"h{rng.integers(0, 60)}" if rng.random() < 0.5 else None  # rare shared hashes
        candidates.append(Candidate(i, float(rng.random()), v, digest, float(rng.integers(0, 1000))))
    folded = collapse(candidates)
    assert [(c.id, c.copies, c.score) for c in folded] == reference_collapse(
        [Candidate(c.id, c.score, c.vector, c.canonical_hash, c.created_at) for c in candidates]
    )
    assert [c.id for c in mmr(folded, 10)] == reference_mmr(folded, 10)
