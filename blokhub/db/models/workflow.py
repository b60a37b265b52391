from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, ForeignKey, Identity, Index, String, Text, and_, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blokhub.db.base import Base, TimestampMixin
from blokhub.db.models.user import User


class Visibility:
    PUBLIC, UNLISTED, PRIVATE, DRAFT = "public", "unlisted", "private", "draft"
    ALL = (PUBLIC, UNLISTED, PRIVATE, DRAFT)
    # Visible to anyone holding the link; only PUBLIC is listed, searched and recommended.
    SHARED = (PUBLIC, UNLISTED)


# The one rule for "a listed workflow" (in public lists, search, recommendations, feeds, profile counts, AI
# grounding): public, not deleted, not hidden by a moderator, its owner not banned. It exists in three spellings, proven to agree by
# tests/db/test_listed_rule.py: `Workflow.listed` (SQLAlchemy expression on the class, Python predicate on a row)
# and `listed_sql()` for hand-written SQL and the partial index that serves public lists.
def listed_sql(alias: str | None = None) -> str:
    """The listed rule as an SQL fragment, columns qualified by ``alias`` when given (``listed_sql("w")``)."""
    p = f"{alias}." if alias else ""
    return (
        f"{p}visibility = '{Visibility.PUBLIC}' AND {p}deleted_at IS NULL AND {p}hidden_at IS NULL"
        f" AND {p}owner_banned_at IS NULL"
    )


# Workflows that have ratings or had them. The ratings job must spell it exactly so to use `ix_workflows_rated`.
RATED_SQL = "rating_count <> 0 OR rating_score <> 0"


class Workflow(TimestampMixin, Base):
    """A published Blok workflow; ``definition`` is its current version (every version is in workflow_versions)."""

    __tablename__ = "workflows"
    __table_args__ = (
        Index("uq_workflows_owner_slug", "owner_id", "slug", unique=True, postgresql_where=text("deleted_at IS NULL")),
        Index("ix_workflows_owner_created", "owner_id", text("created_at DESC"), text("id DESC")),
        Index(
            "ix_workflows_public_created",
            text("created_at DESC"),
            text("id DESC"),
            postgresql_where=text(listed_sql()),
        ),
        Index("ix_workflows_tags", "tags", postgresql_using="gin"),
        Index("ix_workflows_forked_from", "forked_from_id", text("created_at DESC"), text("id DESC")),
        # The rated workflows, for the ratings refresh job (never a scan of every workflow).
        Index("ix_workflows_rated", "id", postgresql_where=text(RATED_SQL)),
        *(
            Index(f"ix_workflows_trending_{w}", text(f"trending_{w} DESC"), postgresql_where=text(f"trending_{w} > 0"))
            for w in ("day", "week", "month")
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    owner_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list)
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.PUBLIC)
    version: Mapped[int] = mapped_column(default=1)
    definition: Mapped[dict[str, Any]] = mapped_column(JSONB)
    source_format: Mapped[str] = mapped_column(String(8), default="json")
    canonical_hash: Mapped[str] = mapped_column(String(80))
    facts: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    health: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    forked_from_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("workflows.id", ondelete="SET NULL"))
    forked_from_version: Mapped[int | None] = mapped_column()
    # Counters are updated with single atomic UPDATE statements (never read-modify-write in Python).
    favorites_count: Mapped[int] = mapped_column(default=0)
    comments_count: Mapped[int] = mapped_column(default=0)
    forks_count: Mapped[int] = mapped_column(default=0)
    views_count: Mapped[int] = mapped_column(BigInteger, default=0)
    rating_count: Mapped[int] = mapped_column(default=0)
    rating_sum: Mapped[int] = mapped_column(default=0)
    # Bayesian average kept beside the counters so "top rated" can sort on an index.
    rating_score: Mapped[float] = mapped_column(default=0.0, server_default="0")
    # Time-decayed engagement per window, recomputed by the `discovery.trending` cron job.
    trending_day: Mapped[float] = mapped_column(default=0.0, server_default="0")
    trending_week: Mapped[float] = mapped_column(default=0.0, server_default="0")
    trending_month: Mapped[float] = mapped_column(default=0.0, server_default="0")
    published_at: Mapped[datetime | None] = mapped_column()
    hidden_at: Mapped[datetime | None] = mapped_column()  # moderation
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    # The owner's ban, copied onto each of their workflows (set on ban, cleared on unban) so that the listed rule
    # stays a predicate on this row: it serves partial indexes and the search index's `searchable()` alike.
    owner_banned_at: Mapped[datetime | None] = mapped_column()
    deleted_at: Mapped[datetime | None] = mapped_column()

    owner: Mapped[User] = relationship(lazy="raise")

    @hybrid_property
    def listed(self) -> bool:
        """Whether this row is listed (on an instance); the same rule as an SQL expression (on the class)."""
        return (
            self.visibility == Visibility.PUBLIC
            and self.deleted_at is None
            and self.hidden_at is None
            and self.owner_banned_at is None
        )

    @listed.inplace.expression
    @classmethod
    def _listed_expression(cls) -> ColumnElement[bool]:
        return and_(
            cls.visibility == Visibility.PUBLIC,
            cls.deleted_at.is_(None),
            cls.hidden_at.is_(None),
            cls.owner_banned_at.is_(None),
        )
