"""Listed workflow summaries by id in one bare query (search hits, suggestions): no session, no ORM entities.

Visibility is decided here, by PostgreSQL, in the same statement that loads the rows (the listed rule's SQL
spelling), so a lagging index can never leak or resurrect a workflow.
"""

from __future__ import annotations

from collections.abc import Sequence

from blokhub.api.workflows.presenters import summary_from_row
from blokhub.api.workflows.schemas import WorkflowSummary
from blokhub.db.models import User
from blokhub.db.models.workflow import listed_sql
from blokhub.runtime.pg_pool import BarePool

SUMMARY_COLUMNS = (
    "w.id, w.slug, w.title, w.description, w.tags, w.visibility, w.version, w.facts, w.health, w.forked_from_id, "
    "w.forked_from_version, w.favorites_count, w.comments_count, w.forks_count, w.views_count, w.rating_sum, "
    "w.rating_count, w.rating_score, w.created_at, w.updated_at, w.published_at, u.username, u.display_name, "
    "w.owner_id, w.hidden_at, w.hidden_reason, w.owner_banned_at"
)
_SUMMARIES = (
    f"SELECT {SUMMARY_COLUMNS} FROM workflows w JOIN users u ON u.id = w.owner_id "
    f"WHERE w.id = ANY($1::bigint[]) AND {listed_sql('w')}"
)
# For one user's recommendations: never their own workflows, never what they already favorited.
_NOT_MINE = (
    " AND w.owner_id <> $2 AND NOT EXISTS (SELECT 1 FROM favorites f WHERE f.user_id = $2 AND f.workflow_id = w.id)"
)
_LISTED_IDS = f"SELECT w.id FROM workflows w WHERE w.id = ANY($1::bigint[]) AND {listed_sql('w')}"


async def listed_summaries(
    pool: BarePool, ids: Sequence[int], *, not_for_user: int | None = None, viewer: User | None = None
) -> dict[int, WorkflowSummary]:
    """Summaries of the listed workflows among `ids` (the others are simply absent); with `not_for_user`, also
    without that user's own and favorited workflows. The `viewer`'s own (all, for a moderator) carry `moderation`."""
    if not ids:
        return {}
    if not_for_user is None:
        rows = await pool.fetch(_SUMMARIES, list(ids))
    else:
        rows = await pool.fetch(_SUMMARIES + _NOT_MINE, list(ids), not_for_user)
    return {r["id"]: summary_from_row(r, viewer) for r in rows}


async def listed_ids(pool: BarePool, ids: Sequence[int]) -> set[int]:
    """The listed workflows among `ids`."""
    if not ids:
        return set()
    return {r["id"] for r in await pool.fetch(_LISTED_IDS, list(ids))}
