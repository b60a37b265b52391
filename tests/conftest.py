"""Shared fixtures: one real embedded PostgreSQL + Redis per test session, a clean slate per test.

Isolation is by truncation rather than an outer rolled-back transaction: the code under test commits for real
(one transaction per request, outbox after commit), and that is exactly what the tests need to observe.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from blokhub.config import Settings
from blokhub.runtime import Runtime
from blokhub.runtime.resources import Resources


@pytest.fixture(scope="session")
def data_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="bh-test-") as tmp:
        yield Path(tmp)


@pytest.fixture(scope="session")
def settings(data_dir: Path) -> Iterator[Settings]:
    base = Settings(
        data_dir=data_dir,
        secret_key="test-secret-key-that-is-long-enough-for-hs256-0123456789",
        in_process_worker=False,
        seed_on_empty=0,
        log_level="WARNING",
    )
    runtime = Runtime(base, lock=True)
    resolved = runtime.start()
    try:
        yield resolved
    finally:
        runtime.stop()


@pytest.fixture(scope="session")
async def resources(settings: Settings) -> AsyncIterator[Resources]:
    from blokhub.db.migrate import upgrade
    from blokhub.outbox import install
    from blokhub.wiring.consumers import CONSUMERS

    install(CONSUMERS)  # as every entry point does at start
    res = Resources.open(settings)
    await upgrade(res.engine)
    await res.start()
    try:
        yield res
    finally:
        await res.close()


@pytest.fixture(scope="session")
async def table_names(resources: Resources) -> list[str]:
    async with resources.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
        )
        return [r[0] for r in rows]


@pytest.fixture
async def clean(resources: Resources, table_names: list[str]) -> Resources:
    async with resources.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {', '.join(table_names)} RESTART IDENTITY CASCADE"))
    await resources.redis.flushdb()
    await resources.search.delete(sorted(await resources.search.all_ids()))
    await resources.vectors.delete(sorted(await resources.vectors.all_ids()))
    return resources


@pytest.fixture
async def client(clean: Resources) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the test's own event loop (Litestar's AsyncTestClient runs the app on another loop,
    which the session-wide asyncpg and Redis pools cannot cross)."""
    from blokhub.api.app import create_app
    from blokhub.wiring.consumers import CONSUMERS

    app = create_app(clean.settings, CONSUMERS, resources=clean)
    # The lifespan only adopts the shared resources here; pytest-asyncio runs fixture setup and teardown in
    # different tasks, which anyio's task group inside app.lifespan() refuses, so adopt them directly.
    app.state.resources = clean
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


class Account:
    """A registered user and an HTTP client that sends their token."""

    def __init__(self, client: httpx.AsyncClient, body: dict[str, Any], password: str) -> None:
        self.client = client
        self.user = body["user"]
        self.username: str = body["user"]["username"]
        self.access_token: str = body["access_token"]
        self.refresh_token: str = body["refresh_token"]
        self.password = password

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    async def get(self, url: str, **kw: Any) -> Any:
        return await self.client.get(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    async def post(self, url: str, **kw: Any) -> Any:
        return await self.client.post(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    async def patch(self, url: str, **kw: Any) -> Any:
        return await self.client.patch(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    async def put(self, url: str, **kw: Any) -> Any:
        return await self.client.put(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    async def delete(self, url: str, **kw: Any) -> Any:
        return await self.client.delete(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)


async def register(client: httpx.AsyncClient, username: str, password: str = "a-Sturdy-passphrase-42") -> Account:
    response = await client.post(
        "/api/v1/auth/register",
        json={"username": username, "email": f"{username}@example.com", "password": password},
    )
    assert response.status_code == 201, response.text
    return Account(client, response.json(), password)


@pytest.fixture
async def alice(client: httpx.AsyncClient) -> Account:
    return await register(client, "alice")


@pytest.fixture
async def bob(client: httpx.AsyncClient) -> Account:
    return await register(client, "bob")


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """Every error has the API.md shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], list)
    if code is not None:
        assert body["error"]["code"] == code, body
    error: dict[str, Any] = body["error"]
    return error


async def many_accounts(
    client: httpx.AsyncClient, resources: Resources, count: int, prefix: str = "u"
) -> list[Account]:
    """``count`` real accounts with real sessions and tokens, created in bulk (argon2 per user would take minutes)."""
    import uuid

    from sqlalchemy import insert

    from blokhub.api.auth import tokens
    from blokhub.api.auth.passwords import hash_password
    from blokhub.db.models import AuthSession, User

    password = "bulk-Account-secret-1"
    digest = await hash_password(password)
    async with resources.sessionmaker() as db, db.begin():
        ids = (
            await db.scalars(
                insert(User).returning(User.id),
                [
                    {
                        "username": f"{prefix}{i}",
                        "email": f"{prefix}{i}@example.com",
                        "display_name": f"{prefix}{i}",
                        "password_hash": digest,
                        "bio": "",
                        "links": [],
                        "role": "user",
                    }
                    for i in range(count)
                ],
            )
        ).all()
        sessions = [uuid.uuid4() for _ in ids]
        await db.execute(insert(AuthSession), [{"id": s, "user_id": uid} for s, uid in zip(sessions, ids, strict=True)])
    accounts = []
    for i, (uid, sid) in enumerate(zip(ids, sessions, strict=True)):
        access = tokens.encode(
            resources.settings, typ=tokens.ACCESS, user_id=uid, session_id=sid, jti=uuid.uuid4(), ttl=900
        )
        body = {"user": {"username": f"{prefix}{i}", "id": uid}, "access_token": access, "refresh_token": ""}
        accounts.append(Account(client, body, password))
    return accounts
