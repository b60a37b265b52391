"""View counting without turning every read into a row update (see blokhub.runtime.counters)."""

from __future__ import annotations

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.after_commit import after_commit
from blokhub.runtime import counters

VIEWS_KEY = "workflows:views"


async def record_view(redis: Redis, workflow_id: int) -> None:
    await counters.bump(redis, VIEWS_KEY, str(workflow_id))


async def flush_views(redis: Redis, db: AsyncSession) -> int:
    """Apply pending view counts to workflows.views_count in one statement (cron ``workflows.flush_views``).

    The caller's unit of work commits; the drained counts are released only after that commit, so a rollback
    leaves them for the next run."""
    counts = await counters.drain(redis, VIEWS_KEY)
    if counts:
        await db.execute(
            text(
                "UPDATE workflows AS w SET views_count = w.views_count + v.n "
                "FROM unnest(CAST(:ids AS bigint[]), CAST(:ns AS bigint[])) AS v(id, n) WHERE w.id = v.id"
            ),
            {"ids": [int(k) for k in counts], "ns": list(counts.values())},
        )
        await db.execute(
            text(
                "INSERT INTO workflow_daily_views (workflow_id, day, views) "
                "SELECT v.id, current_date, v.n FROM unnest(CAST(:ids AS bigint[]), CAST(:ns AS bigint[])) AS v(id, n) "
                "WHERE EXISTS (SELECT 1 FROM workflows w WHERE w.id = v.id) "
                "ON CONFLICT (workflow_id, day) DO UPDATE SET views = workflow_daily_views.views + EXCLUDED.views"
            ),
            {"ids": [int(k) for k in counts], "ns": list(counts.values())},
        )
    after_commit(db, lambda: counters.done(redis, VIEWS_KEY))
    return sum(counts.values())
