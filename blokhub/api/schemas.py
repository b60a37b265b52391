"""Shared schema helpers: one base for request bodies (unknown fields refused), one for responses."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

import msgspec

T = TypeVar("T")

# Integers in request bodies carry PostgreSQL's bounds, so an out-of-range value is a 422, never a database error.
RowId = Annotated[int, msgspec.Meta(ge=1, le=2**63 - 1)]
VersionNumber = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]


class Input(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Request bodies. Unknown fields are refused, so nobody can mass-assign ``role``, ``id`` or ``stats``."""


class Output(msgspec.Struct, kw_only=True):
    """Response bodies."""


class Page(Output, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


# Building blocks for patterns that Python (msgspec enforces them) and ECMAScript (clients read them in the OpenAPI
# document) read the same way: their `\s` differ (Python adds \x1c-\x1f and \x85, ECMAScript \ufeff), so both sets
# are spelled out; and Python's `$` also matches before a final newline, which `(?!\n)` refuses.
SPACE = r"\s\x1c-\x1f\x85\ufeff"
END = r"$(?!\n)"
