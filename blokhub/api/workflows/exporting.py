"""A stored workflow as a file: in its own dialect (the uploaded document) or converted to the other one."""

from __future__ import annotations

from typing import Any

from blokhub import blok
from blokhub.api.errors import Unprocessable


def export_text(definition: dict[str, Any], fmt: str, dialect: str | None) -> str:
    """The file text; 422 listing every construct the target dialect cannot express, or every TOML null."""
    document = definition
    if dialect is not None:
        try:
            document = blok.convert(definition, dialect)
        except blok.BlokConversionError as exc:
            source = blok.dialect_of(definition).value
            raise Unprocessable(
                f"This {source} workflow uses {len(exc.issues)} construct(s) Blok {dialect} cannot express.",
                code="not_expressible",
                details=[i.to_dict() for i in exc.issues],
            ) from None
    try:
        return blok.export(document, fmt)
    except blok.BlokExportError as exc:
        raise Unprocessable(str(exc), code="export_failed", details=[i.to_dict() for i in exc.issues]) from None
