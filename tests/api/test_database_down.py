"""PostgreSQL down: every request that needs it gets a 503 with Retry-After, never a 500; liveness still answers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from blokhub.api.app import create_app
from blokhub.runtime.resources import Resources
from blokhub.wiring.consumers import CONSUMERS
from tests.conftest import Account, assert_error


@pytest.fixture
async def no_database_client(clean: Resources) -> AsyncIterator[httpx.AsyncClient]:
    # Port 1 on loopback: connections are refused at once, as when PostgreSQL is stopped.
    broken = Resources.open(clean.settings.with_overrides(database_url="postgresql+asyncpg://u:p@127.0.0.1:1/db"))
    broken.search = clean.search
    app = create_app(broken.settings, CONSUMERS, resources=broken)
    app.state.resources = broken
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        yield client
    await broken.bare_pg.close()
    await broken.redis.aclose(close_connection_pool=True)
    await broken.engine.dispose()


async def test_requests_get_503_with_retry_after(no_database_client: httpx.AsyncClient, alice: Account) -> None:
    token = {"Authorization": f"Bearer {alice.access_token}"}  # issued while the database was up
    c = no_database_client
    for response in (
        await c.get("/api/v1/me", headers=token),  # read: the bare-pool auth lookup
        await c.patch("/api/v1/me", headers=token, json={"bio": "offline"}),  # write: the ORM lookup
        await c.get("/api/v1/workflows"),
        await c.post("/api/v1/auth/login", json={"login": "alice", "password": alice.password}),
    ):
        error = assert_error(response, 503, "service_unavailable")
        assert response.headers["retry-after"] == "5" and "retry" in error["message"]
    assert (await c.get("/health")).status_code == 200  # the process is alive; /ready tells the balancer
    assert (await c.get("/ready")).status_code == 503
