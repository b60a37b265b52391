"""convert(): a workflow in the other dialect (v1 → v2 is lossless; v2 → v1 refuses what v1 cannot express)."""

from __future__ import annotations

from typing import Any

from blokhub.blok.dialect import Dialect, dialect_of
from blokhub.blok.to_v1 import to_v1
from blokhub.blok.to_v2 import to_v2


def convert(doc: dict[str, Any], target: Dialect | str) -> dict[str, Any]:
    """``doc`` written in ``target``; the document itself when it already is. Raises ``BlokConversionError``."""
    wanted = Dialect(target)
    if dialect_of(doc) is wanted:
        return doc
    return to_v2(doc) if wanted is Dialect.V2 else to_v1(doc)
