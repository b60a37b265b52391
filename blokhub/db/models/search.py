from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Identity, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from blokhub.db.base import Base, utcnow


class SearchQueryStat(Base):
    """How often a (normalised) query is asked and how often it finds nothing: what people miss."""

    __tablename__ = "search_query_stats"
    __table_args__ = (Index("ix_search_query_stats_zero", text("zero_results DESC")),)

    query: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    zero_results: Mapped[int] = mapped_column(BigInteger, default=0)
    last_at: Mapped[datetime] = mapped_column(default=utcnow)


class SavedSearch(Base):
    """A query a user keeps; they are notified when a newly indexed workflow matches it."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[dict[str, Any]] = mapped_column(JSONB)  # {"q": ..., "filters": {...}}
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SavedSearchMatch(Base):
    """A workflow a saved search already told its owner about: the saved-search consumer's dedupe key, so a
    redelivered event (at-least-once) or a workflow made public again never notifies twice."""

    __tablename__ = "saved_search_matches"

    saved_search_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("saved_searches.id", ondelete="CASCADE"), primary_key=True
    )
    workflow_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("workflows.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
