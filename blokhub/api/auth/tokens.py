"""JWTs: HS256 pinned, every claim required, access and refresh tokens told apart by ``typ``."""

from __future__ import annotations

import logging
import time
import uuid
from collections import OrderedDict
from typing import Any

import jwt
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.errors import Unauthorized
from blokhub.config import Settings
from blokhub.db.models import AuthSession, User
from blokhub.runtime.resources import Resources

log = logging.getLogger(__name__)

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["exp", "iat", "sub", "jti", "typ", "iss", "aud"]
ACCESS, REFRESH = "access", "refresh"


def revoked_jti_key(jti: str) -> str:
    return f"auth:revoked-jti:{jti}"


def encode(settings: Settings, *, typ: str, user_id: int, session_id: uuid.UUID, jti: uuid.UUID, ttl: int) -> str:
    now = int(time.time())
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(user_id),
        "sid": str(session_id),
        "jti": str(jti),
        "typ": typ,
        "iat": now,
        "exp": now + ttl,
    }
    assert settings.secret_key
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)


# Verified access tokens, so a client's repeated requests skip the HMAC and claim checks (expiry is re-checked on
# every hit). Bounded, per process; revocation never depends on it (PostgreSQL and Redis are asked every time).
_VERIFIED: OrderedDict[str, dict[str, Any]] = OrderedDict()
_VERIFIED_MAX = 10_000


def decode_access(settings: Settings, token: str) -> dict[str, Any]:
    claims = _VERIFIED.get(token)
    if claims is not None and claims["exp"] > time.time():
        _VERIFIED.move_to_end(token)
        return claims
    claims = decode(settings, token, typ=ACCESS)
    _VERIFIED[token] = claims
    if len(_VERIFIED) > _VERIFIED_MAX:
        _VERIFIED.popitem(last=False)
    return claims


def decode(settings: Settings, token: str, *, typ: str) -> dict[str, Any]:
    """Verify signature, algorithm, expiry, issuer, audience and token type; raise 401 on any doubt."""
    assert settings.secret_key
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            settings.secret_key,
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": REQUIRED_CLAIMS},
            leeway=5,
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The token has expired; refresh it or log in again.", code="token_expired") from None
    except jwt.PyJWTError:
        raise Unauthorized("The token is not valid.", code="invalid_token") from None
    if claims.get("typ") != typ:
        raise Unauthorized(f"A {typ} token is required here.", code="invalid_token")
    try:
        claims["user_id"] = int(claims["sub"])
        claims["session_id"] = uuid.UUID(str(claims.get("sid")))
    except (TypeError, ValueError):
        raise Unauthorized("The token is not valid.", code="invalid_token") from None
    return claims


# Built once: statement construction is a measurable share of an authenticated request.
_AUTH_QUERY = (
    select(User, AuthSession.revoked_at)
    .join(AuthSession, AuthSession.user_id == User.id)
    .where(User.id == bindparam("user_id"), AuthSession.id == bindparam("session_id"))
)
# The same lookup for reads, on the bare asyncpg pool; columns follow the mapping, so it cannot drift from the model.
_USER_COLUMNS = [(prop.key, prop.columns[0].name) for prop in User.__mapper__.column_attrs]
_READ_AUTH_SQL = (
    f"SELECT {', '.join(f'u.{name}' for _, name in _USER_COLUMNS)}, s.revoked_at AS session_revoked_at "
    f"FROM {User.__tablename__} u JOIN {AuthSession.__tablename__} s ON s.user_id = u.id WHERE u.id = $1 AND s.id = $2"
)


async def authenticate(token: str, resources: Resources, db: AsyncSession | None = None) -> tuple[User, dict[str, Any]]:
    """Resolve an access token to its user. The session row in PostgreSQL is the authority on revocation (logout,
    password change, ban, deleted account), so it is read on every request: a revoked token stops at once. The Redis
    jti deny-list (written at logout) is checked first, and only adds to it: Redis down, PostgreSQL still decides.

    With ``db`` (writes) the user comes attached to that session, ready to be changed. Without it (reads) it is read
    on the bare pool into a detached snapshot: same row, same checks, a fraction of the CPU."""
    claims = decode_access(resources.settings, token)
    try:
        if await resources.redis.exists(revoked_jti_key(claims["jti"])):
            raise Unauthorized("The token has been revoked.", code="token_revoked")
    except Unauthorized:
        raise
    except Exception as exc:  # Redis down: PostgreSQL below still decides
        log.warning("jti deny-list unavailable: %s", exc)
    row: tuple[User, Any] | None
    if db is None:
        record = await resources.bare_pg.fetchrow(_READ_AUTH_SQL, claims["user_id"], claims["session_id"])
        row = (
            None if record is None else (User(**{k: record[c] for k, c in _USER_COLUMNS}), record["session_revoked_at"])
        )
    else:
        params = {"user_id": claims["user_id"], "session_id": claims["session_id"]}
        found = (await db.execute(_AUTH_QUERY, params)).first()
        row = None if found is None else (found[0], found[1])
    if row is None:
        raise Unauthorized("The token's account or session no longer exists.", code="invalid_token")
    user, revoked_at = row
    if revoked_at is not None:
        raise Unauthorized("The session has ended; log in again.", code="token_revoked")
    if user.banned_at is not None:
        raise Unauthorized("This account has been banned.", code="account_banned")
    return user, claims
