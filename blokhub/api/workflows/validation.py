"""Validate is import without saving: the same inputs (raw JSON/YAML/TOML file bodies, a multipart ``file``, or
the create envelope ``{definition}`` / ``{source, format}``) and one answer shape for every outcome about the
document — unreadable text, limits, schema, lint and secrets all come back as ``200 {valid: false, errors}``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Request

from blokhub import blok
from blokhub.api.errors import Unprocessable
from blokhub.api.workflows import importing, submissions
from blokhub.api.workflows.presenters import facts_of, requirements_of
from blokhub.api.workflows.schemas import IssueOut, ValidationOut, WorkflowCreate

ENVELOPE_KEYS = frozenset({"definition", "source"})


@dataclass(frozen=True, slots=True)
class Submission:
    definition: dict[str, Any] | None
    source: str | bytes | None
    format: str | None
    visibility: str | None


def _envelope(raw: bytes) -> WorkflowCreate | None:
    """The create envelope when the JSON body is one (a Blok document never has `definition` or `source`)."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(body, dict) or not ENVELOPE_KEYS & body.keys():
        return None
    try:
        return msgspec.convert(body, WorkflowCreate)
    except msgspec.ValidationError as exc:
        raise Unprocessable(str(exc), details=[{"pointer": "", "message": str(exc)}]) from None


async def read_submission(request: Request[Any, Any, Any]) -> Submission:
    raw, fmt = await importing.read_upload(request)
    envelope = _envelope(raw) if fmt == "json" else None
    if envelope is None:
        return Submission(definition=None, source=raw, format=fmt, visibility=None)
    return Submission(envelope.definition, envelope.source, envelope.format, envelope.visibility)


def _issue_out(detail: dict[str, Any], code: str) -> IssueOut:
    return IssueOut(
        code=str(detail.get("code") or code),
        message=str(detail.get("message") or ""),
        pointer=str(detail.get("pointer") or ""),
        line=detail.get("line"),
        column=detail.get("column"),
    )


def _issues(items: list[blok.Issue]) -> list[IssueOut]:
    return [IssueOut(code=i.code, message=i.message, pointer=i.pointer, line=i.line, column=i.column) for i in items]


def validate(submission: Submission, visibility: str) -> ValidationOut:
    try:
        checked = submissions.check(definition=submission.definition, source=submission.source, fmt=submission.format)
    except Unprocessable as exc:
        details = exc.details or [{"pointer": "", "message": exc.message}]
        errors = [_issue_out(d, exc.code) for d in details]
        return ValidationOut(valid=False, dialect="v1", errors=errors, warnings=[], facts=None)
    secrets = checked.secrets if visibility in ("public", "unlisted") else []
    warnings = checked.result.warnings if secrets else [*checked.result.warnings, *checked.secrets]
    return ValidationOut(
        valid=checked.result.valid and not secrets,
        dialect="v2" if checked.dialect == "v2" else "v1",
        errors=_issues([*checked.result.errors, *secrets]),
        warnings=_issues(warnings),
        facts=facts_of(checked.facts) if checked.result.facts else None,
        requirements=requirements_of(checked.document) if checked.result.facts else None,
    )
