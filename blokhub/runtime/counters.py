"""Counters buffered in Redis hashes and drained into PostgreSQL in bulk by cron jobs.

Hot counters (views, search-query statistics) would turn reads into row updates that contend on popular rows;
here a read costs one HINCRBY and a job applies the sums in one statement. Losing Redis loses at most the counts
since the last drain, never a write that matters.
"""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio import Redis

log = logging.getLogger(__name__)


async def bump(redis: Redis, key: str, field: str, by: int = 1) -> None:
    try:
        await redis.hincrby(key, field, by)  # type: ignore[misc]
    except Exception as exc:  # a lost count must never fail the request that made it
        log.debug("counter %s not bumped: %s", key, exc)


async def drain(redis: Redis, key: str) -> dict[str, int]:
    """Take everything counted under ``key`` so far.

    The hash is renamed first, so counts arriving meanwhile start a fresh hash. A crash after the rename leaves
    ``<key>:draining`` behind; the next drain takes that one first, so nothing is counted twice or lost."""
    draining = f"{key}:draining"
    if not await redis.exists(draining):
        try:
            await redis.rename(key, draining)
        except Exception:  # nothing counted since the last drain
            return {}
    raw = await redis.hgetall(draining)  # type: ignore[misc]
    return {k.decode() if isinstance(k, bytes) else str(k): int(v) for k, v in raw.items()}


async def done(redis: Redis, *keys: str) -> None:
    """Call after the drained counts are committed."""
    await redis.delete(*(f"{key}:draining" for key in keys))


class Tally:
    """Counts gathered in this process and sent to Redis as one pipeline of HINCRBYs at most every `interval`
    seconds, instead of a round trip per count on the request path. A crash loses at most the last interval's
    counts (the same bargain as the Redis buffer itself); `push` sends what is pending at once."""

    def __init__(self, interval: float = 0.5) -> None:
        self._interval = interval
        self._counts: dict[tuple[str, str], int] = {}
        self._flusher: asyncio.Task[None] | None = None

    def add(self, redis: Redis, key: str, field: str, by: int = 1) -> None:
        self._counts[(key, field)] = self._counts.get((key, field), 0) + by
        loop = asyncio.get_running_loop()
        flusher = self._flusher
        # A flusher from another (closed) event loop never runs again: start one on this loop.
        if flusher is None or flusher.done() or flusher.get_loop() is not loop:
            self._flusher = loop.create_task(self._later(redis))

    async def _later(self, redis: Redis) -> None:
        await asyncio.sleep(self._interval)
        await self.push(redis)

    async def push(self, redis: Redis) -> None:
        counts, self._counts = self._counts, {}
        if not counts:
            return
        try:
            async with redis.pipeline(transaction=False) as pipe:
                for (key, field), n in counts.items():
                    pipe.hincrby(key, field, n)
                await pipe.execute()
        except Exception as exc:  # a lost count must never fail anything
            log.debug("%d counters not sent: %s", len(counts), exc)
