"""A lagging index never shows private data: not in hits, not in facet counts, not in suggestions.

The index catches up through the outbox; while it lags (Redis down: until the relay's next sweep) it may still hold
a workflow that PostgreSQL no longer lists. Hits are hydrated from PostgreSQL under the listing rule already; here
the same authority corrects what the engine aggregates: the stale workflows (pending outbox events, no longer
listed) are asked of the engine on their own and their share is taken out of the facet counts and the total, and
every tag, user and (while anything is stale) node suggestion must still name something listed.
"""

from __future__ import annotations

from dataclasses import replace

from blokhub.api.workflows.presenters import summary_from_row
from blokhub.api.workflows.schemas import WorkflowSummary
from blokhub.api.workflows.summaries import SUMMARY_COLUMNS
from blokhub.db.models import User
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
# A page of hits and the stale ids in one round trip: always one row for the stale ids (NULL columns when no hit
# is listed), then one row per listed hit; the summaries come out as `listed_summaries` builds them.
_HITS_AND_STALE = f"""
SELECT s.stale, {SUMMARY_COLUMNS}
FROM (SELECT ARRAY({_STALE}) AS stale) s
LEFT JOIN (workflows w JOIN users u ON u.id = w.owner_id) ON w.id = ANY($1::bigint[]) AND {_LISTED}
"""
# Every kind of suggestion checked in one statement (one round trip per keystroke). Titles: by id under the listed
# rule. Tags and users must still name something listed: the engine's term dictionary keeps the terms of deleted
# documents until segments merge, so the index alone cannot say. Nodes, as before, only while anything is stale.
# A tag or node is looked up first in the few workflows the index says carry it ($5-$7: kind, value, id), by
# primary key; only when none of those is still listed with it does the check look through every workflow (a
# common tag's bitmap costs ~7 ms at 100k workflows; its carriers cost microseconds). PostgreSQL evaluates OR'ed
# sub-plans in order and stops at the first true one; the stale check is an uncorrelated sub-select, run once.
_CARRIED = (
    "EXISTS (SELECT 1 FROM unnest($5::text[], $6::text[], $7::bigint[]) AS c(kind, value, id) "
    "JOIN workflows w ON w.id = c.id WHERE c.kind = '{kind}' AND c.value = {value} AND {has} AND " + _LISTED + ")"
)
_HAS_TAG, _HAS_NODE = "w.tags @> ARRAY[t]::varchar[]", "w.facts -> 'nodes' ? n"
_SUGGESTIONS_LISTED = f"""
SELECT 'title' AS kind, w.id::text AS value FROM workflows w WHERE w.id = ANY($1::bigint[]) AND {_LISTED}
UNION ALL
SELECT 'tag', t FROM unnest($2::text[]) AS t
WHERE {_CARRIED.format(kind="tag", value="t", has=_HAS_TAG)}
   OR EXISTS (SELECT 1 FROM workflows w WHERE {_HAS_TAG} AND {_LISTED})
UNION ALL
SELECT 'user', u.username FROM users u
WHERE lower(u.username) = ANY($3::text[]) AND u.banned_at IS NULL AND u.workflows_count > 0
UNION ALL
SELECT 'node', n FROM unnest($4::text[]) AS n
WHERE NOT EXISTS (SELECT 1 {_STALE_FROM})
   OR {_CARRIED.format(kind="node", value="n", has=_HAS_NODE)}
   OR EXISTS (SELECT 1 FROM workflows w WHERE {_HAS_NODE} AND {_LISTED})
"""


async def hydrate(
    pool: BarePool, ids: list[int], viewer: User | None = None
) -> tuple[dict[int, WorkflowSummary], list[int]]:
    """The listed summaries among ``ids`` (a page of hits; the `viewer`'s own carry `moderation`, as
    `listed_summaries` builds them), and every stale workflow's id (for `corrected`)."""
    rows = await pool.fetch(_HITS_AND_STALE, ids)
    stale = [int(i) for i in rows[0]["stale"]] if rows else []
    return {r["id"]: summary_from_row(r, viewer) for r in rows if r["id"] is not None}, stale


async def corrected(
    engine: SearchEngine, query: SearchQuery, result: SearchResult, stale: list[int]
) -> tuple[dict[str, dict[str, int]], int]:
    """The result's facet counts and total without the share of the ``stale`` workflows (see `hydrate`)."""
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
    carried = [(s.kind, s.text, c) for s in items if s.kind in ("tag", "node") for c in s.carriers]
    kinds, values, ids = ([k for k, _, _ in carried], [v for _, v, _ in carried], [c for _, _, c in carried])
    rows = await pool.fetch(_SUGGESTIONS_LISTED, titles, asked["tag"], asked["user"], asked["node"], kinds, values, ids)
    kept = {_key(r[0], r[1]) for r in rows}
    return [s for s in items if _key(s.kind, str(s.id) if s.kind == "title" else s.text) in kept]
