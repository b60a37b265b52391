"""A socket lives no longer than its session, on every replica; what it pushes is rendered for its reader."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from blokhub.db.models import User
from blokhub.runtime.resources import Resources
from tests.api.test_websocket import Server
from tests.api.workflow_helpers import simple


@pytest.fixture
async def servers(clean: Resources) -> AsyncIterator[tuple[Server, Server]]:
    async with Server(clean.settings) as a, Server(clean.settings) as b:
        yield a, b


async def _register(base: str, name: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as c:
        r = await c.post(
            f"{base}/auth/register",
            json={"username": name, "email": f"{name}@example.com", "password": "socket-Secret-2024"},
        )
        assert r.status_code == 201, r.text
        body: dict[str, Any] = r.json()
        return body


async def _closed_with(ws: Any, timeout: float = 2.0) -> tuple[int, str]:
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(ws.recv(), timeout)
    rcvd = closed.value.rcvd
    assert rcvd is not None, "closed without a close frame"
    return rcvd.code, rcvd.reason


async def test_logout_closes_the_socket_on_another_replica(servers: tuple[Server, Server]) -> None:
    a, b = servers
    alice = await _register(a.http, "alice")
    async with connect(a.ws, additional_headers={"Authorization": f"Bearer {alice['access_token']}"}) as ws:
        assert json.loads(await ws.recv())["type"] == "hello"
        async with httpx.AsyncClient() as c:
            r = await c.post(f"{b.http}/auth/logout", headers={"Authorization": f"Bearer {alice['access_token']}"})
            assert r.status_code == 204
        assert await _closed_with(ws) == (4401, "session ended: logout")


async def test_password_change_closes_the_other_sessions_only(servers: tuple[Server, Server]) -> None:
    a, b = servers
    first = await _register(a.http, "alice")
    async with httpx.AsyncClient() as c:
        second = (
            await c.post(f"{b.http}/auth/login", json={"login": "alice", "password": "socket-Secret-2024"})
        ).json()
        async with (
            connect(a.ws, additional_headers={"Authorization": f"Bearer {first['access_token']}"}) as old,
            connect(b.ws, additional_headers={"Authorization": f"Bearer {second['access_token']}"}) as current,
        ):
            await old.recv()
            await current.recv()
            r = await c.post(
                f"{b.http}/me/password",
                json={"current_password": "socket-Secret-2024", "new_password": "another-Secret-2025"},
                headers={"Authorization": f"Bearer {second['access_token']}"},
            )
            assert r.status_code == 204, r.text
            assert await _closed_with(old) == (4401, "session ended: password_changed")
            await current.send("ping")
            assert await asyncio.wait_for(current.recv(), 1) == "pong"


async def test_refresh_token_reuse_closes_the_family_socket(servers: tuple[Server, Server]) -> None:
    a, b = servers
    alice = await _register(a.http, "alice")
    async with connect(a.ws, additional_headers={"Authorization": f"Bearer {alice['access_token']}"}) as ws:
        await ws.recv()
        async with httpx.AsyncClient() as c:
            assert (await c.post(f"{b.http}/auth/refresh", json={"refresh_token": alice["refresh_token"]})).is_success
            reused = await c.post(f"{b.http}/auth/refresh", json={"refresh_token": alice["refresh_token"]})
            assert reused.status_code == 401
        assert await _closed_with(ws) == (4401, "session ended: refresh_reuse")


async def test_a_ban_closes_every_socket_of_the_account(servers: tuple[Server, Server], clean: Resources) -> None:
    a, b = servers
    alice = await _register(a.http, "alice")
    await _register(a.http, "mod")
    async with clean.sessionmaker() as db, db.begin():
        await db.execute(update(User).where(User.username == "mod").values(role="moderator"))
    async with httpx.AsyncClient() as c:
        mod = (await c.post(f"{a.http}/auth/login", json={"login": "mod", "password": "socket-Secret-2024"})).json()
        async with connect(b.ws, additional_headers={"Authorization": f"Bearer {alice['access_token']}"}) as ws:
            await ws.recv()
            r = await c.post(
                f"{a.http}/admin/users/alice/ban", headers={"Authorization": f"Bearer {mod['access_token']}"}
            )
            assert r.status_code == 204, r.text
            assert await _closed_with(ws) == (4401, "session ended: banned")


async def test_notifications_render_under_the_readers_visibility(servers: tuple[Server, Server]) -> None:
    """A makes a workflow private and renames it: B's notifications (REST and pushed) never show the new title."""
    a, b = servers
    alice, bob = await _register(a.http, "alice"), await _register(a.http, "bob")
    ah, bh = ({"Authorization": f"Bearer {x['access_token']}"} for x in (alice, bob))
    async with httpx.AsyncClient() as c:
        wid = (await c.post(f"{a.http}/workflows", json={"definition": simple()}, headers=ah)).json()["id"]
        comment = (await c.post(f"{a.http}/workflows/{wid}/comments", json={"body": "q?"}, headers=bh)).json()
        await c.post(f"{a.http}/workflows/{wid}/comments", json={"body": "a", "parent_id": comment["id"]}, headers=ah)
        before = (await c.get(f"{a.http}/notifications", headers=bh)).json()["items"]
        assert before[0]["workflow"]["title"] == simple()["name"]
        r = await c.patch(
            f"{a.http}/workflows/{wid}", json={"visibility": "private", "title": "Secret merger plan"}, headers=ah
        )
        assert r.status_code == 200, r.text
        assert (await c.get(f"{a.http}/workflows/{wid}", headers=bh)).status_code == 404
        after = (await c.get(f"{a.http}/notifications", headers=bh)).json()
        assert "Secret merger plan" not in json.dumps(after)
        assert after["items"][0]["workflow"] is None
        async with connect(b.ws, additional_headers=bh) as ws:
            await ws.recv()
            await c.post(
                f"{a.http}/workflows/{wid}/comments", json={"body": "more", "parent_id": comment["id"]}, headers=ah
            )
            pushed = json.loads(await asyncio.wait_for(ws.recv(), 2))
        assert pushed["type"] == "notification" and pushed["notification"]["kind"] == "comment_reply"
        assert pushed["notification"]["workflow"] is None
        assert "Secret merger plan" not in json.dumps(pushed)
