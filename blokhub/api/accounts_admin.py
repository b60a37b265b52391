"""Account administration used by the CLI (``blokhub user create|promote``)."""

from __future__ import annotations

from sqlalchemy import func, select

from blokhub.api.auth import passwords
from blokhub.api.textforms import fold
from blokhub.config import Settings
from blokhub.db.models import Role, User
from blokhub.db.session import create_engine, create_sessionmaker, session_scope


async def create_user(settings: Settings, *, username: str, email: str, password: str, role: str) -> str:
    problem = passwords.password_problem(password, username=username, email=email)
    if problem:
        raise ValueError(problem)
    engine = create_engine(settings)
    try:
        async with session_scope(create_sessionmaker(engine)) as db:
            exists = await db.scalar(
                select(User.id).where(
                    (func.lower(User.username) == fold(username)) | (func.lower(User.email) == fold(email))
                )
            )
            if exists:
                raise ValueError(f"{username!r} or {email!r} is already registered.")
            db.add(
                User(
                    username=username,
                    email=fold(email),
                    display_name=username,
                    role=Role(role).value,
                    password_hash=await passwords.hash_password(password),
                    bio="",
                    links=[],
                )
            )
    finally:
        await engine.dispose()
    return f"created {role} {username}"


async def set_role(settings: Settings, username: str, role: str) -> str:
    engine = create_engine(settings)
    try:
        async with session_scope(create_sessionmaker(engine)) as db:
            user = await db.scalar(select(User).where(func.lower(User.username) == fold(username)))
            if user is None:
                raise ValueError(f"No user named {username!r}.")
            user.role = Role(role).value
    finally:
        await engine.dispose()
    return f"{username} is now {role}"
