from __future__ import annotations

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.errors import NotFound
from blokhub.api.textforms import fold
from blokhub.api.users.schemas import MeUpdate
from blokhub.db.models import User
from blokhub.outbox import emit


async def get_by_username(db: AsyncSession, username: str) -> User:
    user = await db.scalar(select(User).where(func.lower(User.username) == fold(username)))
    if user is None or user.banned_at is not None:
        raise NotFound(f"No user named {username!r}.")
    return user


async def update_me(db: AsyncSession, user: User, data: MeUpdate) -> User:
    changes = {f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not None}
    if "links" in changes:
        changes["links"] = [msgspec.to_builtins(link) for link in changes["links"]]
    for field, value in changes.items():
        setattr(user, field, value.strip() if isinstance(value, str) else value)
    if changes:
        emit(db, "user.updated", "user", user.id, {"fields": sorted(changes)})
    await db.flush()
    return user
