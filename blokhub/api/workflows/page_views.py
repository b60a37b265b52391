"""View counting without turning every read into a row update (see blokhub.runtime.counters).

A view is one distinct viewer per workflow per day: the account, or a keyed hash of the client address for anonymous
readers (the address itself is never stored). Reloading a page, or a script fetching it 1,500 times, is one view.
Each viewer is also throttled: past ``VIEWS_PER_VIEWER_HOUR`` counted views an hour, their reads count for nothing."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.after_commit import after_commit
from blokhub.runtime import counters

log = logging.getLogger(__name__)

VIEWS_KEY = "workflows:views"


VIEWS_PER_VIEWER_HOUR = 120
_DAY = 86_400


def viewer_key(secret: str, user_id: int | None, client_address: str | None) -> str:
    """Who is viewing, as a counting key: ``u:<id>`` for an account, ``a:<keyed hash>`` for an address."""
    if user_id is not None:
        return f"u:{user_id}"
    digest = hmac.new(secret.encode(), (client_address or "unknown").encode(), hashlib.sha256).hexdigest()
    return f"a:{digest[:24]}"


async def record_view(redis: Redis, workflow_id: int, viewer: str) -> None:
    """Count ``viewer``'s view of ``workflow_id`` once a day (HyperLogLog: ~0.8% error, a few hundred bytes per
    workflow-day). A lost count never fails the read that made it."""
    day = int(time.time()) // _DAY
    try:
        async with redis.pipeline(transaction=False) as pipe:
            pipe.pfadd(f"views:seen:{day}:{workflow_id}", viewer)
            pipe.expire(f"views:seen:{day}:{workflow_id}", 2 * _DAY)
            new, _ = await pipe.execute()
        if not new:
            return
        budget = f"views:budget:{int(time.time()) // 3600}:{viewer}"
        async with redis.pipeline(transaction=True) as pipe:
            pipe.incr(budget)
            pipe.expire(budget, 3600)
            spent, _ = await pipe.execute()
        if int(spent) > VIEWS_PER_VIEWER_HOUR:
            return
    except Exception as exc:
        log.debug("view not counted: %s", exc)
        return
    await counters.bump(redis, VIEWS_KEY, str(workflow_id))


async def flush_views(redis: Redis, db: AsyncSession) -> int:
    """Apply pending view counts to workflows.views_count in one statement (cron ``workflows.flush_views``).

    The caller's unit of work commits; the drained counts are released only after that commit, so a rollback
    leaves them for the next run."""
    counts = await counters.drain(redis, VIEWS_KEY)
    if counts:

        async def apply(items: dict[str, int]) -> None:
            params = {"ids": [int(k) for k in items], "ns": list(items.values())}
            await db.execute(_ADD_VIEWS, params)
            await db.execute(_ADD_DAILY_VIEWS, params)

        await counters.apply_or_quarantine(db, redis, VIEWS_KEY, counts, apply)
    after_commit(db, lambda: counters.done(redis, VIEWS_KEY))
    return sum(counts.values())


_ADD_VIEWS = text(
    "UPDATE workflows AS w SET views_count = w.views_count + v.n "
    "FROM unnest(CAST(:ids AS bigint[]), CAST(:ns AS bigint[])) AS v(id, n) WHERE w.id = v.id"
)
_ADD_DAILY_VIEWS = text(
    "INSERT INTO workflow_daily_views (workflow_id, day, views) "
    "SELECT v.id, current_date, v.n FROM unnest(CAST(:ids AS bigint[]), CAST(:ns AS bigint[])) AS v(id, n) "
    "WHERE EXISTS (SELECT 1 FROM workflows w WHERE w.id = v.id) "
    "ON CONFLICT (workflow_id, day) DO UPDATE SET views = workflow_daily_views.views + EXCLUDED.views"
)
