"""What counts as a user's own work for discovery: what they published, copies of it (the same canonical hash) and
forks of it at any depth. Recommendations and similar lists leave it out: it is not a discovery."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.models import Workflow

# Lineage is walked upwards from the few candidates (bounded depth), never down from all of a user's work.
_OWN = text("""
WITH RECURSIVE up(start, id, depth) AS (
    SELECT w.id, w.id, 0 FROM workflows w WHERE w.id = ANY(:ids)
    UNION ALL
    SELECT up.start, w.forked_from_id, up.depth + 1
    FROM up JOIN workflows w ON w.id = up.id
    WHERE w.forked_from_id IS NOT NULL AND up.depth < 64
)
SELECT DISTINCT up.start FROM up JOIN workflows o ON o.id = up.id WHERE o.owner_id = :me
UNION
SELECT c.id FROM workflows c
WHERE c.id = ANY(:ids)
  AND c.canonical_hash IN (SELECT m.canonical_hash FROM workflows m WHERE m.owner_id = :me AND m.deleted_at IS NULL)
""")

# The owner's own copies of one workflow: same definition, near-identical meaning, or in its lineage.
_OWNER_COPIES = text("""
SELECT c.id FROM workflows c
WHERE c.id = ANY(:ids) AND c.owner_id = :owner
  AND (c.canonical_hash = :hash OR c.forked_from_id = :source OR c.id = :parent OR c.id = ANY(:near))
""")


async def own_work(db: AsyncSession, user_id: int, ids: Collection[int]) -> set[int]:
    """Those of ``ids`` that are ``user_id``'s work, a copy of it, or a fork of it (at any depth)."""
    if not ids:
        return set()
    return set((await db.scalars(_OWN, {"me": user_id, "ids": list(ids)})).all())


async def owner_copies(
    db: AsyncSession,
    source: Workflow,
    ids: Collection[int],
    near: Collection[int],
) -> set[int]:
    """Those of ``ids`` that are the source owner's own re-import (same file, or ``near``: near-identical meaning)
    or fork of the source, or what it forks: the same work again, not a neighbour."""
    if not ids:
        return set()
    params = {
        "ids": list(ids),
        "owner": source.owner_id,
        "hash": source.canonical_hash,
        "source": source.id,
        "parent": source.forked_from_id,
        "near": list(near),
    }
    return set((await db.scalars(_OWNER_COPIES, params)).all())
