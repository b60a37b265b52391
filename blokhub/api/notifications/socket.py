"""One open notification socket: forwards what the hub delivers, rendered for its reader, until its session ends."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

from litestar import WebSocket
from sqlalchemy import select

from blokhub.api.notifications import services
from blokhub.api.notifications.hub import SESSION_ENDED, NotificationHub
from blokhub.db.models import AuthSession, User
from blokhub.runtime.resources import Resources

# How often an open socket re-checks its session against PostgreSQL, in case a "session ended" message was missed
# (Redis restarting, say). The message itself closes sockets at once on every replica.
SESSION_RECHECK_SECONDS = 15.0
SESSION_ENDED_CODE = 4401
TOO_SLOW_CODE = 4008


class _TooSlow(Exception):
    pass


class LiveSocket:
    def __init__(
        self, socket: WebSocket[Any, Any, Any], resources: Resources, hub: NotificationHub, user: User, session_id: str
    ) -> None:
        self.socket, self.resources, self.hub = socket, resources, hub
        self.user, self.session_id = user, session_id
        self.sub = hub.subscribe(user.id)

    async def run(self) -> None:
        tasks = [asyncio.create_task(self._receive()), asyncio.create_task(self._send())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self.hub.unsubscribe(self.sub)
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(BaseException):
                    await task

    async def _receive(self) -> None:
        while True:
            message = await self.socket.receive_data(mode="text")
            if message == "ping":
                await self.socket.send_text("pong")

    async def _next(self) -> dict[str, Any] | None:
        """The next hub message, or None when the recheck interval passed first."""
        get_task = asyncio.ensure_future(self.sub.queue.get())
        overflow = asyncio.ensure_future(self.sub.overflowed.wait())
        try:
            done, _ = await asyncio.wait(
                {get_task, overflow}, timeout=SESSION_RECHECK_SECONDS, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            # Also when _send() itself is cancelled (the socket closed): a waiter left pending is later destroyed
            # by the garbage collector ("Task was destroyed but it is pending!"). Cancel and await both.
            for task in (get_task, overflow):
                task.cancel()
            await asyncio.gather(get_task, overflow, return_exceptions=True)
        if overflow in done:
            raise _TooSlow
        return get_task.result() if get_task in done else None

    def _ends_mine(self, message: dict[str, Any]) -> bool:
        if message.get("type") != SESSION_ENDED:
            return False
        target, keep = message.get("session_id"), message.get("keep")
        return (target is None or target == self.session_id) and keep != self.session_id

    async def _session_alive(self) -> bool:
        async with self.resources.read_sessionmaker() as db:
            row = (
                await db.execute(
                    select(AuthSession.revoked_at, User.banned_at)
                    .join(User, User.id == AuthSession.user_id)
                    .where(AuthSession.id == uuid.UUID(self.session_id), AuthSession.user_id == self.user.id)
                )
            ).first()
        return row is not None and row[0] is None and row[1] is None

    async def _unread(self) -> int:
        async with self.resources.read_sessionmaker() as db:
            return await services.unread_count(db, self.user.id)

    async def _send(self) -> None:
        # Counted after subscribing (in __init__), never before: a notification committed while the socket opens is
        # then counted here and also pushed (carrying the count, so it is not counted twice), never lost between.
        await self.socket.send_json({"type": "hello", "unread": await self._unread()})
        while True:
            try:
                message = await self._next()
            except _TooSlow:
                await self.socket.close(code=TOO_SLOW_CODE, reason="too slow")
                return
            if message is None:
                if not await self._session_alive():
                    await self.socket.close(code=SESSION_ENDED_CODE, reason="session ended")
                    return
            elif self._ends_mine(message):
                await self.socket.close(code=SESSION_ENDED_CODE, reason=f"session ended: {message.get('reason', '')}")
                return
            elif message.get("type") == "notification" and "id" in message:
                async with self.resources.read_sessionmaker() as db:
                    rendered = await services.render(db, self.user, int(message["id"]))
                    if rendered is not None:
                        rendered["unread"] = await services.unread_count(db, self.user.id)
                if rendered is not None:
                    await asyncio.wait_for(self.socket.send_json(rendered), timeout=5)
            elif message.get("type") != SESSION_ENDED:  # other pushes carry nothing to render
                await asyncio.wait_for(self.socket.send_json(message), timeout=5)
