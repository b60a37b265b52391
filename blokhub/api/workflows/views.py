"""View counting without turning every read into a row update: count in Redis, flush to PostgreSQL in bulk."""

from __future__ import annotations

import logging

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)

PENDING_KEY = "workflows:views:pending"
FLUSHING_KEY = "workflows:views:flushing"


async def record_view(redis: Redis, workflow_id: int) -> None:
    try:
        await redis.hincrby(PENDING_KEY, str(workflow_id), 1)  # type: ignore[misc]
    except Exception as exc:  # a lost view count must never fail a read
        log.debug("view not counted: %s", exc)


async def flush_views(redis: Redis, db: AsyncSession) -> int:
    """Move pending counts into workflows.views_count in one statement (cron job ``workflows.flush_views``).

    The pending hash is renamed first, so views arriving meanwhile go to a fresh hash; a crash between the rename
    and the commit leaves FLUSHING_KEY behind, which the next run picks up before renaming again."""
    if not await redis.exists(FLUSHING_KEY):
        try:
            await redis.rename(PENDING_KEY, FLUSHING_KEY)
        except Exception:  # nothing pending
            return 0
    counts = await redis.hgetall(FLUSHING_KEY)  # type: ignore[misc]
    if counts:
        ids = [int(k) for k in counts]
        values = [int(v) for v in counts.values()]
        await db.execute(
            text(
                "UPDATE workflows AS w SET views_count = w.views_count + v.n "
                "FROM unnest(CAST(:ids AS bigint[]), CAST(:ns AS bigint[])) AS v(id, n) WHERE w.id = v.id"
            ),
            {"ids": ids, "ns": values},
        )
        await db.commit()
    await redis.delete(FLUSHING_KEY)
    return sum(int(v) for v in counts.values())
