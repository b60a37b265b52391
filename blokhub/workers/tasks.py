"""arq job functions, named ``<area>.<verb>``. Jobs take ids, reload rows and are safe to run twice."""

from __future__ import annotations

import logging
from typing import Any

from arq import func
from arq.cron import cron

from blokhub import handlers  # noqa: F401  (registers every lane before FUNCTIONS is built)
from blokhub.outbox.registry import job_name, lanes
from blokhub.outbox.relay import process_pending

log = logging.getLogger(__name__)
VECTORS_FILL = "vectors.fill"


def _lane_job(lane: str) -> Any:  # an arq WorkerCoroutine
    async def process(ctx: dict[str, Any]) -> int:
        return await process_pending(ctx, lane=lane)

    process.__qualname__ = process.__name__ = f"process_{lane}"
    return process


async def outbox_redrive(ctx: dict[str, Any]) -> int:
    """Periodic catch-up for events whose kick was lost (Redis down, worker crashed mid-batch, failed handler)."""
    return sum([await process_pending(ctx, lane=lane) for lane in lanes()])


async def workflows_flush_views(ctx: dict[str, Any]) -> int:
    from blokhub.api.workflows.page_views import flush_views
    from blokhub.db.session import session_scope

    resources = ctx["resources"]
    async with session_scope(resources.sessionmaker) as db:
        return await flush_views(resources.redis, db)


async def ratings_refresh_scores(ctx: dict[str, Any]) -> float:
    from blokhub.api.social.ratings import refresh_scores
    from blokhub.db.session import session_scope

    resources = ctx["resources"]
    async with session_scope(resources.sessionmaker) as db:
        return await refresh_scores(db, resources)


async def search_flush_query_stats(ctx: dict[str, Any]) -> int:
    from blokhub.api.search.services import flush_query_stats
    from blokhub.db.session import session_scope

    resources = ctx["resources"]
    async with session_scope(resources.sessionmaker) as db:
        return await flush_query_stats(resources.redis, db)


async def discovery_trending(ctx: dict[str, Any]) -> int:
    """Recompute trending scores, then refresh the search documents whose scores moved (trending sort)."""
    from blokhub.db.session import session_scope
    from blokhub.indexers import builder
    from blokhub.recommend.trending import recompute

    resources = ctx["resources"]
    async with session_scope(resources.sessionmaker) as db:
        changed = sorted(await recompute(db))
    for start in range(0, len(changed), 1000):
        async with resources.read_sessionmaker() as db:
            docs, _ = await builder.load(db, changed[start : start + 1000])
        if docs:
            await resources.search.upsert(docs)
    return len(changed)


# One job per lane (handlers are registered by importing blokhub.handlers before this module is used).
async def vectors_optimize(ctx: dict[str, Any]) -> bool:
    """Rebuild the embedded vector graph once enough was written since the last build (a no-op on a server)."""
    done: bool = await ctx["resources"].vectors.optimize()
    return done


async def vectors_fill(ctx: dict[str, Any]) -> int:
    """Embed every public workflow into an empty vector index (a new data dir, a changed index format). Enqueued
    by `serve` at start-up so it need not wait: search works meanwhile, and similar, recommendations and the
    semantic half of hybrid search start answering when the new index is published. A no-op once filled."""
    from blokhub.indexers.reindex import reindex_vectors

    resources = ctx["resources"]
    if await resources.vectors.count() > 0:
        return 0
    log.info("vector index is empty: embedding every public workflow in the background")
    embedded, seconds = await reindex_vectors(resources)
    log.info("vector index filled: %d workflows in %.0fs (%.0f/s)", embedded, seconds, embedded / max(seconds, 1e-9))
    return int(embedded)


FUNCTIONS = [
    *(func(_lane_job(lane), name=job_name(lane), keep_result=0, max_tries=3) for lane in lanes()),
    # Hours at worst (100k workflows ~15 min on two cores); one try: a failure leaves the old state and says so.
    func(vectors_fill, name=VECTORS_FILL, keep_result=0, max_tries=1, timeout=6 * 3600),
]
EVERY_5_MINUTES = set(range(0, 60, 5))
CRON_JOBS = [
    cron(
        outbox_redrive,
        name="outbox.redrive",
        second={0, 10, 20, 30, 40, 50},
        run_at_startup=True,
        unique=True,
        keep_result=0,
    ),
    cron(workflows_flush_views, name="workflows.flush_views", second={5, 35}, unique=True, keep_result=0),
    cron(search_flush_query_stats, name="search.flush_query_stats", second={20, 50}, unique=True, keep_result=0),
    cron(
        ratings_refresh_scores,
        name="ratings.refresh_scores",
        minute=EVERY_5_MINUTES,
        second=15,
        unique=True,
        keep_result=0,
    ),
    cron(
        discovery_trending,
        name="discovery.trending",
        minute=EVERY_5_MINUTES,
        second=40,
        run_at_startup=True,
        unique=True,
        keep_result=0,
    ),
    cron(
        vectors_optimize, name="vectors.optimize", minute={0, 10, 20, 30, 40, 50}, second=50, unique=True, keep_result=0
    ),
]
