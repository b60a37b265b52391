from __future__ import annotations

import httpx

from tests.conftest import Account, assert_error


async def test_health_and_ready(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {
        "database": "ok",
        "redis": "ok",
        "search": "ok",
        "vectors": "ok",
        "embedder": "ok",
    }


async def test_metrics_are_prometheus_text(client: httpx.AsyncClient) -> None:
    await client.get("/health")
    r = await client.get("/metrics")
    assert r.status_code == 200
    assert "blokhub_requests_total" in r.text


async def test_openapi_lists_the_contract(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/schema/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    for path in [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/me/password",
        "/api/v1/users/{username}",
        "/health",
        "/ready",
    ]:
        assert path in spec["paths"], path


async def test_request_id_is_echoed_or_generated(client: httpx.AsyncClient) -> None:
    r = await client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    assert len((await client.get("/health")).headers["x-request-id"]) == 32


async def test_body_limit_is_one_mebibyte(client: httpx.AsyncClient) -> None:
    limit = 1024 * 1024
    padding = '{"login": "x", "password": "' + "p" * (limit - 40)
    just_under = padding + '"}'
    assert len(just_under) <= limit
    # Under the limit the body is read and judged on its content (too long a password → 422, not 413).
    r = await client.post("/api/v1/auth/login", content=just_under, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    over = '{"login": "x", "password": "' + "p" * limit + '"}'
    assert_error(
        await client.post("/api/v1/auth/login", content=over, headers={"content-type": "application/json"}),
        413,
        "payload_too_large",
    )
    eleven = b"{" + b" " * (11 * 1024 * 1024) + b"}"
    assert_error(
        await client.post("/api/v1/auth/login", content=eleven, headers={"content-type": "application/json"}), 413
    )


async def test_invalid_json_and_wrong_types_are_4xx(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/auth/login", content=b'{"login": ', headers={"content-type": "application/json"})
    assert_error(r, 400, "invalid_json")
    r = await client.post("/api/v1/auth/login", content=b"[1, 2]", headers={"content-type": "application/json"})
    assert_error(r, 422)
    r = await client.post("/api/v1/auth/login", content=b"\xff\xfe", headers={"content-type": "application/json"})
    assert r.status_code in (400, 422)


async def test_unknown_route_and_method(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/v1/nope"), 404, "not_found")
    assert_error(await client.delete("/api/v1/auth/login"), 405, "method_not_allowed")


async def test_me_and_profiles(client: httpx.AsyncClient, alice: Account) -> None:
    r = await alice.patch(
        "/api/v1/me",
        json={
            "display_name": "Alice A.",
            "bio": "Builds things",
            "links": [{"title": "site", "url": "https://alice.dev"}],
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["display_name"] == "Alice A." and r.json()["links"][0]["url"] == "https://alice.dev"
    me = (await alice.get("/api/v1/me")).json()  # read back through the read path's own lookup (JSON decoded)
    assert me["links"] == [{"title": "site", "url": "https://alice.dev"}] and me["bio"] == "Builds things"
    profile = (await client.get("/api/v1/users/ALICE")).json()
    assert profile["display_name"] == "Alice A." and profile["bio"] == "Builds things"
    assert "email" not in profile and set(profile["stats"]) >= {
        "workflows",
        "followers",
        "following",
        "favorites_received",
        "reputation",
    }
    assert_error(await client.get("/api/v1/users/nobody"), 404)
    assert_error(await alice.patch("/api/v1/me", json={"avatar_url": "javascript:alert(1)"}), 422)
