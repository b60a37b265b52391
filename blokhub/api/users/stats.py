"""Profile counters."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.users.schemas import ProfileStats
from blokhub.db.models import User


async def collect(db: AsyncSession, user: User) -> ProfileStats:
    return ProfileStats()
