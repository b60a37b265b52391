"""A lagging index never shows private data: not in hits, not in facet counts, not in suggestions.

The index catches up through the outbox; while it lags (Redis down: until the relay's next sweep) it may still hold
a workflow that PostgreSQL no longer lists. Hits are hydrated from PostgreSQL under the listing rule already; here
the same authority corrects what the engine aggregates: the stale workflows (pending outbox events, no longer
listed) are asked of the engine on their own and their share is taken out of the facet counts and the total, and
every tag, user and (while anything is stale) node suggestion must still name something listed.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.models.workflow import listed_sql
from blokhub.indexers.search import SearchEngine, SearchQuery, SearchResult
from blokhub.outbox.registry import MAIN

_LISTED = listed_sql("w")
# Workflows the index may still show but PostgreSQL no longer lists: changed, and not yet re-indexed (the search
# index follows the main lane).
_STALE = text(f"""
SELECT DISTINCT e.aggregate_id
FROM outbox_events e
JOIN workflows w ON w.id = e.aggregate_id
WHERE e.processed_at IS NULL AND e.lane = '{MAIN}' AND e.aggregate_type = 'workflow' AND NOT ({_LISTED})
LIMIT 10000
""")
_TAGS_LISTED = text(
    f"SELECT t FROM unnest(CAST(:values AS text[])) AS t "
    f"WHERE EXISTS (SELECT 1 FROM workflows w WHERE w.tags @> ARRAY[t]::varchar[] AND {_LISTED})"
)
_USERS_LISTED = text(
    "SELECT u.username FROM users u WHERE lower(u.username) = ANY(CAST(:values AS text[])) "
    "AND u.banned_at IS NULL AND u.workflows_count > 0"
)
_NODES_LISTED = text(
    f"SELECT n FROM unnest(CAST(:values AS text[])) AS n "
    f"WHERE EXISTS (SELECT 1 FROM workflows w WHERE w.facts -> 'nodes' ? n AND {_LISTED})"
)


async def stale_ids(db: AsyncSession) -> list[int]:
    return [int(i) for i in (await db.scalars(_STALE)).all()]


async def corrected(
    db: AsyncSession, engine: SearchEngine, query: SearchQuery, result: SearchResult
) -> tuple[dict[str, dict[str, int]], int]:
    """The result's facet counts and total without the stale workflows' share."""
    stale = await stale_ids(db)
    if query.ids is not None:
        stale = sorted(set(stale) & set(query.ids))
    if not stale:
        return result.facets, result.total
    theirs = await engine.search(replace(query, ids=stale, page=1, per_page=1))
    facets: dict[str, dict[str, int]] = {}
    for name, values in result.facets.items():
        minus = theirs.facets.get(name, {})
        facets[name] = {v: n - minus.get(v, 0) for v, n in values.items() if n - minus.get(v, 0) > 0}
    return facets, max(result.total - theirs.total, 0)


async def listed_suggestions(db: AsyncSession, kind: str, values: list[str], *, anything_stale: bool) -> set[str]:
    """Which of ``values`` (suggestions of ``kind``) still name something listed."""
    if not values:
        return set()
    if kind == "tag":
        return set((await db.scalars(_TAGS_LISTED, {"values": values})).all())
    if kind == "user":
        found = {u.lower() for u in (await db.scalars(_USERS_LISTED, {"values": [v.lower() for v in values]})).all()}
        return {v for v in values if v.lower() in found}
    if kind == "node" and anything_stale:
        return set((await db.scalars(_NODES_LISTED, {"values": values})).all())
    return set(values)
