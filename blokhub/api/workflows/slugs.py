"""URL slugs, unique per owner. No dots: a Blok project routes by file stem and reads text after a dot as a type."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.models import Workflow

MAX_SLUG = 80


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_SLUG].rstrip("-") or "workflow"


# Advisory-lock namespace for slug allocation (any constant; it only has to differ from other advisory locks).
_SLUG_LOCK = 0x51A6


async def unique_slug(db: AsyncSession, owner_id: int, title: str, *, exclude_id: int | None = None) -> str:
    """A free slug for ``title`` among the owner's workflows.

    Allocation is serialised per owner with a transaction-scoped advisory lock: the next allocation for the same
    owner waits until this transaction ends, then (a new statement, a new snapshot) sees the slug taken here. So
    concurrent publishes, forks and renames by one account never collide and never fail."""
    await db.execute(select(func.pg_advisory_xact_lock(_SLUG_LOCK, owner_id % 2_147_483_647)))
    base = slugify(title)
    stmt = select(Workflow.slug).where(
        Workflow.owner_id == owner_id, Workflow.deleted_at.is_(None), Workflow.slug.like(f"{base}%")
    )
    if exclude_id is not None:
        stmt = stmt.where(Workflow.id != exclude_id)
    taken = set((await db.scalars(stmt)).all())
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
