"""Counters buffered in Redis hashes and drained into PostgreSQL in bulk by cron jobs.

Hot counters (views, search-query statistics) would turn reads into row updates that contend on popular rows;
here a read costs one HINCRBY and a job applies the sums in one statement. Losing Redis loses at most the counts
since the last drain, never a write that matters.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

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


def _bad_item(exc: Exception) -> bool:
    """The database refusing an item itself (a NUL it cannot store, a value out of range, a key that is not an id),
    as opposed to an outage, which must leave the items where they are for the next run."""
    if isinstance(exc, ValueError | OverflowError):
        return True
    if isinstance(exc, OperationalError | InterfaceError):
        return False
    return isinstance(exc, DBAPIError) and not exc.connection_invalidated


async def apply_or_quarantine(
    db: AsyncSession, redis: Redis, key: str, items: dict[str, int], apply: Callable[[dict[str, int]], Awaitable[None]]
) -> dict[str, int]:
    """Apply drained ``items`` in one batch; if the batch is refused, apply them one by one and move each refused
    item to ``<key>:quarantine`` (kept for inspection, logged). One bad item must never stop a drain: a drain that
    fails on every run stops counting for everyone, across restarts. Returns the quarantined items."""
    try:
        async with db.begin_nested():
            await apply(items)
        return {}
    except Exception as exc:
        if not _bad_item(exc):
            raise
        log.warning("drain of %s refused as a batch (%s); applying items one by one", key, type(exc).__name__)
    bad: dict[str, int] = {}
    for item, count in items.items():
        try:
            async with db.begin_nested():
                await apply({item: count})
        except Exception as exc:
            if not _bad_item(exc):
                raise
            bad[item] = count
    if bad:
        log.warning("drain of %s quarantined %d item(s) to %s:quarantine", key, len(bad), key)
        try:
            await redis.hset(f"{key}:quarantine", mapping={k: str(v) for k, v in bad.items()})  # type: ignore[misc]
        except Exception as exc:  # the quarantine is for people to look at; losing it loses nothing else
            log.warning("quarantine of %s not kept: %s", key, exc)
    return bad
