"""first contact: author's source text per version, moderation reason, owner-banned rule, one open report

Revision ID: 7c3d9e1f2a40
Revises: 3b8f0d2e7a15
Create Date: 2026-11-29 23:59:00.000000

* workflow_versions.source_text / source_format: the text the author uploaded for that version, so export gives
  it back (NULL for rows older than this migration: export then uses the conventional Blok key order).
* workflows.hidden_reason: why a moderator hid it (shown to its owner as `moderation`).
* workflows.owner_banned_at: set on every workflow of a banned user (cleared on unban); part of the listed rule,
  so the partial index that serves public lists is rebuilt with the new predicate, and the counters' SQL
  spelling of the rule (`bh_workflow_listed`, its trigger) follows it.
* reports: one open report per (target, reporter); older duplicates are resolved as duplicates first.
* notifications: grouped by (user, kind, workflow) while unread, with a count and an excerpt of the latest one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "7c3d9e1f2a40"
down_revision = "3b8f0d2e7a15"
branch_labels = None
depends_on = None

OLD_LISTED = "visibility = 'public' AND deleted_at IS NULL AND hidden_at IS NULL"
NEW_LISTED = OLD_LISTED + " AND owner_banned_at IS NULL"
GROUPED = "read_at IS NULL AND workflow_id IS NOT NULL"


def _listed_function(predicate: str) -> str:
    return (
        "CREATE OR REPLACE FUNCTION bh_workflow_listed(w workflows) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ "
        f"SELECT {' AND '.join('w.' + part for part in predicate.split(' AND '))} $$"
    )


def _counts_trigger(columns: str) -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS bh_workflows_count ON workflows",
        f"CREATE TRIGGER bh_workflows_count AFTER INSERT OR DELETE OR UPDATE OF {columns} ON workflows "
        "FOR EACH ROW EXECUTE FUNCTION bh_workflows_count()",
    ]


OLD_COLUMNS = "visibility, deleted_at, hidden_at, owner_id, forked_from_id"
NEW_COLUMNS = OLD_COLUMNS + ", owner_banned_at"


def upgrade() -> None:
    op.add_column("workflow_versions", sa.Column("source_text", sa.Text(), nullable=True))
    op.add_column("workflow_versions", sa.Column("source_format", sa.String(length=8), nullable=True))
    op.add_column("workflows", sa.Column("hidden_reason", sa.Text(), nullable=True))
    op.add_column("workflows", sa.Column("owner_banned_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(_listed_function(NEW_LISTED))
    for statement in _counts_trigger(NEW_COLUMNS):
        op.execute(statement)
    op.execute(
        "UPDATE workflows w SET owner_banned_at = u.banned_at FROM users u "
        "WHERE u.id = w.owner_id AND u.banned_at IS NOT NULL"
    )
    op.drop_index("ix_workflows_public_created", table_name="workflows")
    op.create_index(
        "ix_workflows_public_created",
        "workflows",
        [sa.text("created_at DESC"), sa.text("id DESC")],
        postgresql_where=sa.text(NEW_LISTED),
    )
    op.execute(
        "UPDATE reports r SET status = 'resolved', resolution = 'duplicate of an open report', resolved_at = now() "
        "WHERE r.status = 'open' AND EXISTS (SELECT 1 FROM reports o WHERE o.status = 'open' "
        "AND o.target_type = r.target_type AND o.target_id = r.target_id AND o.reporter_id = r.reporter_id "
        "AND o.id < r.id)"
    )
    op.create_index(
        "uq_reports_open_target_reporter",
        "reports",
        ["target_type", "target_id", "reporter_id"],
        unique=True,
        postgresql_where=sa.text("status = 'open'"),
    )

    op.add_column("notifications", sa.Column("count", sa.Integer(), server_default="1", nullable=False))
    op.add_column("notifications", sa.Column("excerpt", sa.Text(), nullable=True))
    op.execute(
        "UPDATE notifications n SET read_at = now() WHERE n.read_at IS NULL AND n.workflow_id IS NOT NULL "
        "AND EXISTS (SELECT 1 FROM notifications o WHERE o.read_at IS NULL AND o.user_id = n.user_id "
        "AND o.kind = n.kind AND o.workflow_id = n.workflow_id AND o.id > n.id)"
    )
    op.create_index(
        "uq_notifications_unread_group",
        "notifications",
        ["user_id", "kind", "workflow_id"],
        unique=True,
        postgresql_where=sa.text(GROUPED),
    )


def downgrade() -> None:
    op.drop_index("uq_notifications_unread_group", table_name="notifications")
    op.drop_column("notifications", "excerpt")
    op.drop_column("notifications", "count")
    op.drop_index("uq_reports_open_target_reporter", table_name="reports")
    op.drop_index("ix_workflows_public_created", table_name="workflows")
    op.create_index(
        "ix_workflows_public_created",
        "workflows",
        [sa.text("created_at DESC"), sa.text("id DESC")],
        postgresql_where=sa.text(OLD_LISTED),
    )
    for statement in _counts_trigger(OLD_COLUMNS):
        op.execute(statement)
    op.execute(_listed_function(OLD_LISTED))
    op.drop_column("workflows", "owner_banned_at")
    op.drop_column("workflows", "hidden_reason")
    op.drop_column("workflow_versions", "source_format")
    op.drop_column("workflow_versions", "source_text")
