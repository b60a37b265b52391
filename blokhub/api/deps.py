"""Request-scoped dependencies: the one transaction per request, and who is calling."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.auth.tokens import authenticate
from blokhub.api.errors import AppError, Unauthorized
from blokhub.db import after_commit
from blokhub.db.models import User
from blokhub.outbox import has_pending, kick
from blokhub.runtime.resources import Resources


def provide_resources(state: State) -> Resources:
    resources: Resources = state.resources
    return resources


async def provide_db(state: State, request: Request[Any, Any, Any]) -> AsyncGenerator[AsyncSession, None]:
    """Commit when the handler succeeds, roll back when it raises; enqueue outbox work only after the commit.

    GET and HEAD handlers never write, so they get an autocommit session (no BEGIN/COMMIT round trips)."""
    resources: Resources = state.resources
    if request.method in ("GET", "HEAD"):
        async with resources.read_sessionmaker() as session:
            yield session
        return
    async with resources.sessionmaker() as session:
        try:
            yield session
        except AppError as exc:
            if exc.commit:
                await session.commit()
            else:
                await session.rollback()
            after_commit.discard(session)
            raise
        except BaseException:
            await session.rollback()
            after_commit.discard(session)
            raise
        else:
            await session.commit()
            if lanes := has_pending(session):
                await kick(resources.redis, lanes)
            await after_commit.run(session)


def _bearer(request: Request[Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Use 'Authorization: Bearer <access token>'.", code="invalid_token")
        return token.strip()
    return None


async def provide_viewer(request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> User | None:
    """The caller when a token is presented (a bad token is still refused), else None for anonymous reads."""
    token = _bearer(request)
    if token is None:
        return None
    # Reads get a detached snapshot from the bare pool (fast); writes get the user in their transaction.
    read_only = request.method in ("GET", "HEAD")
    user, claims = await authenticate(token, request.app.state.resources, None if read_only else db)
    request.scope["auth_claims"] = claims  # type: ignore[typeddict-unknown-key]
    return user


async def provide_user(request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> User:
    user = await provide_viewer(request, db)
    if user is None:
        raise Unauthorized("Authentication required: send 'Authorization: Bearer <access token>'.")
    return user


async def provide_moderator(user: NamedDependency[User]) -> User:
    if not user.is_moderator:
        from blokhub.api.errors import Forbidden

        raise Forbidden("Moderators only.")
    return user


def claims_of(request: Request[Any, Any, Any]) -> dict[str, Any]:
    claims: dict[str, Any] = request.scope.get("auth_claims", {})  # type: ignore[assignment]
    return claims


# Injected parameter types: handlers declare what they need in their signature.
DB = NamedDependency[AsyncSession]
CurrentUser = NamedDependency[User]
Viewer = NamedDependency[User | None]
Res = NamedDependency[Resources]
Moderator = NamedDependency[User]
