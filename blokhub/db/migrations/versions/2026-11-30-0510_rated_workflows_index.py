"""rated workflows index

The 5-minute `ratings.refresh_scores` job recounts the workflows that have ratings or had them. Finding those by
`rating_count <> 0 OR rating_score <> 0` scanned every workflow (~0.2 s at 100k, ~2 s at 1M, every 5 minutes,
slowing every request meanwhile: the stalls of issue 17); a partial index holds just those rows.

Revision ID: d2f8a61c5e07
Revises: b4e7c2a9d130
Create Date: 2026-11-30 05:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d2f8a61c5e07"
down_revision = "b4e7c2a9d130"
branch_labels = None
depends_on = None

RATED = "rating_count <> 0 OR rating_score <> 0"


def upgrade() -> None:
    op.create_index("ix_workflows_rated", "workflows", ["id"], postgresql_where=sa.text(RATED))


def downgrade() -> None:
    op.drop_index("ix_workflows_rated", table_name="workflows", postgresql_where=sa.text(RATED))
