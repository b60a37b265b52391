"""Saved searches kept per user (matching new workflows against them: ``saved_matching.py``)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.errors import NotFound, Unprocessable
from blokhub.api.search.schemas import SavedSearchIn, SavedSearchOut
from blokhub.db.base import utcnow
from blokhub.db.models import SavedSearch, User
from blokhub.indexers.search import SearchFilters

log = logging.getLogger(__name__)

MAX_PER_USER = 50
FILTER_KEYS = {
    "tags",
    "trigger",
    "method",
    "runtime",
    "nodes",
    "author",
    "has_branches",
    "dialect",
    "requirements",
    "min_rating",
}


def parse_filters(raw: dict[str, Any]) -> SearchFilters:
    unknown = set(raw) - FILTER_KEYS
    if unknown:
        raise Unprocessable(f"Unknown filters {sorted(unknown)}.", details=[{"pointer": "/filters", "message": ""}])
    try:
        return SearchFilters(
            tags=[str(t).lower() for t in raw.get("tags", [])],
            trigger=raw.get("trigger"),
            method=raw.get("method"),
            runtime=raw.get("runtime"),
            nodes=[str(n) for n in raw.get("nodes", [])],
            author=raw.get("author"),
            has_branches=raw.get("has_branches"),
            requirements=raw.get("requirements"),
            dialect=raw.get("dialect"),
            min_rating=raw.get("min_rating"),
        )
    except (TypeError, ValueError):
        raise Unprocessable(
            "filters has a value of the wrong type.", details=[{"pointer": "/filters", "message": "wrong type"}]
        ) from None


def _out(s: SavedSearch) -> SavedSearchOut:
    return SavedSearchOut(
        id=s.id, name=s.name, q=s.query.get("q", ""), filters=s.query.get("filters", {}), created_at=s.created_at
    )


async def create(db: AsyncSession, user: User, data: SavedSearchIn) -> SavedSearchOut:
    parse_filters(data.filters)
    count = await db.scalar(select(func.count()).where(SavedSearch.user_id == user.id))
    if (count or 0) >= MAX_PER_USER:
        raise Unprocessable(f"At most {MAX_PER_USER} saved searches; delete one first.", code="too_many")
    row = SavedSearch(
        user_id=user.id,
        name=data.name.strip(),
        query={"q": data.q.strip(), "filters": data.filters},
        created_at=utcnow(),
    )
    db.add(row)
    await db.flush()
    return _out(row)


async def list_mine(db: AsyncSession, user: User) -> list[SavedSearchOut]:
    rows = (await db.scalars(select(SavedSearch).where(SavedSearch.user_id == user.id).order_by(SavedSearch.id))).all()
    return [_out(r) for r in rows]


async def remove(db: AsyncSession, user: User, saved_id: int) -> None:
    gone = await db.scalar(
        delete(SavedSearch).where(SavedSearch.id == saved_id, SavedSearch.user_id == user.id).returning(SavedSearch.id)
    )
    if gone is None:
        raise NotFound(f"No saved search {saved_id}.")
