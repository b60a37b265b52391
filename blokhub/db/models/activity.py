from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Identity, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from blokhub.db.base import Base, utcnow


class Activity(Base):
    """Something a user did that their followers see in /feed. Written by the worker from outbox events.

    ``source_event_id`` (unique) makes recording idempotent: a re-delivered event cannot add a second row.
    The feed reads fan-out-on-read: one index probe per followed author on (actor_id, id DESC)."""

    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_actor_id", "actor_id", text("id DESC")),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    actor_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    verb: Mapped[str] = mapped_column(String(16))  # published, updated, forked, reviewed, commented, favorited
    workflow_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("workflows.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    source_event_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
