"""From request input (an object, or source text in a format) to a checked Blok document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from blokhub import blok
from blokhub.api import edge
from blokhub.api.errors import Unprocessable
from blokhub.api.textforms import fold
from blokhub.db.models import Visibility
from blokhub.db.workflow_rows import facts_of, health_of

MAX_TAGS, MAX_TAG_LENGTH = 10, 32


@dataclass(frozen=True, slots=True)
class CheckedDocument:
    document: dict[str, Any]
    format: str
    result: blok.ValidationResult
    secrets: list[blok.Issue]
    canonical_hash: str

    @property
    def dialect(self) -> str:
        return (self.result.dialect or blok.Dialect.V1).value

    @property
    def facts(self) -> dict[str, Any]:
        return facts_of(self.result)

    def health(self) -> dict[str, Any]:
        # Secrets a private draft may keep are shown to its owner as warnings.
        return health_of(self.result, (_as_warning(s) for s in self.secrets))


def _as_warning(issue: blok.Issue) -> blok.Issue:
    return blok.Issue(
        code=issue.code,
        message=issue.message,
        pointer=issue.pointer,
        line=issue.line,
        column=issue.column,
        severity="warning",
    )


def _issues(issues: list[blok.Issue]) -> list[dict[str, Any]]:
    return [i.to_dict() for i in issues]


def parse_source(source: str | bytes, fmt: str) -> blok.ParsedDocument:
    try:
        return blok.parse(source, fmt)
    except blok.BlokParseError as exc:
        first = exc.issues[0]
        raise Unprocessable(first.message, code=first.code, details=_issues(exc.issues)) from None


def check(*, definition: dict[str, Any] | None, source: str | bytes | None, fmt: str | None) -> CheckedDocument:
    """Parse (when given source), validate, scan for secrets and hash. Raises 422 only for unreadable input;
    schema and lint problems are reported in the result, and :func:`require_publishable` decides."""
    if (definition is None) == (source is None):
        raise Unprocessable(
            "Send the workflow either as `definition` (a JSON object) or as `source` with its `format`.",
            code="definition_required",
            details=[{"pointer": "/definition", "message": "exactly one of definition, source"}],
        )
    parsed: blok.ParsedDocument | None = None
    if source is not None:
        if fmt is None:
            raise Unprocessable(
                "`format` is required with `source`: json, yaml or toml.",
                code="format_required",
                details=[{"pointer": "/format", "message": "required with source"}],
            )
        parsed = parse_source(source, fmt)
        document = parsed.document
    else:
        assert definition is not None
        try:
            blok.check_limits(definition)
        except blok.BlokParseError as exc:
            raise Unprocessable(exc.issues[0].message, code=exc.issues[0].code, details=_issues(exc.issues)) from None
        document = definition
    try:
        # Imports (YAML "\0", TOML "\u0000", multipart) reach here without passing the JSON edge check.
        edge.check_value(document)
    except edge.Refused as refused:
        raise Unprocessable(
            f"The workflow carries characters that cannot be stored: {refused.message}.",
            code="invalid_character",
            details=[{"pointer": refused.pointer, "message": refused.message}],
        ) from None
    result = blok.validate(document, parsed=parsed)
    if result.dialect is None:
        raise Unprocessable(
            result.errors[0].message[:1].upper() + result.errors[0].message[1:] + ".",
            code="unknown_dialect",
            details=[{**i.to_dict(), "resembles": result.resembles.value} for i in result.errors],
        )
    secrets = blok.scan_secrets(document)
    if parsed is not None:
        secrets = [_locate(i, parsed) for i in secrets]
    return CheckedDocument(document, fmt or "json", result, secrets, blok.canonical_hash(document))


def _locate(issue: blok.Issue, parsed: blok.ParsedDocument) -> blok.Issue:
    if issue.line is not None:
        return issue
    where = parsed.locate(issue.pointer)
    if where is None:
        return issue
    return blok.Issue(
        code=issue.code,
        message=issue.message,
        pointer=issue.pointer,
        line=where[0],
        column=where[1],
        severity=issue.severity,
    )


def require_publishable(checked: CheckedDocument, visibility: str) -> None:
    """Public and unlisted workflows must be valid and free of literal secrets; private drafts may be neither."""
    if visibility not in Visibility.SHARED:
        return
    if checked.result.errors:
        raise Unprocessable(
            f"The workflow is not valid Blok ({len(checked.result.errors)} problem(s)); fix them or save it as "
            "a private draft.",
            code="invalid_workflow",
            details=_issues(checked.result.errors),
        )
    if checked.secrets:
        raise Unprocessable(
            "The workflow contains what look like literal secrets; reference them from the environment instead "
            '(e.g. "${ctx.env.API_KEY}"), or keep it private.',
            code="secret_detected",
            details=_issues(checked.secrets),
        )


def normalise_tags(tags: list[str]) -> list[str]:
    """Lowercase, trimmed, spaces as hyphens, de-duplicated in order; at most 10 of at most 32 characters."""
    out: list[str] = []
    for index, raw in enumerate(tags):
        tag = "-".join(fold(raw).split())
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise Unprocessable(
                f"Tags are at most {MAX_TAG_LENGTH} characters.",
                code="invalid_tag",
                details=[{"pointer": f"/tags/{index}", "message": "too long"}],
            )
        if tag not in out:
            out.append(tag)
    if len(out) > MAX_TAGS:
        raise Unprocessable(
            f"At most {MAX_TAGS} tags.",
            code="too_many_tags",
            details=[{"pointer": "/tags", "message": f"{len(out)} tags"}],
        )
    return out


def default_title(document: dict[str, Any]) -> str:
    name = document.get("name")
    return name.strip()[:200] if isinstance(name, str) and name.strip() else "Untitled workflow"


def default_description(document: dict[str, Any]) -> str:
    text = document.get("description")
    return text.strip()[:5000] if isinstance(text, str) else ""
