"""Live delivery: every process subscribes to one Redis channel and forwards to its own WebSocket clients.

A notification created on any replica reaches the user's sockets on every replica. Each socket has a bounded
queue: a slow or dead client loses its own backlog (and is disconnected), it never blocks anyone else.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from typing import Any

from redis.asyncio import Redis

log = logging.getLogger(__name__)

CHANNEL = "blokhub:notifications"
QUEUE_SIZE = 100


class Subscriber:
    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        self.overflowed = asyncio.Event()


class NotificationHub:
    """``redis`` must have no socket read timeout: a subscription is idle most of the time, and a timeout would
    drop it (losing what is published until it resubscribes). :meth:`for_url` builds such a client."""

    @classmethod
    def for_url(cls, url: str) -> NotificationHub:
        return cls(Redis.from_url(url, socket_timeout=None, socket_connect_timeout=2, health_check_interval=30))

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._subscribers: dict[int, set[Subscriber]] = defaultdict(set)
        self._task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="notification-hub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            await self._redis.aclose()

    def subscribe(self, user_id: int) -> Subscriber:
        sub = Subscriber(user_id)
        self._subscribers[user_id].add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        subs = self._subscribers.get(sub.user_id)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._subscribers[sub.user_id]

    def deliver(self, user_id: int, message: dict[str, Any]) -> None:
        for sub in list(self._subscribers.get(user_id, ())):
            try:
                sub.queue.put_nowait(message)
            except asyncio.QueueFull:
                sub.overflowed.set()

    async def _listen(self) -> None:
        while True:
            try:
                async with self._redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self.ready.set()
                    async for raw in pubsub.listen():
                        try:
                            envelope = json.loads(raw["data"])
                            self.deliver(int(envelope["user_id"]), envelope["message"])
                        except (ValueError, KeyError, TypeError):
                            log.warning("dropping malformed hub message")
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis restarted: resubscribe; stored notifications are not lost
                self.ready.clear()
                log.warning("notification hub lost Redis (%s); resubscribing", exc)
                await asyncio.sleep(1)


async def publish(redis: Redis, user_id: int, message: dict[str, Any]) -> None:
    await redis.publish(CHANNEL, json.dumps({"user_id": user_id, "message": message}, default=str))


SESSION_ENDED = "session_ended"


async def publish_session_end(
    redis: Redis, user_id: int, *, reason: str, session_id: str | None = None, keep: str | None = None
) -> None:
    """Tell every replica that sessions of ``user_id`` ended (one, or all but ``keep``): their sockets close."""
    message = {"type": SESSION_ENDED, "session_id": session_id, "keep": keep, "reason": reason}
    try:
        await publish(redis, user_id, message)
    except Exception as exc:  # sockets still re-check their session against PostgreSQL on their own
        log.warning("session end not published (%s); sockets will notice on their next check", exc)
