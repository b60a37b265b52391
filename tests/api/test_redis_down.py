"""Writes never fail because Redis is down; events wait in PostgreSQL and everything converges once it is back."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select

from blokhub.api.app import create_app
from blokhub.db.models import Notification, OutboxEvent, Workflow
from blokhub.outbox.relay import process_pending
from blokhub.runtime.resources import Resources
from blokhub.wiring.consumers import CONSUMERS
from tests.api.workflow_helpers import simple
from tests.conftest import register


@pytest.fixture
async def no_redis_client(clean: Resources, data_dir: object) -> AsyncIterator[httpx.AsyncClient]:
    broken = Resources.open(clean.settings.with_overrides(redis_url="unix:///nonexistent/redis.sock"))
    broken.search = clean.search  # same index; only Redis is unreachable
    app = create_app(broken.settings, CONSUMERS, resources=broken)
    app.state.resources = broken
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        yield client
    await broken.redis.aclose(close_connection_pool=True)
    await broken.engine.dispose()


async def test_writes_succeed_without_redis_and_converge_after(
    no_redis_client: httpx.AsyncClient, clean: Resources
) -> None:
    alice = await register(no_redis_client, "alice")
    bob = await register(no_redis_client, "bob")
    login = await no_redis_client.post("/api/v1/auth/login", json={"login": "alice", "password": alice.password})
    assert login.status_code == 200  # rate limiting fails open
    wid = (await alice.post("/api/v1/workflows", json={"definition": simple()})).json()["id"]
    assert (await bob.get(f"/api/v1/workflows/{wid}")).status_code == 200  # the view count is simply not counted
    assert (await bob.post(f"/api/v1/workflows/{wid}/comments", json={"body": "works offline"})).status_code == 201
    assert (await bob.put(f"/api/v1/workflows/{wid}/favorite")).status_code == 200
    assert (await bob.put("/api/v1/users/alice/follow")).status_code == 200
    assert (await alice.post("/api/v1/auth/logout")).status_code == 204  # the session row alone revokes
    async with clean.sessionmaker() as db:
        assert await db.scalar(select(func.count()).where(OutboxEvent.processed_at.is_(None))) >= 4
        assert await db.scalar(select(func.count()).select_from(Notification)) == 3  # stored, push skipped
    # Redis is back (the shared resources): the re-drive relays everything and the index matches PostgreSQL.
    await process_pending({"resources": clean})
    await process_pending({"resources": clean}, lane="vectors")
    await process_pending({"resources": clean}, lane="saved_searches")
    async with clean.sessionmaker() as db:
        assert await db.scalar(select(func.count()).where(OutboxEvent.processed_at.is_(None))) == 0
        public = set((await db.scalars(select(Workflow.id).where(Workflow.visibility == "public"))).all())
    assert await clean.search.all_ids() == public == await clean.vectors.all_ids() == {wid}
