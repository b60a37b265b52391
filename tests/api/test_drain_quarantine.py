"""A drain job quarantines an item the database refuses and keeps draining (run after run, across restarts)."""

from __future__ import annotations

from sqlalchemy import select

from blokhub.api.search.services import QUERIES_KEY, flush_query_stats
from blokhub.api.workflows.page_views import VIEWS_KEY, flush_views
from blokhub.db.models import SearchQueryStat, Workflow
from blokhub.db.session import session_scope
from blokhub.runtime.resources import Resources
from tests.api.workflow_helpers import simple
from tests.conftest import Account


async def test_a_bad_query_is_quarantined_and_the_rest_is_counted(clean: Resources) -> None:
    # Items that reached Redis before the edge refused them (or from an older replica): a NUL, an over-long query.
    await clean.redis.hset(QUERIES_KEY, mapping={"sla\x00ck": 1, "x" * 300: 2, "stripe": 3, "slack": 1})
    async with session_scope(clean.sessionmaker) as db:
        assert await flush_query_stats(clean.redis, db) == 7
    async with clean.sessionmaker() as db:
        stored = dict((await db.execute(select(SearchQueryStat.query, SearchQueryStat.count))).all())
    assert stored == {"stripe": 3, "slack": 1}
    quarantined = await clean.redis.hgetall(f"{QUERIES_KEY}:quarantine")
    assert {k.decode() for k in quarantined} == {"sla\x00ck", "x" * 300}
    # The next run starts clean and counts new queries.
    await clean.redis.hset(QUERIES_KEY, mapping={"stripe": 1})
    async with session_scope(clean.sessionmaker) as db:
        assert await flush_query_stats(clean.redis, db) == 1
    async with clean.sessionmaker() as db:
        assert await db.scalar(select(SearchQueryStat.count).where(SearchQueryStat.query == "stripe")) == 4


async def test_a_bad_view_key_is_quarantined(clean: Resources, alice: Account) -> None:
    wid = (await alice.post("/api/v1/workflows", json={"definition": simple()})).json()["id"]
    await clean.redis.hset(VIEWS_KEY, mapping={str(wid): 2, "not-an-id": 1, str(2**64): 1})
    async with session_scope(clean.sessionmaker) as db:
        await flush_views(clean.redis, db)
    async with clean.sessionmaker() as db:
        assert await db.scalar(select(Workflow.views_count).where(Workflow.id == wid)) == 2
    assert set(await clean.redis.hkeys(f"{VIEWS_KEY}:quarantine")) == {b"not-an-id", str(2**64).encode()}
    assert not await clean.redis.exists(f"{VIEWS_KEY}:draining")
