"""The Blok workflow format: safe parsing, validation, facts, canonical form, diff, export, secret scanning.

Pure library code (no web, no database). See the module docstrings for the decisions behind each part:
``_yaml`` (YAML 1.2 scalar rules), ``_toml`` (datetimes become ISO strings), ``lint`` (duplicate step names),
``canonical_form`` (what counts as the same workflow), ``serialize`` (null cannot be written as TOML).
"""

from blokhub.blok.canonical_form import canonical, canonical_hash
from blokhub.blok.changes import Change, diff
from blokhub.blok.errors import BlokExportError, BlokParseError, Format, Issue
from blokhub.blok.limits import LIMITS, Limits, check_limits
from blokhub.blok.parsing import ParsedDocument, parse
from blokhub.blok.schema import load_schema, schema_issues
from blokhub.blok.secret_scan import scan_secrets
from blokhub.blok.serialize import export
from blokhub.blok.validation import ValidationResult, analyze, validate
from blokhub.blok.workflow_facts import Facts, facts

__all__ = [
    "LIMITS",
    "BlokExportError",
    "BlokParseError",
    "Change",
    "Facts",
    "Format",
    "Issue",
    "Limits",
    "ParsedDocument",
    "ValidationResult",
    "analyze",
    "canonical",
    "canonical_hash",
    "check_limits",
    "diff",
    "export",
    "facts",
    "load_schema",
    "parse",
    "scan_secrets",
    "schema_issues",
    "validate",
]
