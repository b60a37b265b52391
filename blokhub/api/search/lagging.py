"""A lagging index never shows private data: not in hits, not in facet counts, not in suggestions.

The index catches up through the outbox; while it lags (Redis down: until the relay's next sweep) it may still hold
a workflow that PostgreSQL no longer lists. Hits are hydrated from PostgreSQL under the listing rule already; here
the same authority corrects what the engine aggregates: the stale workflows (pending outbox events, no longer
listed) are asked of the engine on their own and their share is taken out of the facet counts and the total, and
every tag, user and (while anything is stale) node suggestion must still name something listed.
"""

from __future__ import annotations

from dataclasses import replace

from blokhub.db.models.workflow import listed_sql
from blokhub.indexers.search import SearchEngine, SearchQuery, SearchResult, Suggestion
from blokhub.outbox.registry import MAIN
from blokhub.runtime.pg_pool import BarePool

_LISTED = listed_sql("w")
# Workflows the index may still show but PostgreSQL no longer lists: changed, and not yet re-indexed (the search
# index follows the main lane).
# Bare SQL on the request path's asyncpg pool (no session: see api/workflows/summaries.py).
_STALE_FROM = f"""
FROM outbox_events e
JOIN workflows w ON w.id = e.aggregate_id
WHERE e.processed_at IS NULL AND e.lane = '{MAIN}' AND e.aggregate_type = 'workflow' AND NOT ({_LISTED})
"""
_STALE = f"SELECT DISTINCT e.aggregate_id {_STALE_FROM} LIMIT 10000"
# Every kind of suggestion checked in one statement (one round trip per keystroke): titles by id under the listed
# rule; tags and users must still name something listed (the engine's term dictionary keeps the terms of deleted
# documents until segments merge, so the index alone cannot say); nodes, as before, only while anything is stale.
# The stale check is an uncorrelated sub-select: run at most once, and only when there are node suggestions.
_SUGGESTIONS_LISTED = f"""
SELECT 'title' AS kind, w.id::text AS value FROM workflows w WHERE w.id = ANY($1::bigint[]) AND {_LISTED}
UNION ALL
SELECT 'tag', t FROM unnest($2::text[]) AS t
WHERE EXISTS (SELECT 1 FROM workflows w WHERE w.tags @> ARRAY[t]::varchar[] AND {_LISTED})
UNION ALL
SELECT 'user', u.username FROM users u
WHERE lower(u.username) = ANY($3::text[]) AND u.banned_at IS NULL AND u.workflows_count > 0
UNION ALL
SELECT 'node', n FROM unnest($4::text[]) AS n
WHERE NOT EXISTS (SELECT 1 {_STALE_FROM})
   OR EXISTS (SELECT 1 FROM workflows w WHERE w.facts -> 'nodes' ? n AND {_LISTED})
"""


async def stale_ids(pool: BarePool) -> list[int]:
    return [int(r[0]) for r in await pool.fetch(_STALE)]


async def corrected(
    pool: BarePool, engine: SearchEngine, query: SearchQuery, result: SearchResult
) -> tuple[dict[str, dict[str, int]], int]:
    """The result's facet counts and total without the stale workflows' share."""
    stale = await stale_ids(pool)
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


def _key(kind: str, value: str) -> tuple[str, str]:
    return (kind, value.lower() if kind == "user" else value)  # usernames are unique case-insensitively


async def listed_suggestions(pool: BarePool, items: list[Suggestion]) -> list[Suggestion]:
    """Those of ``items`` that still name something listed, in order."""
    if not items:
        return []
    asked: dict[str, list[str]] = {"title": [], "tag": [], "user": [], "node": []}
    for s in items:
        if s.kind != "title":
            asked[s.kind].append(_key(s.kind, s.text)[1])
        elif s.id is not None:
            asked["title"].append(str(s.id))
    titles = [int(i) for i in asked["title"]]
    rows = await pool.fetch(_SUGGESTIONS_LISTED, titles, asked["tag"], asked["user"], asked["node"])
    kept = {_key(r[0], r[1]) for r in rows}
    return [s for s in items if _key(s.kind, str(s.id) if s.kind == "title" else s.text) in kept]
