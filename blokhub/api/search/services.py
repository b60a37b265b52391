"""Search: ask the engine for ids, hydrate them from PostgreSQL in one bare query, enforce visibility there."""

from __future__ import annotations

import logging
import time
from datetime import datetime

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.errors import ServiceUnavailable, Unprocessable
from blokhub.api.search import lagging
from blokhub.api.search.hybrid import hybrid_search
from blokhub.api.search.schemas import GenerateSuggestion, Hit, SearchOut, SuggestionOut
from blokhub.api.textforms import fold
from blokhub.api.workflows.schemas import WorkflowSummary
from blokhub.db.after_commit import after_commit
from blokhub.db.base import utcnow
from blokhub.db.models import User
from blokhub.indexers.search import FACETS, SORTS, SearchFilters, SearchQuery
from blokhub.runtime import counters
from blokhub.runtime.resources import Resources

log = logging.getLogger(__name__)

FEW_HITS = 3  # at or below this, offer to generate the workflow with AI


def split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def build_query(
    *,
    q: str,
    tags: str | None,
    trigger: str | None,
    method: str | None,
    runtime: str | None,
    nodes: str | None,
    author: str | None,
    has_branches: bool | None,
    min_rating: float | None,
    dialect: str | None = None,
    created_after: datetime | None,
    created_before: datetime | None,
    sort: str,
    facets: str | None,
    page: int,
    per_page: int,
    requirements: str | None = None,
) -> SearchQuery:
    if sort not in SORTS:
        raise Unprocessable(f"sort must be one of {', '.join(SORTS)}.", details=[{"pointer": "/sort", "message": sort}])
    facet_list = split(facets)
    unknown = [f for f in facet_list if f not in FACETS]
    if unknown:
        raise Unprocessable(
            f"Unknown facets {unknown}; choose from {', '.join(FACETS)}.",
            details=[{"pointer": "/facets", "message": ",".join(unknown)}],
        )
    filters = SearchFilters(
        tags=["-".join(fold(t).split()) for t in split(tags)],
        trigger=trigger,
        method=method.upper() if method else None,
        runtime=runtime,
        nodes=split(nodes),
        author=author.lower() if author else None,
        has_branches=has_branches,
        requirements=requirements,
        dialect=dialect,
        min_rating=min_rating,
        created_after=created_after.timestamp() if created_after else None,
        created_before=created_before.timestamp() if created_before else None,
    )
    return SearchQuery(
        q=q.strip()[:200],
        filters=filters,
        sort=sort,
        facets=facet_list,  # type: ignore[arg-type]
        page=page,
        per_page=per_page,
    )


async def search(
    resources: Resources, query: SearchQuery, semantic_ratio: float = 0.0, viewer: User | None = None
) -> SearchOut:
    started = time.perf_counter()
    engine, redis = resources.search, resources.redis
    try:
        if semantic_ratio > 0 and query.q:
            result = await hybrid_search(resources.search, resources.vectors, resources.embedder, query, semantic_ratio)
        else:
            result = await engine.search(query)
    except Exception as exc:
        log.error("search engine %s failed: %s", engine.name, exc)
        raise ServiceUnavailable("Search is unavailable right now; try again in a moment.") from None
    # A lagging index can never leak or resurrect anything: visibility is decided here, by PostgreSQL.
    rows, stale = await lagging.hydrate(resources.bare_pg, [h.id for h in result.hits], viewer)
    hits = [
        Hit(workflow=rows[h.id], score=_hit_score(query, rows[h.id], h.score), highlights=h.highlights)
        for h in result.hits
        if h.id in rows
    ]
    facets, total = await lagging.corrected(engine, query, result, stale)
    total = min(total, result.total - (len(result.hits) - len(hits)))
    offset, limit = query.window()
    record(redis, query.q, total)
    return SearchOut(
        hits=hits,
        facets=facets,
        facets_exact=result.facets_exact,
        total=max(total, 0),
        page=offset // limit + 1,
        per_page=limit,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        matched_words=result.matched_words,
        suggestion=GenerateSuggestion(generate=True, prompt=query.q) if query.q and total <= FEW_HITS else None,
        ranked_by=RANKED_BY[query.sort],
    )


RANKED_BY = {
    "relevance": "relevance: how well the words match (popularity breaks ties); without words, popularity",
    "newest": "created_at, newest first",
    "updated": "updated_at, most recent first",
    "favorites": "stats.favorites, most first",
    "top_rated": "stats.rating.score, the Bayesian rating: the average pulled toward the site-wide mean when there "
    "are few reviews (each hit's score is this value; min_rating filters on stats.rating.average)",
    "trending": "time-decayed engagement over the past week (see /trending)",
}


def _hit_score(query: SearchQuery, workflow: WorkflowSummary, engine_score: float) -> float:
    """The value the order is by, where the order is by the Bayesian rating: it is shown, so it can be checked."""
    if query.sort == "top_rated":
        return workflow.stats.rating.score or 0.0
    return round(engine_score, 4)


QUERIES_KEY, ZERO_KEY = "search:queries", "search:zero-results"
# One statement of four array parameters, whatever the number of queries: it runs on the API process's event loop
# (the in-process worker), where compiling a VALUES list of hundreds of rows took ~0.5 s of loop time per flush.
_UPSERT_STATS = text("""
INSERT INTO search_query_stats (query, count, zero_results, last_at)
SELECT q, n, z, CAST(:now AS timestamptz) FROM unnest(CAST(:queries AS text[]), CAST(:counts AS bigint[]), CAST(:zeros AS bigint[])) AS t(q, n, z)
ON CONFLICT (query) DO UPDATE SET
    count = search_query_stats.count + excluded.count,
    zero_results = search_query_stats.zero_results + excluded.zero_results,
    last_at = excluded.last_at
""")
# Counted in this process and sent to Redis in one pipelined round trip every half second, not two per search.
TALLY = counters.Tally()


def record(redis: Redis, q: str, total: int) -> None:
    """Count the query (and whether it found nothing) for the admin's analytics, buffered here, then in Redis."""
    text = " ".join(q.lower().split())[:200]
    if not text:
        return
    TALLY.add(redis, QUERIES_KEY, text)
    if total == 0:
        TALLY.add(redis, ZERO_KEY, text)


async def flush_query_stats(redis: Redis, db: AsyncSession) -> int:
    """Apply buffered query counts to search_query_stats (cron ``search.flush_query_stats``); the caller commits,
    and the drained counts are released only after that commit."""
    await TALLY.push(redis)  # what this process counted in the last half second
    asked = await counters.drain(redis, QUERIES_KEY)
    zero = await counters.drain(redis, ZERO_KEY)
    if asked:
        now = utcnow()

        async def apply(items: dict[str, int]) -> None:
            queries = list(items)
            params = {
                "queries": queries,
                "counts": [items[q] for q in queries],
                "zeros": [zero.get(q, 0) for q in queries],
                "now": now,
            }
            await db.execute(_UPSERT_STATS, params)

        await counters.apply_or_quarantine(db, redis, QUERIES_KEY, asked, apply)
    after_commit(db, lambda: counters.done(redis, QUERIES_KEY, ZERO_KEY))
    return sum(asked.values())


async def suggest(resources: Resources, prefix: str, limit: int) -> list[SuggestionOut]:
    if not prefix.strip():
        return []
    try:
        items = await resources.search.suggest(prefix.strip()[:100], limit)
    except Exception as exc:
        log.error("suggest failed: %s", exc)
        raise ServiceUnavailable("Search is unavailable right now; try again in a moment.") from None
    # Everything suggested came from the index; one statement asks PostgreSQL which of it is still listed.
    kept = await lagging.listed_suggestions(resources.bare_pg, items)
    return [SuggestionOut(text=s.text, kind=s.kind, id=s.id) for s in kept]
