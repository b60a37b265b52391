"""profile counters

Revision ID: 4870f2c40306
Revises: dfd2726a345b
Create Date: 2026-11-25 17:49:18.812421
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "4870f2c40306"
down_revision = "dfd2726a345b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("workflows_count", sa.Integer(), server_default="0", nullable=False))
    op.add_column("users", sa.Column("followers_count", sa.Integer(), server_default="0", nullable=False))
    op.add_column("users", sa.Column("following_count", sa.Integer(), server_default="0", nullable=False))
    op.add_column("users", sa.Column("favorites_received", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    op.drop_column("users", "favorites_received")
    op.drop_column("users", "following_count")
    op.drop_column("users", "followers_count")
    op.drop_column("users", "workflows_count")
