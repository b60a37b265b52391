"""trending scores and daily views

Revision ID: 7c5b25e9a650
Revises: 7b4aded28d02
Create Date: 2026-11-25 18:48:47.379060
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "7c5b25e9a650"
down_revision = "7b4aded28d02"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workflow_daily_views",
        sa.Column("workflow_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("views", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name=op.f("fk_workflow_daily_views_workflow_id_workflows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workflow_id", "day", name=op.f("pk_workflow_daily_views")),
    )
    op.add_column("workflows", sa.Column("trending_day", sa.Double(), server_default="0", nullable=False))
    op.add_column("workflows", sa.Column("trending_week", sa.Double(), server_default="0", nullable=False))
    op.add_column("workflows", sa.Column("trending_month", sa.Double(), server_default="0", nullable=False))
    op.create_index(
        "ix_workflows_trending_day",
        "workflows",
        [sa.literal_column("trending_day DESC")],
        unique=False,
        postgresql_where=sa.text("trending_day > 0"),
    )
    op.create_index(
        "ix_workflows_trending_month",
        "workflows",
        [sa.literal_column("trending_month DESC")],
        unique=False,
        postgresql_where=sa.text("trending_month > 0"),
    )
    op.create_index(
        "ix_workflows_trending_week",
        "workflows",
        [sa.literal_column("trending_week DESC")],
        unique=False,
        postgresql_where=sa.text("trending_week > 0"),
    )


def downgrade() -> None:
    op.drop_index("ix_workflows_trending_week", table_name="workflows", postgresql_where=sa.text("trending_week > 0"))
    op.drop_index("ix_workflows_trending_month", table_name="workflows", postgresql_where=sa.text("trending_month > 0"))
    op.drop_index("ix_workflows_trending_day", table_name="workflows", postgresql_where=sa.text("trending_day > 0"))
    op.drop_column("workflows", "trending_month")
    op.drop_column("workflows", "trending_week")
    op.drop_column("workflows", "trending_day")
    op.drop_table("workflow_daily_views")
