"""Keyset pagination: opaque cursors that carry the sort key of the last item seen."""

from __future__ import annotations

import base64
import binascii
import json
import math
from datetime import UTC, datetime
from typing import Any

from blokhub.api.errors import BadRequest

DEFAULT_LIMIT, MAX_LIMIT = 20, 100


def encode_cursor(*values: Any) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


# Cursor values end up as SQL parameters: anything PostgreSQL could not take (an int beyond bigint, a float, a
# timestamp beyond its range, a NUL) is refused here as a tampered cursor rather than failing in the database.
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1
_MAX_TEXT = 500


def _value(raw: Any, kind: type) -> Any:
    if kind is datetime:
        if not isinstance(raw, str) or len(raw) > 40:
            raise ValueError("datetime")
        moment = datetime.fromisoformat(raw)
        if moment.tzinfo is None:
            raise ValueError("naive datetime")
        moment.astimezone(UTC)  # OverflowError at the edges of the calendar
        if not 1 < moment.year < 9999:
            raise ValueError("year")
        return moment
    if kind is int:
        if type(raw) is not int or not _INT_MIN <= raw <= _INT_MAX:
            raise ValueError("int")
        return raw
    if kind is float:
        if type(raw) not in (int, float) or not math.isfinite(raw):
            raise ValueError("float")
        return float(raw)
    if kind is str:
        if not isinstance(raw, str) or len(raw) > _MAX_TEXT or "\x00" in raw:
            raise ValueError("str")
        return raw
    raise TypeError(f"unsupported cursor type {kind!r}")


def decode_cursor(cursor: str | None, *types: type) -> tuple[Any, ...] | None:
    """Decode a cursor into values of ``types`` (datetime, int, float, str); a tampered cursor is a 400."""
    if not cursor:
        return None
    try:
        if len(cursor) > 1000:
            raise ValueError("length")
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(types):
            raise ValueError("shape")
        return tuple(_value(v, t) for v, t in zip(values, types, strict=True))
    except (ValueError, TypeError, OverflowError, json.JSONDecodeError, binascii.Error, RecursionError):
        raise BadRequest("The cursor is not valid; start again without it.", code="invalid_cursor") from None


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if limit < 1 or limit > MAX_LIMIT:
        raise BadRequest(
            f"limit must be between 1 and {MAX_LIMIT}.",
            code="invalid_limit",
            details=[{"pointer": "/limit", "message": f"1..{MAX_LIMIT}"}],
        )
    return limit
