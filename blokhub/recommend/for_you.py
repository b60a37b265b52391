""" "For you": Qdrant recommend from what the user favorited, rated well, published and forked, away from what they
rated badly; never their own or already-favorited workflows. Each item says which of their choices led to it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from blokhub.db.models import User, Visibility
from blokhub.indexers.vectors import VectorEngine, VectorFilter
from blokhub.recommend.diversity import NEAR_DUPLICATE, Candidate, candidates, collapse, mmr
from blokhub.runtime.pg_pool import BarePool

# Signals read per kind (favorites, reviews, own workflows), most recent first: all of them are left out of the
# results and quoted in reasons.
MAX_EXAMPLES = 12
# Of those, the query takes the most recent few: the user's current taste. best_score compares every candidate it
# visits with every example, so its cost grows with them, and on the HNSW walk its recall falls as they spread
# (measured at 100k against an exact scan: 0.55 of the true top 30 with 6 examples, 0.32 with 18, 0.14 with 36).
QUERY_POSITIVES = 8
QUERY_NEGATIVES = 4


# One round trip for every signal, with the titles the reasons quote (a fork's original's title included).
# A bare statement on the request path's asyncpg pool (no session: see api/workflows/summaries.py).
_SIGNALS = f"""
(SELECT 'favorited' AS kind, w.id, w.title, NULL::bigint AS original, NULL::text AS original_title, 0 AS stars,
        f.created_at AS at
   FROM favorites f JOIN workflows w ON w.id = f.workflow_id
  WHERE f.user_id = $1 ORDER BY f.created_at DESC LIMIT $2)
UNION ALL
(SELECT 'rated', w.id, w.title, NULL, NULL, r.stars, r.updated_at
   FROM reviews r JOIN workflows w ON w.id = r.workflow_id
  WHERE r.user_id = $1 ORDER BY r.updated_at DESC LIMIT $2)
UNION ALL
(SELECT 'published', w.id, w.title, o.id, o.title, 0, w.created_at
   FROM workflows w LEFT JOIN workflows o ON o.id = w.forked_from_id
  WHERE w.owner_id = $1 AND w.deleted_at IS NULL AND w.visibility = '{Visibility.PUBLIC}'
  ORDER BY w.created_at DESC LIMIT $2)
"""


@dataclass
class Signals:
    positives: dict[int, str] = field(default_factory=dict)  # workflow id -> how the user chose it
    negatives: list[int] = field(default_factory=list)
    favorited: list[int] = field(default_factory=list)
    titles: dict[int, str] = field(default_factory=dict)
    at: dict[int, datetime] = field(default_factory=dict)  # when the user last chose it (positives and negatives)

    def recent(self, ids: Iterable[int], n: int) -> list[int]:
        return sorted(ids, key=lambda wid: self.at[wid], reverse=True)[:n]


async def signals(pool: BarePool, user: User) -> Signals:
    """What the user favorited, rated (well: positive; badly: negative) and published, most recent first; a fork
    also counts for its original. A favorite wins over a rating, a rating over publishing."""
    out = Signals()
    for kind, wid, title, original, original_title, stars, at in await pool.fetch(_SIGNALS, user.id, MAX_EXAMPLES):
        out.titles[wid] = title
        out.at[wid] = max(at, out.at.get(wid, at))
        if kind == "favorited":
            out.favorited.append(wid)
            out.positives.setdefault(wid, "favorited")
        elif kind == "rated" and stars >= 4:
            out.positives.setdefault(wid, f"rated {stars} stars")
        elif kind == "rated" and stars <= 2:
            out.negatives.append(wid)
        elif kind == "published":
            out.positives.setdefault(wid, "published")
            if original is not None:
                out.positives.setdefault(original, "forked")
                out.titles.setdefault(original, original_title)
                out.at[original] = max(at, out.at.get(original, at))
    return out


async def for_you(vectors: VectorEngine, pool: BarePool, user: User, limit: int) -> list[tuple[int, float, str]] | None:
    """(id, score, reason) ranked for ``user``; None on a cold start (nothing to learn from yet)."""
    taste = await signals(pool, user)
    positives = taste.positives
    if not positives:
        return None
    chosen, against = taste.recent(positives, QUERY_POSITIVES), taste.recent(taste.negatives, QUERY_NEGATIVES)
    # The examples' vectors are read once: the query takes them, and so do the reasons below.
    stored = await vectors.vectors([*chosen, *against])
    hits = await vectors.recommend(
        chosen,
        against,
        candidates(limit),
        # Every signal stays out of the results, not only the examples the query takes (Qdrant drops those).
        VectorFilter(exclude_ids=sorted({*taste.favorited, *positives, *taste.negatives}), exclude_owner_ids=[user.id]),
        with_vectors=True,
        examples=stored,
    )
    if not hits:
        return None
    # A hit's score is its cosine to the closest example: at NEAR_DUPLICATE it is a copy of something the user
    # already has (a fork of their favorite, a re-post of their own workflow), not a discovery.
    hits = [h for h in hits if h.score < NEAR_DUPLICATE]
    example_ids = [wid for wid in chosen if wid in stored]
    found = [
        Candidate(h.id, h.score, h.vector, h.payload.get("canonical_hash"), float(h.payload.get("created_at", 0)))
        for h in hits
        if h.vector is not None
    ]
    picked = mmr(collapse(found), limit)
    if not picked or not example_ids:  # (examples deleted since the query: no reason to quote)
        return [(c.id, c.score, "close to what you like") for c in picked]
    # The example each item is closest to is the honest reason it is here.
    examples = np.stack([stored[wid] for wid in example_ids])
    closest = np.argmax(np.stack([c.vector for c in picked]) @ examples.T, axis=1)
    out = []
    for c, e in zip(picked, closest, strict=True):
        wid = example_ids[int(e)]
        out.append((c.id, c.score, f"because you {positives[wid]} “{taste.titles.get(wid, 'a workflow')}”"))
    return out
