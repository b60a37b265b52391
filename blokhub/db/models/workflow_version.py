from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from blokhub.db.base import Base, utcnow


class WorkflowVersion(Base):
    """An immutable snapshot of a workflow's definition; version 1 is the first publication."""

    __tablename__ = "workflow_versions"

    workflow_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("workflows.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(primary_key=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSONB)
    canonical_hash: Mapped[str] = mapped_column(String(80))
    changelog: Mapped[str] = mapped_column(Text, default="")
    # The text the author sent for this version and its format (export gives it back as it was); NULL on rows
    # from before it was kept.
    source_text: Mapped[str | None] = mapped_column(Text)
    source_format: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkflowDailyViews(Base):
    """Views per workflow per day (drained from Redis), so trending can weigh recent views."""

    __tablename__ = "workflow_daily_views"

    workflow_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("workflows.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    views: Mapped[int] = mapped_column(BigInteger, default=0)
