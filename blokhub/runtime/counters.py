"""Counters buffered in Redis hashes and drained into PostgreSQL in bulk by cron jobs.

Hot counters (views, search-query statistics) would turn reads into row updates that contend on popular rows;
here a read costs one HINCRBY and a job applies the sums in one statement. Losing Redis loses at most the counts
since the last drain, never a write that matters.
"""

from __future__ import annotations

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
