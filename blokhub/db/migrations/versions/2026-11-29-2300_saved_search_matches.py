"""saved search matches (the saved-search consumer's dedupe key)

Revision ID: 5b8e2f4c1a90
Revises: 1f7a0aab6688
Create Date: 2026-11-29 23:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "5b8e2f4c1a90"
down_revision = "1f7a0aab6688"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_search_matches",
        sa.Column("saved_search_id", sa.BigInteger(), nullable=False),
        sa.Column("workflow_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["saved_search_id"],
            ["saved_searches.id"],
            name=op.f("fk_saved_search_matches_saved_search_id_saved_searches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name=op.f("fk_saved_search_matches_workflow_id_workflows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("saved_search_id", "workflow_id", name=op.f("pk_saved_search_matches")),
    )
    op.create_index(op.f("ix_saved_search_matches_workflow_id"), "saved_search_matches", ["workflow_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_saved_search_matches_workflow_id"), table_name="saved_search_matches")
    op.drop_table("saved_search_matches")
