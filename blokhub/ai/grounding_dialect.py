"""Grounding examples and edited drafts across dialects.

The generator drafts v1 (``name``/``node`` steps plus ``nodes``); a v2 example shown as written invites a draft that
mixes both. So a v2 example is shown in its v1 form when v1 can express it, and as written (labelled v2) otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from blokhub.ai.schemas import GenerationError
from blokhub.blok import BlokConversionError, Dialect, convert, dialect_of


def as_draft_dialect(definition: dict[str, Any]) -> tuple[dict[str, Any], Dialect]:
    """``definition`` in v1 when it can be, with the dialect it is shown in."""
    if dialect_of(definition) is Dialect.V1:
        return definition, Dialect.V1
    try:
        return convert(definition, Dialect.V1), Dialect.V1
    except BlokConversionError:
        return definition, Dialect.V2


Edit = Callable[[dict[str, Any]], tuple[dict[str, Any], list[str]]]


def edit_in_its_dialect(current: Any, edit: Edit) -> tuple[dict[str, Any], list[str]]:
    """Apply the (v1) draft editor to ``current`` and give the result back in ``current``'s dialect.

    v1 → v2 is lossless, so a v2 draft that v1 can express is edited as v1 and converted back; one that v1 cannot
    express (tryCatch, forEach, …) is refused rather than flattened.
    """
    if not isinstance(current, dict) or dialect_of(current) is Dialect.V1:
        return edit(current)
    try:
        as_v1 = convert(current, Dialect.V1)
    except BlokConversionError as exc:
        constructs = ", ".join(sorted({i.pointer for i in exc.issues})[:5])
        raise GenerationError(
            "invalid_current",
            f"The draft is a Blok v2 workflow with constructs the editor cannot change ({constructs}); "
            "edit those parts by hand.",
        ) from None
    edited, notes = edit(as_v1)
    try:
        return convert(edited, Dialect.V2), notes
    except BlokConversionError:
        return edited, [*notes, "The edited draft is written in Blok v1."]
