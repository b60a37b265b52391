"""The Blok workflow format: safe parsing, validation, facts, canonical form, diff, export, secret scanning.

Both Blok dialects (v1: ``name``/``node`` steps plus ``nodes``; v2: ``id``/``use`` steps with inline inputs and
control-flow blocks) are recognised (``dialect``), validated by their own rules (``schema``/``lint``,
``v2_schema``/``v2_lint``), read through one step model (``model``) and converted (``to_v2``, ``to_v1``).
Pure library code (no web, no database). See the module docstrings for the decisions behind each part:
``_yaml`` (YAML 1.2 scalar rules), ``_toml`` (datetimes become ISO strings), ``lint`` (duplicate step names),
``canonical_form`` (what counts as the same workflow), ``serialize`` (null cannot be written as TOML).
"""

from blokhub.blok.canonical_form import canonical, canonical_hash
from blokhub.blok.changes import Change
from blokhub.blok.changes_v2 import diff
from blokhub.blok.convert import convert
from blokhub.blok.dialect import Detection, Dialect, detect, dialect_of
from blokhub.blok.errors import BlokConversionError, BlokExportError, BlokParseError, Format, Issue
from blokhub.blok.limits import LIMITS, Limits, check_limits
from blokhub.blok.model import ModelStep, model_steps
from blokhub.blok.parsing import ParsedDocument, parse
from blokhub.blok.schema import load_schema, schema_issues
from blokhub.blok.secret_scan import scan_secrets
from blokhub.blok.serialize import export
from blokhub.blok.validation import ValidationResult, analyze, validate
from blokhub.blok.workflow_facts import Facts, facts

__all__ = [
    "LIMITS",
    "BlokConversionError",
    "BlokExportError",
    "BlokParseError",
    "Change",
    "Detection",
    "Dialect",
    "Facts",
    "Format",
    "Issue",
    "Limits",
    "ModelStep",
    "ParsedDocument",
    "ValidationResult",
    "analyze",
    "canonical",
    "canonical_hash",
    "check_limits",
    "convert",
    "detect",
    "dialect_of",
    "diff",
    "export",
    "facts",
    "load_schema",
    "model_steps",
    "parse",
    "scan_secrets",
    "schema_issues",
    "validate",
]
