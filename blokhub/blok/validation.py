"""validate(): schema errors, lint findings and facts in one result; analyze() = parse + validate."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from blokhub.blok.body_lint import api_call_body_issues
from blokhub.blok.dialect import Dialect, detect, neither_issues
from blokhub.blok.errors import BlokParseError, Format, Issue
from blokhub.blok.limits import check_limits
from blokhub.blok.lint import lint_issues
from blokhub.blok.model import model_steps
from blokhub.blok.parsing import ParsedDocument, parse
from blokhub.blok.schema import schema_issues
from blokhub.blok.v2_lint import v2_lint_issues
from blokhub.blok.v2_schema import v2_schema_issues
from blokhub.blok.walk import iter_steps
from blokhub.blok.workflow_facts import Facts, compute_facts


@dataclass(slots=True)
class ValidationResult:
    valid: bool
    errors: list[Issue]
    warnings: list[Issue]
    facts: Facts | None
    # None: the document is of neither dialect (its errors say which it resembles and what is missing).
    dialect: Dialect | None = Dialect.V1
    resembles: Dialect = Dialect.V1

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "dialect": self.dialect.value if self.dialect else None,
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
        return ValidationResult(False, [_placed(issue, parsed)], [], None, None)
    detection = detect(doc)
    if detection.dialect is None:
        issues = [_placed(issue, parsed) for issue in neither_issues(doc, detection)]
        return ValidationResult(False, issues, [], None, None, detection.resembles)
    if detection.dialect is Dialect.V2:
        model = model_steps(doc, Dialect.V2)
        found = [*v2_schema_issues(doc), *v2_lint_issues(doc, model)]
    else:
        steps = list(iter_steps(doc))
        found = [*schema_issues(doc), *lint_issues(doc, steps)]
        model = model_steps(doc, Dialect.V1)
    found.extend(api_call_body_issues(model))  # one rule for both dialects, on the shared step model
    errors: list[Issue] = []
    warnings: list[Issue] = []
    for issue in found:
        (warnings if issue.severity == "warning" else errors).append(_placed(issue, parsed))
    usable = isinstance(doc.get("steps"), list)
    facts = compute_facts(doc, model, detection.dialect) if usable else None
    return ValidationResult(not errors, errors, warnings, facts, detection.dialect, detection.dialect)


def analyze(source: str | bytes, fmt: Format | str) -> tuple[ParsedDocument, ValidationResult]:
    parsed = parse(source, fmt)
    return parsed, validate(parsed.document, parsed=parsed)


def _placed(issue: Issue, parsed: ParsedDocument | None) -> Issue:
    if parsed is None or issue.line is not None:
        return issue
    where = parsed.locate(issue.pointer)
    return replace(issue, line=where[0], column=where[1]) if where else issue
