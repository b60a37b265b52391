"""Live notifications over a real WebSocket, across two server processes' worth of apps sharing one Redis."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from blokhub.api.app import create_app
from blokhub.api.notifications.hub import NotificationHub, Subscriber
from blokhub.config import Settings
from blokhub.runtime.resources import Resources
from blokhub.wiring.consumers import CONSUMERS
from tests.api.workflow_helpers import simple


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, settings: Settings) -> None:
        self.port = _free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(
                create_app(settings, CONSUMERS), host="127.0.0.1", port=self.port, log_config=None, lifespan="on"
            )
        )
        self.server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]
        self.task: asyncio.Task[None] | None = None

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    async def __aenter__(self) -> Server:
        self.task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            await asyncio.sleep(0.01)
        hub: NotificationHub = self.server.config.loaded_app.app.state.hub  # type: ignore[union-attr]
        await asyncio.wait_for(hub.ready.wait(), 5)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.should_exit = True
        assert self.task is not None
        await self.task


@pytest.fixture
async def servers(clean: Resources) -> AsyncIterator[tuple[Server, Server]]:
    async with Server(clean.settings) as a, Server(clean.settings) as b:
        yield a, b


async def _register(base: str, name: str) -> str:
    async with httpx.AsyncClient() as c:
        r = await c.post(
            f"{base}/auth/register",
            json={"username": name, "email": f"{name}@example.com", "password": "socket-Secret-2024"},
        )
        assert r.status_code == 201, r.text
        token: str = r.json()["access_token"]
        return token


async def _next(ws: Any, timeout: float = 10.0) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout))
    return message


async def test_push_reaches_a_socket_on_another_replica(servers: tuple[Server, Server]) -> None:
    a, b = servers
    alice = await _register(a.http, "alice")
    bob = await _register(b.http, "bob")
    async with connect(a.ws, additional_headers={"Authorization": f"Bearer {alice}"}) as ws:
        assert await _next(ws) == {"type": "hello", "unread": 0}
        async with httpx.AsyncClient() as c:  # bob acts through replica B
            r = await c.put(f"{b.http}/users/alice/follow", headers={"Authorization": f"Bearer {bob}"})
            assert r.status_code == 200
        # Behaviour, not speed: it arrives (push latency is measured by bench/feed.py, not asserted here).
        message = await _next(ws)
        assert message["type"] == "notification"
        assert message["notification"]["kind"] == "new_follower"
        assert message["notification"]["actor"]["username"] == "bob"
        assert message["unread"] == 1  # the count after it, which the web app shows as it is
        await ws.send("ping")
        assert await asyncio.wait_for(ws.recv(), 10) == "pong"


async def test_query_token_for_browsers_and_refusals(servers: tuple[Server, Server]) -> None:
    a, _ = servers
    alice = await _register(a.http, "alice")
    async with connect(f"{a.ws}?token={alice}") as ws:
        assert (await _next(ws))["type"] == "hello"
    async with connect(f"ws://127.0.0.1:{a.port}/api/v1/ws?token={alice}") as ws:
        assert (await _next(ws))["type"] == "hello"
    # Issue 13.12: a refused socket is told why (close code 4401 and a reason), not a bare 403.
    for uri, headers in [(a.ws, {}), (a.ws, {"Authorization": "Bearer nope"}), (f"{a.ws}?token=garbage", {})]:
        async with connect(uri, additional_headers=headers) as ws:
            with pytest.raises(ConnectionClosed) as refused:
                await asyncio.wait_for(ws.recv(), 5)
        assert refused.value.rcvd is not None and refused.value.rcvd.code == 4401
        assert refused.value.rcvd.reason.startswith("unauthorized: ") and len(refused.value.rcvd.reason) > 20


async def test_a_stalled_socket_never_blocks_the_others(servers: tuple[Server, Server]) -> None:
    a, _ = servers
    alice = await _register(a.http, "alice")
    bob = await _register(a.http, "bob")
    # A client that completes the handshake and then never reads a byte.
    reader, writer = await asyncio.open_connection("127.0.0.1", a.port)
    writer.write(
        (
            f"GET /ws?token={alice} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    assert b"101" in await reader.readuntil(b"\r\n\r\n")
    try:
        async with connect(a.ws, additional_headers={"Authorization": f"Bearer {bob}"}) as ws:
            await _next(ws)
            hub: NotificationHub = a.server.config.loaded_app.app.state.hub  # type: ignore[union-attr]
            alice_id = _user_id(alice)
            assert alice_id in hub._subscribers
            for i in range(500):  # flood the stalled user far past their queue
                hub.deliver(alice_id, {"type": "notification", "n": i, "pad": "x" * 2000})
            hub.deliver(_user_id(bob), {"type": "notification", "n": "for bob"})
            assert (await _next(ws))["n"] == "for bob"
    finally:
        writer.close()


def _user_id(token: str) -> int:
    import jwt

    return int(jwt.decode(token, options={"verify_signature": False})["sub"])


async def test_hub_deliver_is_non_blocking_and_marks_overflow() -> None:
    hub = NotificationHub(redis=None)  # type: ignore[arg-type]
    slow, fast = hub.subscribe(1), hub.subscribe(2)
    for i in range(1000):
        hub.deliver(1, {"n": i})
    hub.deliver(2, {"n": "ok"})
    assert slow.overflowed.is_set() and slow.queue.qsize() == 100
    assert fast.queue.get_nowait() == {"n": "ok"} and not fast.overflowed.is_set()
    hub.unsubscribe(slow)
    hub.unsubscribe(fast)
    assert hub._subscribers == {}
    assert isinstance(slow, Subscriber)


async def test_closed_socket_is_unsubscribed(servers: tuple[Server, Server]) -> None:
    a, _ = servers
    alice = await _register(a.http, "alice")
    hub: NotificationHub = a.server.config.loaded_app.app.state.hub  # type: ignore[union-attr]
    async with connect(a.ws, additional_headers={"Authorization": f"Bearer {alice}"}) as ws:
        await _next(ws)
        assert _user_id(alice) in hub._subscribers
    for _ in range(100):
        if _user_id(alice) not in hub._subscribers:
            break
        await asyncio.sleep(0.01)
    assert _user_id(alice) not in hub._subscribers


async def test_delivery_survives_an_idle_subscription(servers: tuple[Server, Server]) -> None:
    """Pushes keep arriving however long the subscription sits idle (a read timeout on the hub's Redis connection
    once dropped it every few seconds, losing whatever was published until it resubscribed)."""
    a, b = servers
    alice = await _register(a.http, "alice")
    bob = await _register(b.http, "bob")
    headers = {"Authorization": f"Bearer {bob}"}
    async with connect(a.ws, additional_headers={"Authorization": f"Bearer {alice}"}) as ws, httpx.AsyncClient() as c:
        await _next(ws)
        for _ in range(8):
            await asyncio.sleep(0.7)
            await c.delete(f"{b.http}/users/alice/follow", headers=headers)
            await c.put(f"{b.http}/users/alice/follow", headers=headers)
            assert (await _next(ws, timeout=1.5))["notification"]["kind"] == "new_follower"


async def test_connect_and_close_leave_no_pending_task_behind(
    servers: tuple[Server, Server], caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 13.12: closing a socket cancels and awaits its waiters, so none is destroyed while pending."""
    import gc

    a, _ = servers
    alice = await _register(a.http, "alice")
    with caplog.at_level("ERROR", logger="asyncio"):
        for _ in range(5):
            async with connect(f"{a.ws}?token={alice}") as ws:
                assert (await _next(ws))["type"] == "hello"
        await asyncio.sleep(0.3)
        gc.collect()
        await asyncio.sleep(0.1)
    assert not [r for r in caplog.records if "destroyed but it is pending" in r.getMessage()]


async def test_a_growing_group_is_pushed_under_its_first_id(servers: tuple[Server, Server]) -> None:
    """Issue 13.11: each event of a group is pushed, always with the group's one id and its current count."""
    a, _ = servers
    alice = await _register(a.http, "alice")
    bob = await _register(a.http, "bob")
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {bob}"}) as as_bob:
        r = await as_bob.post(f"{a.http}/workflows", json={"definition": simple()})
        wid = r.json()["id"]
        async with connect(a.ws, additional_headers={"Authorization": f"Bearer {bob}"}) as ws:
            assert await _next(ws) == {"type": "hello", "unread": 0}
            pushed = []
            async with httpx.AsyncClient(headers={"Authorization": f"Bearer {alice}"}) as as_alice:
                for i in range(3):
                    r = await as_alice.post(f"{a.http}/workflows/{wid}/comments", json={"body": f"note {i}"})
                    assert r.status_code == 201
                    pushed.append((await _next(ws, timeout=2.0))["notification"])
            assert len({n["id"] for n in pushed}) == 1
            assert [(n["count"], n["excerpt"]) for n in pushed] == [(1, "note 0"), (2, "note 1"), (3, "note 2")]
            listed = (await as_bob.get(f"{a.http}/notifications")).json()
            assert [n["id"] for n in listed["items"]] == [pushed[0]["id"]] and listed["unread"] == 1
