from __future__ import annotations

import contextlib

import httpx

from blokhub.api.auth import services
from blokhub.api.auth.schemas import LoginIn
from blokhub.api.errors import RateLimited, Unauthorized
from blokhub.runtime.resources import Resources
from tests.conftest import Account, assert_error


async def test_failed_logins_are_limited_with_retry_after(client: httpx.AsyncClient, alice: Account) -> None:
    limit = client._transport.app.state.resources.settings.login_attempts_per_account_ip  # type: ignore[attr-defined]
    for _ in range(limit):
        assert_error(
            await client.post("/api/v1/auth/login", json={"login": "alice", "password": "wrong-guess-123"}), 401
        )
    r = await client.post("/api/v1/auth/login", json={"login": "alice", "password": alice.password})
    assert_error(r, 429, "rate_limited")
    assert 0 < int(r.headers["retry-after"]) <= 15 * 60


async def test_attacker_cannot_lock_the_owner_out(alice: Account, resources: Resources) -> None:
    """Failures from the attacker's address throttle the attacker, not the owner on another address."""
    async with resources.sessionmaker() as db:
        for _ in range(resources.settings.login_attempts_per_account_ip):
            with contextlib.suppress(Unauthorized):
                await services.login(
                    db, resources, LoginIn(login="alice", password="guess-guess-1"), "203.0.113.9", None
                )
        try:
            await services.login(db, resources, LoginIn(login="alice", password=alice.password), "203.0.113.9", None)
            raise AssertionError("the attacker's address should be throttled")
        except RateLimited:
            pass
        issued = await services.login(
            db, resources, LoginIn(login="alice", password=alice.password), "198.51.100.7", None
        )
        assert issued.user.username == "alice"
        await db.rollback()


async def test_per_ip_limit_across_accounts(alice: Account, resources: Resources) -> None:
    async with resources.sessionmaker() as db:
        limited = False
        for i in range(resources.settings.login_attempts_per_ip + 1):
            try:
                await services.login(
                    db, resources, LoginIn(login=f"user{i}", password="guess-guess-1"), "192.0.2.1", None
                )
            except Unauthorized:
                continue
            except RateLimited:
                limited = True
                break
        assert limited
