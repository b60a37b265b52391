"""Shared schema helpers: one base for request bodies (unknown fields refused), one for responses."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import msgspec

T = TypeVar("T")


class Input(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Request bodies. Unknown fields are refused, so nobody can mass-assign ``role``, ``id`` or ``stats``."""


class Output(msgspec.Struct, kw_only=True):
    """Response bodies."""


class Page(Output, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class ErrorBody(Output):
    """What went wrong: a stable machine ``code``, a human ``message`` and, for bad input, one detail per problem
    (an RFC 6901 ``pointer`` into the input, a ``message``, and a ``line``/``column`` where the source has one)."""

    code: str
    message: str
    details: list[dict[str, Any]]
    request_id: str | None = None


class ErrorResponse(Output):
    """Every error the API returns, whatever its status."""

    error: ErrorBody
