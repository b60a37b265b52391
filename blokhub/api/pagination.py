"""Keyset pagination: opaque cursors that carry the sort key of the last item seen."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from blokhub.api.errors import BadRequest

DEFAULT_LIMIT, MAX_LIMIT = 20, 100


def encode_cursor(*values: Any) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, *types: type) -> tuple[Any, ...] | None:
    """Decode a cursor into values of ``types`` (datetime, int, str ...); a tampered cursor is a 400."""
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(types):
            raise ValueError("shape")
        return tuple(datetime.fromisoformat(v) if t is datetime else t(v) for v, t in zip(values, types, strict=True))
    except (ValueError, TypeError, json.JSONDecodeError):
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
