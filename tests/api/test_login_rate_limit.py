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


async def test_spelling_variants_share_one_counter(client: httpx.AsyncClient, alice: Account) -> None:
    """Padding, tabs, case, full-width letters and the email all name one account: one counter, then 429."""
    limit = client._transport.app.state.resources.settings.login_attempts_per_account_ip  # type: ignore[attr-defined]
    spellings = [
        " alice",
        "alice\t",
        "ALICE",
        "Alice",
        "ａｌｉｃｅ",
        "alice@example.com",
        "ALICE@EXAMPLE.COM",
        "alice ",
    ]
    statuses = []
    for login in spellings[: limit + 3]:
        r = await client.post("/api/v1/auth/login", json={"login": login, "password": "wrong-guess-123"})
        statuses.append(r.status_code)
    assert statuses[:limit] == [401] * limit
    assert set(statuses[limit:]) == {429}, statuses
    r = await client.post("/api/v1/auth/login", json={"login": "alice", "password": alice.password})
    assert_error(r, 429, "rate_limited")


async def test_unknown_login_spellings_share_one_counter(client: httpx.AsyncClient, clean: Resources) -> None:
    limit = clean.settings.login_attempts_per_account_ip
    for i in range(limit):
        login = ["ghost", " GHOST", "ｇｈｏｓｔ", "Ghost\t"][i % 4]
        assert_error(await client.post("/api/v1/auth/login", json={"login": login, "password": "x-guess-1"}), 401)
    assert_error(await client.post("/api/v1/auth/login", json={"login": "gHoSt", "password": "x-guess-1"}), 429)


def _app_client(clean: Resources, peer: str, **settings: object) -> httpx.AsyncClient:
    from blokhub.api.app import create_app
    from blokhub.wiring.consumers import CONSUMERS

    app = create_app(clean.settings.with_overrides(**settings), CONSUMERS, resources=clean)
    app.state.resources = clean
    transport = httpx.ASGITransport(app=app, client=(peer, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_forwarded_for_is_ignored_without_trusted_proxies(clean: Resources, alice: Account) -> None:
    limit = clean.settings.login_attempts_per_account_ip
    async with _app_client(clean, "127.0.0.1") as c:
        for i in range(limit):
            r = await c.post(
                "/api/v1/auth/login",
                json={"login": "alice", "password": "wrong-guess-123"},
                headers={"X-Forwarded-For": f"10.9.9.{i}"},  # a new "address" per guess
            )
            assert r.status_code == 401
        r = await c.post(
            "/api/v1/auth/login",
            json={"login": "alice", "password": "wrong-guess-123"},
            headers={"X-Forwarded-For": "10.9.9.250"},
        )
        assert_error(r, 429)


async def test_forwarded_for_is_believed_from_a_trusted_proxy_only(clean: Resources, alice: Account) -> None:
    limit = clean.settings.login_attempts_per_account_ip
    async with _app_client(clean, "10.0.0.5", trusted_proxies=["10.0.0.0/24"]) as proxied:
        for _ in range(limit):
            r = await proxied.post(
                "/api/v1/auth/login",
                json={"login": "alice", "password": "wrong-guess-123"},
                # The client prepends a forged hop; the proxy appends the real one.
                headers={"X-Forwarded-For": "1.2.3.4, 203.0.113.7"},
            )
            assert r.status_code == 401
        blocked = await proxied.post(
            "/api/v1/auth/login",
            json={"login": "alice", "password": alice.password},
            headers={"X-Forwarded-For": "9.9.9.9, 203.0.113.7"},  # forged hop changed, same real client
        )
        assert_error(blocked, 429)
        other = await proxied.post(
            "/api/v1/auth/login",
            json={"login": "alice", "password": alice.password},
            headers={"X-Forwarded-For": "198.51.100.20"},  # another real client behind the proxy
        )
        assert other.status_code == 200, other.text
