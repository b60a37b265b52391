"""Accounts: register, login, refresh with rotation and reuse detection, logout, password change."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from redis.asyncio import Redis
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.auth import passwords, ratelimit, tokens
from blokhub.api.auth.schemas import LoginIn, RegisterIn
from blokhub.api.errors import Conflict, RateLimited, Unauthorized, Unprocessable
from blokhub.api.notifications.hub import publish_session_end
from blokhub.api.textforms import fold
from blokhub.db import after_commit
from blokhub.db.base import utcnow
from blokhub.db.models import AuthSession, RefreshToken, User
from blokhub.outbox import emit
from blokhub.runtime.resources import Resources


@dataclass(frozen=True, slots=True)
class Issued:
    user: User
    access_token: str
    refresh_token: str
    expires_in: int


async def _issue(db: AsyncSession, resources: Resources, user: User, session_id: uuid.UUID) -> Issued:
    s = resources.settings
    refresh_id = uuid.uuid4()
    db.add(
        RefreshToken(id=refresh_id, session_id=session_id, expires_at=utcnow() + timedelta(seconds=s.refresh_token_ttl))
    )
    access = tokens.encode(
        s, typ=tokens.ACCESS, user_id=user.id, session_id=session_id, jti=uuid.uuid4(), ttl=s.access_token_ttl
    )
    refresh = tokens.encode(
        s, typ=tokens.REFRESH, user_id=user.id, session_id=session_id, jti=refresh_id, ttl=s.refresh_token_ttl
    )
    await db.flush()
    return Issued(user, access, refresh, s.access_token_ttl)


async def _start_session(db: AsyncSession, resources: Resources, user: User, user_agent: str | None) -> Issued:
    session = AuthSession(id=uuid.uuid4(), user_id=user.id, user_agent=(user_agent or "")[:300] or None)
    db.add(session)
    await db.flush()
    return await _issue(db, resources, user, session.id)


async def find_by_login(db: AsyncSession, login: str) -> User | None:
    key = fold(login)
    return await db.scalar(select(User).where(or_(func.lower(User.username) == key, func.lower(User.email) == key)))


async def register(db: AsyncSession, resources: Resources, data: RegisterIn, user_agent: str | None) -> Issued:
    problem = passwords.password_problem(data.password, username=data.username, email=data.email)
    if problem:
        raise Unprocessable(problem, code="weak_password", details=[{"pointer": "/password", "message": problem}])
    taken = (
        await db.execute(
            select(User.username)
            .where(or_(func.lower(User.username) == fold(data.username), func.lower(User.email) == fold(data.email)))
            .limit(1)
        )
    ).first()
    if taken is not None:
        field = "username" if fold(taken[0]) == fold(data.username) else "email"
        raise Conflict(
            f"That {field} is already registered.",
            code=f"{field}_taken",
            details=[{"pointer": f"/{field}", "message": "already registered"}],
        )
    user = User(
        username=data.username,
        email=fold(data.email),  # stored in its one spelling: uniqueness and login compare this form
        display_name=(data.display_name or data.username).strip(),
        password_hash=await passwords.hash_password(data.password),
        bio="",
        links=[],
    )
    db.add(user)
    try:
        await db.flush()
    except IntegrityError:  # lost a race with a concurrent registration of the same name
        raise Conflict("That username or email is already registered.", code="account_taken") from None
    emit(db, "user.registered", "user", user.id, {"username": user.username})
    return await _start_session(db, resources, user, user_agent)


def _login_limits(resources: Resources, account_key: str, ip: str) -> tuple[ratelimit.Limit, ratelimit.Limit]:
    s = resources.settings
    # Counting failures per (account, IP) and per IP — never per account alone — means an attacker hammering an
    # account from elsewhere cannot lock its owner out, while guessing from one place is throttled.
    return (
        ratelimit.Limit(
            f"rl:login:acct-ip:{account_key}:{ip}", s.login_attempts_per_account_ip, s.login_window_seconds
        ),
        ratelimit.Limit(f"rl:login:ip:{ip}", s.login_attempts_per_ip, s.login_window_seconds),
    )


def account_key(user: User | None, login: str) -> str:
    """One throttling key per account however it is spelled (username, email, case, width, padding); unknown logins
    are keyed on their folded text, so spelling variants of a name that does not exist share a counter too."""
    return f"user:{user.id}" if user is not None else f"login:{fold(login)}"


async def login(db: AsyncSession, resources: Resources, data: LoginIn, ip: str, user_agent: str | None) -> Issued:
    user = await find_by_login(db, data.login)
    limits = _login_limits(resources, account_key(user, data.login), ip)
    for limit in limits:
        if wait := await ratelimit.exceeded(resources.redis, limit):
            raise RateLimited(f"Too many failed logins; try again in {wait} seconds.", retry_after=wait)
    ok = await passwords.verify_password(user.password_hash if user else None, data.password)
    if not ok or user is None:
        for limit in limits:
            await ratelimit.hit(resources.redis, limit)
        raise Unauthorized("Wrong username/email or password.", code="invalid_credentials")
    if user.banned_at is not None:
        raise Unauthorized("This account has been banned.", code="account_banned")
    await ratelimit.reset(resources.redis, limits[0])
    return await _start_session(db, resources, user, user_agent)


def _announce_end(
    db: AsyncSession, redis: Redis, user_id: int, *, reason: str, session_id: str | None = None, keep: str | None = None
) -> None:
    """Once the revocation commits, every replica closes the sockets of the ended sessions."""

    async def push() -> None:
        await publish_session_end(redis, user_id, reason=reason, session_id=session_id, keep=keep)

    after_commit.after_commit(db, push)


async def revoke_sessions(
    db: AsyncSession, redis: Redis, user_id: int, *, reason: str, keep: uuid.UUID | None = None
) -> None:
    stmt = update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(AuthSession.id != keep)
    await db.execute(stmt.values(revoked_at=utcnow(), revoked_reason=reason))
    _announce_end(db, redis, user_id, reason=reason, keep=str(keep) if keep else None)


async def refresh(db: AsyncSession, resources: Resources, token: str) -> Issued:
    claims = tokens.decode(resources.settings, token, typ=tokens.REFRESH)
    try:
        jti = uuid.UUID(claims["jti"])
    except ValueError:
        raise Unauthorized("The token is not valid.", code="invalid_token") from None
    row = (
        await db.execute(
            select(RefreshToken, AuthSession, User)
            .join(AuthSession, AuthSession.id == RefreshToken.session_id)
            .join(User, User.id == AuthSession.user_id)
            .where(RefreshToken.id == jti)
            .with_for_update(of=RefreshToken)
        )
    ).first()
    if row is None:
        raise Unauthorized("The refresh token is not known.", code="invalid_token")
    stored, session, user = row
    if session.revoked_at is not None or user.banned_at is not None:
        raise Unauthorized("The session has ended; log in again.", code="token_revoked")
    if stored.used_at is not None:
        # A spent token came back: either it was stolen or the client is replaying. Kill the whole family.
        session.revoked_at, session.revoked_reason = utcnow(), "refresh_reuse"
        # This refusal commits without after-commit hooks: announce now (a socket closed early only reconnects).
        await publish_session_end(resources.redis, user.id, reason="refresh_reuse", session_id=str(session.id))
        raise Unauthorized(
            "This refresh token was already used; the session has been revoked for safety.",
            code="refresh_token_reused",
            commit=True,
        )
    stored.used_at = utcnow()
    return await _issue(db, resources, user, session.id)


async def logout(db: AsyncSession, resources: Resources, user: User, claims: dict[str, object]) -> None:
    await db.execute(
        update(AuthSession)
        .where(AuthSession.id == claims["session_id"], AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason="logout")
    )
    _announce_end(db, resources.redis, user.id, reason="logout", session_id=str(claims["session_id"]))
    remaining = max(1, int(claims["exp"]) - int(utcnow().timestamp()))  # type: ignore[call-overload]
    # The revoked session row already refuses the token; the Redis deny-list is only the fast path.
    with contextlib.suppress(Exception):
        await resources.redis.set(tokens.revoked_jti_key(str(claims["jti"])), "1", ex=remaining)


async def change_password(
    db: AsyncSession, redis: Redis, user: User, claims: dict[str, object], current: str, new: str
) -> None:
    if not await passwords.verify_password(user.password_hash, current):
        raise Unauthorized("The current password is wrong.", code="invalid_credentials")
    problem = passwords.password_problem(new, username=user.username, email=user.email)
    if problem:
        raise Unprocessable(problem, code="weak_password", details=[{"pointer": "/new_password", "message": problem}])
    user.password_hash = await passwords.hash_password(new)
    await revoke_sessions(db, redis, user.id, reason="password_changed", keep=claims["session_id"])  # type: ignore[arg-type]
    emit(db, "user.password_changed", "user", user.id)
