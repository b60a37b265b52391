"""A stored workflow as a file. In its own dialect, export gives back the author's file: the exact text of that
version when it was uploaded in the asked format; else the document in the author's key order (read from that
text); else, for versions stored before the text was kept, the conventional Blok order (name, description, version,
trigger, steps, nodes) instead of the database's. In the other dialect, the converted document."""

from __future__ import annotations

from typing import Any

from blokhub import blok
from blokhub.api.errors import Unprocessable
from blokhub.db.models import WorkflowVersion

TOP_LEVEL = ("name", "description", "version", "trigger", "steps", "nodes")
HTTP_TRIGGER = ("method", "path", "accept")
STEP = ("name", "node", "type")


def _ordered(value: dict[str, Any], first: tuple[str, ...]) -> dict[str, Any]:
    return {**{k: value[k] for k in first if k in value}, **{k: v for k, v in value.items() if k not in first}}


def conventional(document: dict[str, Any]) -> dict[str, Any]:
    """The document in the order Blok authors write it (top level, the HTTP trigger, each top-level step)."""
    out = _ordered(document, TOP_LEVEL)
    trigger = out.get("trigger")
    if isinstance(trigger, dict) and isinstance(trigger.get("http"), dict):
        out["trigger"] = {**trigger, "http": _ordered(trigger["http"], HTTP_TRIGGER)}
    steps = out.get("steps")
    if isinstance(steps, list):
        out["steps"] = [_ordered(s, STEP) if isinstance(s, dict) else s for s in steps]
    return out


def _as_authored(version: WorkflowVersion) -> dict[str, Any] | None:
    """The version's document with the author's key order, when its text is kept and still reads the same."""
    if version.source_text is None or version.source_format is None:
        return None
    try:
        document = blok.parse(version.source_text, version.source_format).document
    except blok.BlokParseError:
        return None
    return document if blok.canonical_hash(document) == version.canonical_hash else None


def export_text(version: WorkflowVersion, fmt: str, dialect: str | None) -> str:
    """The file text; 422 listing every construct the target dialect cannot express, or every TOML null."""
    definition = version.definition
    if dialect is None or dialect == blok.dialect_of(definition).value:
        if version.source_text is not None and version.source_format == fmt:
            return version.source_text
        authored = _as_authored(version)
        document = authored if authored is not None else conventional(definition)
    else:
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
