"""Per-user daily budgets for generation, in Redis: requests counted up front, tokens after each call."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from blokhub.api.errors import RateLimited
from blokhub.runtime.resources import Resources

log = logging.getLogger(__name__)


def _keys(user_id: int) -> tuple[str, str, int]:
    now = datetime.now(UTC)
    day = now.strftime("%Y%m%d")
    reset = int((datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1) - now).total_seconds())
    return f"ai:requests:{user_id}:{day}", f"ai:tokens:{user_id}:{day}", max(1, reset)


async def spend_request(resources: Resources, user_id: int) -> None:
    """Count one request; 429 when today's requests or tokens are spent. Fails open if Redis is down."""
    requests_key, tokens_key, reset = _keys(user_id)
    s = resources.settings
    try:
        async with resources.redis.pipeline(transaction=True) as pipe:
            pipe.incr(requests_key)
            pipe.expire(requests_key, reset + 3600)
            pipe.get(tokens_key)
            count, _, tokens = await pipe.execute()
    except Exception as exc:
        log.warning("AI budget not checked (redis unavailable): %s", exc)
        return
    if int(count) > s.ai_daily_requests or int(tokens or 0) >= s.ai_daily_tokens:
        raise RateLimited("Today's generation budget is spent; it resets at midnight UTC.", retry_after=reset)


async def spend_tokens(resources: Resources, user_id: int, tokens: int) -> None:
    if tokens <= 0:
        return
    _, tokens_key, reset = _keys(user_id)
    try:
        async with resources.redis.pipeline(transaction=True) as pipe:
            pipe.incrby(tokens_key, tokens)
            pipe.expire(tokens_key, reset + 3600)
            await pipe.execute()
    except Exception as exc:
        log.warning("AI tokens not counted (redis unavailable): %s", exc)
