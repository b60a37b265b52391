"""search analytics and saved searches

Revision ID: 7b4aded28d02
Revises: 1ad9abfd61c8
Create Date: 2026-11-25 18:29:47.052150
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "7b4aded28d02"
down_revision = "1ad9abfd61c8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_query_stats",
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("zero_results", sa.BigInteger(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("query", name=op.f("pk_search_query_stats")),
    )
    op.create_index(
        "ix_search_query_stats_zero", "search_query_stats", [sa.literal_column("zero_results DESC")], unique=False
    )
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("query", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_saved_searches_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_searches")),
    )
    op.create_index(op.f("ix_saved_searches_user_id"), "saved_searches", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_saved_searches_user_id"), table_name="saved_searches")
    op.drop_table("saved_searches")
    op.drop_index("ix_search_query_stats_zero", table_name="search_query_stats")
    op.drop_table("search_query_stats")
