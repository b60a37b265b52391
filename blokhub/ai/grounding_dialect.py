"""Grounding examples in the dialect drafts are written in.

The generator drafts v1 (``name``/``node`` steps plus ``nodes``); a v2 example shown as written invites a draft that
mixes both. So a v2 example is shown in its v1 form when v1 can express it, and as written (labelled v2) otherwise.
"""

from __future__ import annotations

from typing import Any

from blokhub.blok import BlokConversionError, Dialect, convert, dialect_of


def as_draft_dialect(definition: dict[str, Any]) -> tuple[dict[str, Any], Dialect]:
    """``definition`` in v1 when it can be, with the dialect it is shown in."""
    if dialect_of(definition) is Dialect.V1:
        return definition, Dialect.V1
    try:
        return convert(definition, Dialect.V1), Dialect.V1
    except BlokConversionError:
        return definition, Dialect.V2
