"""Profile counters."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.users.schemas import ProfileStats
from blokhub.db.models import User


async def collect(db: AsyncSession, user: User) -> ProfileStats:
    from blokhub.api.workflows.services import user_workflow_count

    return ProfileStats(workflows=await user_workflow_count(db, user.id))
