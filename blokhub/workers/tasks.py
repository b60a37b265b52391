"""arq job functions, named ``<area>.<verb>``. Jobs take ids, reload rows and are safe to run twice."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar, cast

from arq import func
from arq.cron import cron
from arq.typing import WorkerCoroutine

from blokhub.api.search.services import flush_query_stats
from blokhub.api.social.ratings import refresh_scores
from blokhub.api.workflows.page_views import flush_views
from blokhub.db.session import session_scope
from blokhub.indexers import builder
from blokhub.indexers.reindex import reindex_vectors
from blokhub.outbox.registry import Registry, job_name
from blokhub.outbox.relay import process_pending
from blokhub.recommend.trending import recompute
from blokhub.runtime.context import JobContext

log = logging.getLogger(__name__)
VECTORS_FILL = "vectors.fill"
T = TypeVar("T")


def job(fn: Callable[[JobContext], Awaitable[T]]) -> WorkerCoroutine:
    """arq hands every job its context as a plain dict; ours are typed against :class:`JobContext`."""

    async def run(ctx: dict[Any, Any]) -> T:
        return await fn(cast(JobContext, ctx))

    run.__qualname__ = run.__name__ = fn.__name__
    return run


def _lane_job(lane: str) -> Callable[[JobContext], Awaitable[int]]:
    async def process(ctx: JobContext) -> int:
        return await process_pending(ctx, lane=lane)

    process.__qualname__ = process.__name__ = f"process_{lane}"
    return process


def _redrive(lanes: Sequence[str]) -> Callable[[JobContext], Awaitable[int]]:
    async def outbox_redrive(ctx: JobContext) -> int:
        """Periodic catch-up for events whose kick was lost (Redis down, worker crashed mid-batch, failed handler)."""
        return sum([await process_pending(ctx, lane=lane) for lane in lanes])

    return outbox_redrive


async def workflows_flush_views(ctx: JobContext) -> int:
    resources = ctx["resources"]
    async with session_scope(resources.sessionmaker) as db:
        return await flush_views(resources.redis, db)


async def ratings_refresh_scores(ctx: JobContext) -> float:
    resources = ctx["resources"]
    async with session_scope(resources.sessionmaker) as db:
        return await refresh_scores(db, resources.redis)


async def search_flush_query_stats(ctx: JobContext) -> int:
    resources = ctx["resources"]
    async with session_scope(resources.sessionmaker) as db:
        return await flush_query_stats(resources.redis, db)


async def discovery_trending(ctx: JobContext) -> int:
    """Recompute trending scores, then refresh the search documents whose scores moved (trending sort)."""
    resources = ctx["resources"]
    async with session_scope(resources.sessionmaker) as db:
        changed = sorted(await recompute(db))
    for start in range(0, len(changed), 1000):
        async with resources.read_sessionmaker() as db:
            docs, _ = await builder.load(db, changed[start : start + 1000])
        if docs:
            await resources.search.upsert(docs)
    return len(changed)


async def vectors_optimize(ctx: JobContext) -> bool:
    """Rebuild the embedded vector graph once enough was written since the last build (a no-op on a server)."""
    done: bool = await ctx["resources"].vectors.optimize()
    return done


async def vectors_fill(ctx: JobContext) -> int:
    """Embed every public workflow into an empty vector index (a new data dir, a changed index format). Enqueued
    by `serve` at start-up so it need not wait: search works meanwhile, and similar, recommendations and the
    semantic half of hybrid search start answering when the new index is published. A no-op once filled."""
    resources = ctx["resources"]
    if await resources.vectors.count() > 0:
        return 0
    log.info("vector index is empty: embedding every public workflow in the background")
    embedded, seconds = await reindex_vectors(
        resources.read_sessionmaker, resources.sessionmaker, resources.vectors, resources.embedder
    )
    log.info("vector index filled: %d workflows in %.0fs (%.0f/s)", embedded, seconds, embedded / max(seconds, 1e-9))
    return int(embedded)


def functions(registry: Registry) -> list[Any]:
    """One relay job per lane of the installed consumer table, plus the jobs enqueued by name."""
    return [
        *(func(job(_lane_job(lane)), name=job_name(lane), keep_result=0, max_tries=3) for lane in registry.lanes()),
        # Hours at worst (100k workflows ~15 min on two cores); one try: a failure leaves the old state and says so.
        func(job(vectors_fill), name=VECTORS_FILL, keep_result=0, max_tries=1, timeout=6 * 3600),
    ]


EVERY_5_MINUTES = set(range(0, 60, 5))


def cron_jobs(registry: Registry) -> list[Any]:
    return [
        cron(
            job(_redrive(registry.lanes())),
            name="outbox.redrive",
            second={0, 10, 20, 30, 40, 50},
            run_at_startup=True,
            unique=True,
            keep_result=0,
        ),
        cron(job(workflows_flush_views), name="workflows.flush_views", second={5, 35}, unique=True, keep_result=0),
        cron(
            job(search_flush_query_stats), name="search.flush_query_stats", second={20, 50}, unique=True, keep_result=0
        ),
        cron(
            job(ratings_refresh_scores),
            name="ratings.refresh_scores",
            minute=EVERY_5_MINUTES,
            second=15,
            unique=True,
            keep_result=0,
        ),
        cron(
            job(discovery_trending),
            name="discovery.trending",
            minute=EVERY_5_MINUTES,
            second=40,
            run_at_startup=True,
            unique=True,
            keep_result=0,
        ),
        cron(
            job(vectors_optimize),
            name="vectors.optimize",
            minute={0, 10, 20, 30, 40, 50},
            second=50,
            unique=True,
            keep_result=0,
        ),
    ]
