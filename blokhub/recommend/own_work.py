"""What counts as a user's own work for discovery: what they published, copies of it (the same canonical hash) and
forks of it at any depth. Recommendations and similar lists leave it out: it is not a discovery.

Bare statements on the request path's asyncpg pool (no session: see api/workflows/summaries.py)."""

from __future__ import annotations

from collections.abc import Collection

from blokhub.recommend.neighbours import Source
from blokhub.runtime.pg_pool import BarePool

# Lineage is walked upwards from the few candidates (bounded depth), never down from all of a user's work.
_OWN = """
WITH RECURSIVE up(start, id, depth) AS (
    SELECT w.id, w.id, 0 FROM workflows w WHERE w.id = ANY($1::bigint[])
    UNION ALL
    SELECT up.start, w.forked_from_id, up.depth + 1
    FROM up JOIN workflows w ON w.id = up.id
    WHERE w.forked_from_id IS NOT NULL AND up.depth < 64
)
SELECT DISTINCT up.start FROM up JOIN workflows o ON o.id = up.id WHERE o.owner_id = $2
UNION
SELECT c.id FROM workflows c
WHERE c.id = ANY($1::bigint[])
  AND c.canonical_hash IN (SELECT m.canonical_hash FROM workflows m WHERE m.owner_id = $2 AND m.deleted_at IS NULL)
"""

# The owner's own copies of one workflow: same definition, near-identical meaning, or in its lineage.
_OWNER_COPIES = """
SELECT c.id FROM workflows c
WHERE c.id = ANY($1::bigint[]) AND c.owner_id = $2
  AND (c.canonical_hash = $3 OR c.forked_from_id = $4 OR c.id = $5 OR c.id = ANY($6::bigint[]))
"""


async def own_work(pool: BarePool, user_id: int, ids: Collection[int]) -> set[int]:
    """Those of ``ids`` that are ``user_id``'s work, a copy of it, or a fork of it (at any depth)."""
    if not ids:
        return set()
    return {r[0] for r in await pool.fetch(_OWN, list(ids), user_id)}


async def owner_copies(pool: BarePool, source: Source, ids: Collection[int], near: Collection[int]) -> set[int]:
    """Those of ``ids`` that are the source owner's own re-import (same file, or ``near``: near-identical meaning)
    or fork of the source, or what it forks: the same work again, not a neighbour."""
    if not ids:
        return set()
    args = (list(ids), source.owner_id, source.canonical_hash, source.id, source.forked_from_id, list(near))
    return {r[0] for r in await pool.fetch(_OWNER_COPIES, *args)}
