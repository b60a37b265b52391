"""Every periodic job is scheduled, and each one runs against the real database, Redis and indexes."""

from __future__ import annotations

from blokhub.runtime.resources import Resources
from blokhub.workers.tasks import CRON_JOBS, FUNCTIONS


def test_every_periodic_job_is_scheduled() -> None:
    assert {c.name for c in CRON_JOBS} == {
        "outbox.redrive",
        "workflows.flush_views",
        "search.flush_query_stats",
        "ratings.refresh_scores",
        "discovery.trending",
        "vectors.optimize",
    }
    assert {f.name for f in FUNCTIONS} >= {"outbox.process", "vectors.process"}


async def test_each_periodic_job_runs(clean: Resources) -> None:
    ctx = {"resources": clean}
    for job in CRON_JOBS:
        await job.coroutine(ctx)  # raises if a job is broken
