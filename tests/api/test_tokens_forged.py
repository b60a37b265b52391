"""Forged and stale tokens: every one is refused with 401."""

from __future__ import annotations

import base64
import json
import time
import uuid
import warnings
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import delete

from blokhub.db.models import User
from blokhub.runtime.resources import Resources
from tests.conftest import Account, assert_error


def _claims(alice: Account, **changes: Any) -> dict[str, Any]:
    claims = jwt.decode(alice.access_token, options={"verify_signature": False})
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims: dict[str, Any], key: str) -> str:
    return jwt.encode(claims, key, algorithm="HS256")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "forge",
    [
        "alg_none",
        "other_key",
        "expired",
        "missing_exp",
        "wrong_aud",
        "wrong_iss",
        "tampered",
        "missing_jti",
        "hs512",
        "garbage",
        "refresh_as_access",
        "unknown_session",
    ],
)
async def test_forged_tokens_are_refused(
    client: httpx.AsyncClient, alice: Account, resources: Resources, forge: str
) -> None:
    key = resources.settings.secret_key
    assert key
    now = int(time.time())
    if forge == "alg_none":
        header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        token = f"{header}.{_b64(json.dumps(_claims(alice)).encode())}."
    elif forge == "other_key":
        token = _sign(_claims(alice), "another-key-entirely-0123456789-0123456789")
    elif forge == "expired":
        token = _sign(_claims(alice, iat=now - 3600, exp=now - 1800), key)
    elif forge == "missing_exp":
        token = _sign(_claims(alice, exp=None), key)
    elif forge == "wrong_aud":
        token = _sign(_claims(alice, aud="someone-else"), key)
    elif forge == "wrong_iss":
        token = _sign(_claims(alice, iss="evil"), key)
    elif forge == "missing_jti":
        token = _sign(_claims(alice, jti=None), key)
    elif forge == "hs512":
        # The attacker signs with our key under another algorithm; PyJWT's key-length advice is beside the point.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
            token = jwt.encode(_claims(alice), key, algorithm="HS512")
    elif forge == "tampered":
        header, payload, sig = alice.access_token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        claims["sub"] = "2"
        token = f"{header}.{_b64(json.dumps(claims).encode())}.{sig}"
    elif forge == "garbage":
        token = "not.a.token"
    elif forge == "refresh_as_access":
        token = alice.refresh_token
    else:
        token = _sign(_claims(alice, sid=str(uuid.uuid4())), key)
    assert_error(await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401)


async def test_wrong_scheme_is_refused(client: httpx.AsyncClient, alice: Account) -> None:
    assert_error(await client.get("/api/v1/me", headers={"Authorization": f"Token {alice.access_token}"}), 401)
    assert_error(await client.get("/api/v1/me"), 401)


async def test_token_of_deleted_user_is_refused(
    client: httpx.AsyncClient, alice: Account, resources: Resources
) -> None:
    assert (await alice.get("/api/v1/me")).status_code == 200
    async with resources.sessionmaker() as db, db.begin():
        await db.execute(delete(User).where(User.username == "alice"))
    assert_error(await alice.get("/api/v1/me"), 401)


async def test_token_of_banned_user_is_refused_at_once(
    client: httpx.AsyncClient, alice: Account, resources: Resources
) -> None:
    from sqlalchemy import update

    from blokhub.db.base import utcnow

    async with resources.sessionmaker() as db, db.begin():
        await db.execute(update(User).where(User.username == "alice").values(banned_at=utcnow()))
    assert_error(await alice.get("/api/v1/me"), 401, "account_banned")  # reads: the bare-pool lookup
    assert_error(await alice.patch("/api/v1/me", json={"bio": "still here"}), 401, "account_banned")  # writes: ORM
    r = await client.post("/api/v1/auth/login", json={"login": "alice", "password": alice.password})
    assert_error(r, 401, "account_banned")
