"""Every periodic job is scheduled, and each one runs against the real database, Redis and indexes."""

from __future__ import annotations

from blokhub.outbox import install
from blokhub.runtime.resources import Resources
from blokhub.wiring.consumers import CONSUMERS
from blokhub.workers.tasks import cron_jobs, functions

CRON_JOBS = cron_jobs(install(CONSUMERS))
FUNCTIONS = functions(install(CONSUMERS))


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
    assert "saved_searches.process" in {f.name for f in FUNCTIONS}  # one relay job per lane of the table


async def test_each_periodic_job_runs(clean: Resources) -> None:
    ctx = {"resources": clean}
    for job in CRON_JOBS:
        await job.coroutine(ctx)  # raises if a job is broken


async def test_vectors_fill_embeds_an_empty_index_once(client: object, clean: Resources) -> None:
    import httpx

    from blokhub.workers.tasks import VECTORS_FILL, vectors_fill
    from tests.api.workflow_helpers import simple
    from tests.conftest import register

    assert VECTORS_FILL in {f.name for f in FUNCTIONS}
    assert isinstance(client, httpx.AsyncClient)
    alice = await register(client, "alice")
    public = set()
    for name in ("fill-one", "fill-two"):
        r = await alice.post("/api/v1/workflows", json={"definition": simple(name=name)})
        public.add(r.json()["id"])
    await alice.post("/api/v1/workflows", json={"definition": simple(name="fill-private"), "visibility": "private"})
    assert await clean.vectors.count() == 0  # no worker ran: the outbox events wait
    ctx = {"resources": clean}
    assert await vectors_fill(ctx) == 2
    assert await clean.vectors.all_ids() == public
    assert await vectors_fill(ctx) == 0  # already filled: nothing to do
