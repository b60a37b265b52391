"""Per-user write limits for community actions (429 with Retry-After)."""

from __future__ import annotations

from redis.asyncio import Redis

from blokhub.api.auth import ratelimit
from blokhub.api.errors import RateLimited

# (max, window seconds): generous for people, tight for scripts.
LIMITS = {"comment": (30, 600), "review": (30, 3600), "report": (10, 3600)}


async def check(redis: Redis, action: str, user_id: int) -> None:
    max_count, window = LIMITS[action]
    wait = await ratelimit.hit(redis, ratelimit.Limit(f"rl:{action}:{user_id}", max_count, window))
    if wait:
        raise RateLimited(f"Too many {action}s in a short time; try again in {wait} seconds.", retry_after=wait)
