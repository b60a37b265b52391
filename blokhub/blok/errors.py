"""Issue records and the exceptions that carry them.

Every problem the library reports - a parse refusal, a schema violation, a lint finding, a secret - is an
:class:`Issue`, so the API layer can render all of them the same way (code, message, JSON pointer, position).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Format(StrEnum):
    JSON = "json"
    YAML = "yaml"
    TOML = "toml"


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    message: str
    pointer: str
    line: int | None = None
    column: int | None = None
    severity: str = "error"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "pointer": self.pointer,
            "severity": self.severity,
        }
        if self.line is not None:
            out["line"] = self.line
        if self.column is not None:
            out["column"] = self.column
        return out


class _IssueError(ValueError):
    """Base for exceptions that carry at least one :class:`Issue`."""

    def __init__(self, issues: list[Issue]) -> None:
        if not issues:
            raise TypeError(f"{type(self).__name__} needs at least one issue")
        self.issues = issues
        super().__init__(issues[0].message)

    @property
    def code(self) -> str:
        return self.issues[0].code

    def to_dict(self) -> dict[str, Any]:
        return {"issues": [issue.to_dict() for issue in self.issues]}


class BlokParseError(_IssueError):
    """The source could not be turned into a safe, JSON-compatible workflow object."""


class BlokExportError(_IssueError):
    """The document cannot be written in the requested format (e.g. null values in TOML)."""


def escape_token(token: str) -> str:
    # RFC 6901: "~" must be escaped before "/" or "~1" in a key would be mangled.
    return token.replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join_pointer(pointer: str, token: str | int) -> str:
    return f"{pointer}/{escape_token(token) if isinstance(token, str) else token}"


def split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [unescape_token(part) for part in pointer.split("/")[1:]]


def coerce_format(fmt: Format | str, error: type[_IssueError] = BlokParseError) -> Format:
    if isinstance(fmt, Format):
        return fmt
    name = str(fmt).strip().lower().lstrip(".")
    if name == "yml":
        # The runner only looks up ".yaml" files, but uploads named ".yml" are the same format.
        name = "yaml"
    try:
        return Format(name)
    except ValueError:
        raise error(
            [Issue("unsupported_format", f"unsupported format {fmt!r}; use one of json, yaml, toml", "")]
        ) from None


class BlokConversionError(_IssueError):
    """The workflow uses constructs the target dialect cannot express; one issue per construct."""
