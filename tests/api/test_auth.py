from __future__ import annotations

import httpx

from tests.conftest import Account, assert_error, register

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"


async def test_register_returns_tokens_and_profile(client: httpx.AsyncClient) -> None:
    r = await client.post(
        REGISTER,
        json={
            "username": "Carol_1",
            "email": "carol@example.com",
            "password": "quiet-Meadow-river-7",
            "display_name": "Carol C",
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    assert body["user"]["username"] == "Carol_1" and body["user"]["email"] == "carol@example.com"
    assert body["user"]["display_name"] == "Carol C" and body["user"]["role"] == "user"
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["username"] == "Carol_1"


async def test_usernames_and_emails_are_unique_case_insensitively(client: httpx.AsyncClient, alice: Account) -> None:
    r = await client.post(
        REGISTER, json={"username": "ALICE", "email": "x@example.com", "password": "quiet-Meadow-river-7"}
    )
    assert_error(r, 409, "username_taken")
    r = await client.post(
        REGISTER, json={"username": "alice2", "email": "Alice@Example.com", "password": "quiet-Meadow-river-7"}
    )
    assert_error(r, 409, "email_taken")


async def test_register_refuses_bad_fields(client: httpx.AsyncClient) -> None:
    good = {"username": "dave", "email": "dave@example.com", "password": "quiet-Meadow-river-7"}
    for field, value in [
        ("username", "a"),
        ("username", "bad name!"),
        ("username", "x" * 33),
        ("email", "not-an-email"),
        ("username", 12),
        ("password", None),
    ]:
        error = assert_error(await client.post(REGISTER, json={**good, field: value}), 422)
        assert error["details"][0]["pointer"] == f"/{field}", error
    error = assert_error(await client.post(REGISTER, json={"username": "dave"}), 422)
    assert error["details"]


async def test_weak_and_common_passwords_are_refused(client: httpx.AsyncClient) -> None:
    for password in ["password123", "qwertyuiop", "1234567890", "aaaaaaaaaaaa", "dave-is-the-best-ok"]:
        r = await client.post(REGISTER, json={"username": "dave", "email": "dave@example.com", "password": password})
        error = assert_error(r, 422, "weak_password")
        assert error["details"][0]["pointer"] == "/password"
    # The length rule is part of the published schema, so the request's validation refuses it first.
    r = await client.post(REGISTER, json={"username": "dave", "email": "dave@example.com", "password": "short1!"})
    assert assert_error(r, 422, "validation_error")["details"][0]["pointer"] == "/password"


async def test_mass_assignment_is_refused_and_never_stored(client: httpx.AsyncClient) -> None:
    body = {"username": "eve", "email": "eve@example.com", "password": "quiet-Meadow-river-7"}
    for extra in [{"role": "admin"}, {"id": 999}, {"created_at": "2000-01-01T00:00:00Z"}]:
        error = assert_error(await client.post(REGISTER, json={**body, **extra}), 422, "unknown_field")
        assert error["details"][0]["pointer"] == "/" + next(iter(extra))
    eve = await register(client, "eve")
    r = await eve.patch("/api/v1/me", json={"role": "admin"})
    assert_error(r, 422, "unknown_field")
    assert (await eve.get("/api/v1/me")).json()["role"] == "user"


async def test_login_by_username_or_email(client: httpx.AsyncClient, alice: Account) -> None:
    for login in ["alice", "ALICE", "alice@example.com", "Alice@Example.COM"]:
        r = await client.post(LOGIN, json={"login": login, "password": alice.password})
        assert r.status_code == 200, r.text
        assert r.json()["user"]["username"] == "alice"
    assert_error(
        await client.post(LOGIN, json={"login": "alice", "password": "wrong-password-1"}), 401, "invalid_credentials"
    )
    assert_error(
        await client.post(LOGIN, json={"login": "nobody", "password": "wrong-password-1"}), 401, "invalid_credentials"
    )


async def test_refresh_rotates_and_reuse_revokes_the_family(client: httpx.AsyncClient, alice: Account) -> None:
    first = alice.refresh_token
    r = await client.post(REFRESH, json={"refresh_token": first})
    assert r.status_code == 200, r.text
    second = r.json()["refresh_token"]
    second_access = r.json()["access_token"]
    assert second != first
    # The spent token comes back (stolen, or replayed): the whole session dies, including the newest pair.
    assert_error(await client.post(REFRESH, json={"refresh_token": first}), 401, "refresh_token_reused")
    assert_error(await client.post(REFRESH, json={"refresh_token": second}), 401, "token_revoked")
    assert_error(await client.get("/api/v1/me", headers={"Authorization": f"Bearer {second_access}"}), 401)
    # Other logins are untouched.
    other = await client.post(LOGIN, json={"login": "alice", "password": alice.password})
    assert other.status_code == 200


async def test_access_token_cannot_refresh(client: httpx.AsyncClient, alice: Account) -> None:
    assert_error(await client.post(REFRESH, json={"refresh_token": alice.access_token}), 401, "invalid_token")
    assert_error(await client.post(REFRESH, json={"refresh_token": "garbage"}), 401, "invalid_token")


async def test_logout_revokes_access_and_refresh(client: httpx.AsyncClient, alice: Account) -> None:
    r = await alice.post("/api/v1/auth/logout")
    assert r.status_code == 204
    assert_error(await alice.get("/api/v1/me"), 401, "token_revoked")
    assert_error(await client.post(REFRESH, json={"refresh_token": alice.refresh_token}), 401, "token_revoked")


async def test_password_change_revokes_other_sessions(client: httpx.AsyncClient, alice: Account) -> None:
    other = (await client.post(LOGIN, json={"login": "alice", "password": alice.password})).json()
    r = await alice.post(
        "/api/v1/me/password", json={"current_password": alice.password, "new_password": "another-Long-secret-99"}
    )
    assert r.status_code == 204, r.text
    assert (await alice.get("/api/v1/me")).status_code == 200  # this session stays
    assert_error(await client.get("/api/v1/me", headers={"Authorization": f"Bearer {other['access_token']}"}), 401)
    assert_error(await client.post(REFRESH, json={"refresh_token": other["refresh_token"]}), 401)
    assert_error(await client.post(LOGIN, json={"login": "alice", "password": alice.password}), 401)
    assert (await client.post(LOGIN, json={"login": "alice", "password": "another-Long-secret-99"})).status_code == 200


async def test_password_change_checks_current_and_policy(client: httpx.AsyncClient, alice: Account) -> None:
    r = await alice.post(
        "/api/v1/me/password", json={"current_password": "wrong-one-123", "new_password": "x-Long-secret-99"}
    )
    assert_error(r, 401, "invalid_credentials")
    r = await alice.post(
        "/api/v1/me/password", json={"current_password": alice.password, "new_password": "password123"}
    )
    assert_error(r, 422, "weak_password")
