"""Fixed-window counters in Redis for rate limits (login failures, writes per user, AI budgets)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from redis.asyncio import Redis

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Limit:
    key: str
    max: int
    window: int  # seconds


async def exceeded(redis: Redis, limit: Limit) -> int:
    """Seconds until ``limit`` resets when it is already spent, else 0. Fails open when Redis is down."""
    try:
        raw = await redis.get(limit.key)
        if raw is not None and int(raw) >= limit.max:
            return max(1, int(await redis.ttl(limit.key)))
    except Exception as exc:
        log.warning("rate limit check skipped (redis unavailable): %s", exc)
    return 0


async def hit(redis: Redis, limit: Limit) -> int:
    """Count one hit; returns seconds to wait if this hit went over the limit, else 0."""
    try:
        async with redis.pipeline(transaction=True) as pipe:
            # SET NX EX starts the window (Redis 6.2 has no EXPIRE NX); INCR keeps the TTL.
            pipe.set(limit.key, 0, ex=limit.window, nx=True)
            pipe.incr(limit.key)
            _, count = await pipe.execute()
        if int(count) > limit.max:
            return max(1, int(await redis.ttl(limit.key)))
    except Exception as exc:
        log.warning("rate limit hit not recorded (redis unavailable): %s", exc)
    return 0


async def reset(redis: Redis, limit: Limit) -> None:
    try:
        await redis.delete(limit.key)
    except Exception as exc:
        log.warning("rate limit reset skipped: %s", exc)
