"""Trending: time-decayed engagement per window, recomputed by the ``discovery.trending`` cron job.

score(window) = Σ weight(kind) · 2^(-age / half_life(window)) over the window's favorites, forks, reviews,
comments (from the activity log) and views (daily counts). Older engagement fades instead of falling off a cliff,
so the lists move smoothly; each window has its own half-life.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Window:
    name: str
    days: int
    half_life_days: float


WINDOWS = {"day": Window("day", 1, 0.5), "week": Window("week", 7, 2.0), "month": Window("month", 30, 7.0)}
WEIGHTS = {"forked": 4.0, "favorited": 3.0, "reviewed": 2.0, "commented": 1.0}
# Views (distinct viewers a day) are the weakest signal and the cheapest to fake: they count only from a few
# viewers up, and logarithmically, so a hundred viewers weigh about one review and no number of them a few favorites.
VIEW_WEIGHT = 0.5
MIN_DAILY_VIEWERS = 3

# Engagement by a banned account counts nowhere (their favorites, reviews and comments are not shown either).
NOT_BANNED = "NOT EXISTS (SELECT 1 FROM users u WHERE u.id = activities.actor_id AND u.banned_at IS NOT NULL)"

_COMPUTE = """
WITH engagement AS (
    -- A fork is engagement with the original, not with the new copy the activity points at.
    SELECT CASE WHEN verb = 'forked' THEN (data->>'original_id')::bigint ELSE workflow_id END AS workflow_id,
           sum(CASE verb {weights} END * power(2, -extract(epoch FROM now() - created_at) / 86400 / :half_life)) AS s
    FROM activities
    WHERE created_at > now() - make_interval(days => :days) AND verb IN ({verbs}) AND {not_banned}
    GROUP BY 1
    UNION ALL
    SELECT workflow_id, sum(ln(1 + views) * {view_weight} * power(2, -(current_date - day) / :half_life)) AS s
    FROM workflow_daily_views WHERE day > current_date - :days AND views >= {min_viewers}
    GROUP BY 1
), scores AS (SELECT workflow_id, sum(s) AS score FROM engagement GROUP BY 1),
-- What may change: the scored workflows, and those that had a score and lost it (found through the partial index
-- on `{column} > 0`). Never a scan of every workflow: that took ~0.5 s at 100k, every 5 minutes, and slowed every
-- request meanwhile (the stalls of issue 17).
targets AS (
    SELECT workflow_id AS id, score FROM scores
    UNION ALL
    SELECT w0.id, 0 FROM workflows w0
    WHERE w0.{column} > 0 AND NOT EXISTS (SELECT 1 FROM scores s WHERE s.workflow_id = w0.id)
)
UPDATE workflows w SET {column} = t.score
FROM targets t
WHERE w.id = t.id AND w.{column} IS DISTINCT FROM t.score
RETURNING w.id
"""


async def recompute(db: AsyncSession) -> set[int]:
    """Refresh every window's scores; returns the ids whose scores changed (their search documents follow)."""
    weights = " ".join(f"WHEN '{verb}' THEN {weight}" for verb, weight in WEIGHTS.items())
    verbs = ", ".join(f"'{verb}'" for verb in WEIGHTS)
    changed: set[int] = set()
    for window in WINDOWS.values():
        sql = _COMPUTE.format(
            weights=weights,
            verbs=verbs,
            column=f"trending_{window.name}",
            not_banned=NOT_BANNED,
            view_weight=VIEW_WEIGHT,
            min_viewers=MIN_DAILY_VIEWERS,
        )
        rows = await db.execute(text(sql), {"days": window.days, "half_life": window.half_life_days})
        changed.update(r[0] for r in rows)
    return changed


_REASONS = text(f"""
SELECT target, verb, count(*) FROM (
    SELECT CASE WHEN verb = 'forked' THEN (data->>'original_id')::bigint ELSE workflow_id END AS target, verb
    FROM activities
    WHERE created_at > now() - make_interval(days => :days) AND verb = ANY(:verbs) AND {NOT_BANNED}
      AND (workflow_id = ANY(:ids) OR (verb = 'forked' AND (data->>'original_id')::bigint = ANY(:ids)))
) t WHERE target = ANY(:ids)
GROUP BY 1, 2
""")
_NOUNS = {
    "favorited": ("favorite", "favorites"),
    "forked": ("fork", "forks"),
    "reviewed": ("review", "reviews"),
    "commented": ("comment", "comments"),
}


async def reasons(db: AsyncSession, ids: list[int], window: Window) -> dict[int, str]:
    """Human reasons such as "5 favorites and 2 forks this week"."""
    counts: dict[int, dict[str, int]] = {}
    for wid, verb, n in (await db.execute(_REASONS, {"ids": ids, "days": window.days, "verbs": list(_NOUNS)})).all():
        counts.setdefault(wid, {})[verb] = int(n)
    period = {"day": "today", "week": "this week", "month": "this month"}[window.name]
    out = {}
    for wid in ids:
        parts = [
            f"{n} {_NOUNS[v][0] if n == 1 else _NOUNS[v][1]}"
            for v in ("favorited", "forked", "reviewed", "commented")
            if (n := counts.get(wid, {}).get(v))
        ]
        if parts:
            joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
            out[wid] = f"{joined} {period}"
        else:
            out[wid] = f"viewed a lot {period}"
    return out
