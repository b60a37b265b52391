"""validate(): schema errors, lint findings and facts in one result; analyze() = parse + validate."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from blokhub.blok.errors import BlokParseError, Format, Issue
from blokhub.blok.limits import check_limits
from blokhub.blok.lint import lint_issues
from blokhub.blok.parsing import ParsedDocument, parse
from blokhub.blok.schema import schema_issues
from blokhub.blok.walk import iter_steps
from blokhub.blok.workflow_facts import Facts, compute_facts


@dataclass(slots=True)
class ValidationResult:
    valid: bool
    errors: list[Issue]
    warnings: list[Issue]
    facts: Facts | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "errors": [issue.to_dict() for issue in self.errors],
            "warnings": [issue.to_dict() for issue in self.warnings],
            "facts": self.facts.to_dict() if self.facts is not None else None,
        }


def validate(doc: Any, *, parsed: ParsedDocument | None = None) -> ValidationResult:
    """Check ``doc`` against the schema and the lint rules; warnings never make it invalid.

    Without ``parsed`` the document is first held to the parse limits, since it may come straight from an API
    body. With ``parsed`` every issue also gets the line/column of its pointer in the source.
    """
    if parsed is None:
        try:
            check_limits(doc)
        except BlokParseError as exc:
            return ValidationResult(False, list(exc.issues), [], None)
    if not isinstance(doc, dict):
        issue = Issue("not_an_object", "a workflow must be an object with name, version, trigger, steps and nodes", "")
        return ValidationResult(False, [_placed(issue, parsed)], [], None)
    steps = list(iter_steps(doc))
    errors: list[Issue] = []
    warnings: list[Issue] = []
    for issue in (*schema_issues(doc), *lint_issues(doc, steps)):
        (warnings if issue.severity == "warning" else errors).append(_placed(issue, parsed))
    usable = isinstance(doc.get("steps"), list)
    return ValidationResult(not errors, errors, warnings, compute_facts(doc, steps) if usable else None)


def analyze(source: str | bytes, fmt: Format | str) -> tuple[ParsedDocument, ValidationResult]:
    parsed = parse(source, fmt)
    return parsed, validate(parsed.document, parsed=parsed)


def _placed(issue: Issue, parsed: ParsedDocument | None) -> Issue:
    if parsed is None or issue.line is not None:
        return issue
    where = parsed.locate(issue.pointer)
    return replace(issue, line=where[0], column=where[1]) if where else issue
