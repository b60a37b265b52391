"""Export gives back the author's file: the exact text of that version when it was uploaded in the asked format;
else the document in the author's key order (read from that text); else, for versions stored before the text was
kept, the conventional Blok order (name, description, version, trigger, steps, nodes) instead of the database's."""

from __future__ import annotations

from typing import Any

from blokhub import blok
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


def export_text(version: WorkflowVersion, fmt: str) -> str:
    """Raises :class:`blok.BlokExportError` when the format cannot hold the document (null in TOML)."""
    if version.source_text is not None and version.source_format == fmt:
        return version.source_text
    authored = _as_authored(version)
    return blok.export(authored if authored is not None else conventional(version.definition), fmt)
