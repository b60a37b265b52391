"""Counters buffered in Redis hashes and drained into PostgreSQL in bulk by cron jobs.

Hot counters (views, search-query statistics) would turn reads into row updates that contend on popular rows;
here a read costs one HINCRBY and a job applies the sums in one statement. Losing Redis loses at most the counts
since the last drain, never a write that matters.
"""

from __future__ import annotations

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
