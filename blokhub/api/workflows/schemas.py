from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from blokhub.api.schemas import Input, Output, VersionNumber
from blokhub.api.users.schemas import UserRef

VisibilityName = Literal["public", "unlisted", "private", "draft"]
DialectName = Literal["v1", "v2"]
FormatName = Literal["json", "yaml", "toml"]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Description = Annotated[str, msgspec.Meta(max_length=5000)]
Tags = Annotated[list[Annotated[str, msgspec.Meta(max_length=200)]], msgspec.Meta(max_length=100)]
Source = Annotated[str, msgspec.Meta(max_length=600_000)]


class WorkflowCreate(Input):
    """Either ``definition`` (the Blok document as a JSON object) or ``source`` + ``format``."""

    title: Title | None = None
    description: Description | None = None
    tags: Tags | None = None
    visibility: VisibilityName = "public"
    definition: dict[str, Any] | None = None
    source: Source | None = None
    format: FormatName | None = None


class WorkflowUpdate(Input):
    title: Title | None = None
    description: Description | None = None
    tags: Tags | None = None
    visibility: VisibilityName | None = None
    definition: dict[str, Any] | None = None
    source: Source | None = None
    format: FormatName | None = None
    changelog: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    expected_version: VersionNumber | None = None


class ForkIn(Input):
    title: Title | None = None
    # Default: as visible as the forker may make it (public, or the original's own reach when that is narrower).
    visibility: VisibilityName | None = None


class IssueOut(Output):
    code: str
    message: str
    pointer: str
    line: int | None = None
    column: int | None = None


class Facts(Output):
    trigger: str | None
    method: str | None
    runtimes: list[str]
    nodes: list[str]
    step_count: int
    has_branches: bool
    path: str | None = None
    domains: list[str] = msgspec.field(default_factory=list)
    dialect: DialectName = "v1"
    # "branch", "switch", "tryCatch", "forEach", "parallel", "loop", "wait", "subworkflow" (both dialects).
    control_flow: list[str] = msgspec.field(default_factory=list)


class NodeRequirement(Output):
    node: str
    type: str
    origin: Literal["builtin", "template", "npm", "local", "python", "unresolved"]
    package: str | None
    version: str | None
    lines: list[str]
    steps: list[str]


class Requirements(Output):
    """What it takes to run the workflow: where each node comes from and which Blok lines run it as written."""

    dialect: Literal["v1", "v2"]
    trigger: str | None
    trigger_lines: list[str]
    nodes: list[NodeRequirement]
    lines: list[str]
    values: list[str]


class Health(Output):
    valid: bool
    errors: list[IssueOut]
    warnings: list[IssueOut]


class Rating(Output):
    average: float | None
    count: int
    score: float | None


class Stats(Output):
    favorites: int
    comments: int
    forks: int
    views: int
    rating: Rating


class ForkedFrom(Output):
    id: int
    version: int | None


class Moderation(Output):
    """What moderation did to a workflow; shown to its owner and to moderators only."""

    state: Literal["visible", "hidden", "owner_banned"]
    reason: str | None = None
    at: datetime | None = None


class WorkflowSummary(Output):
    id: int
    slug: str
    title: str
    description: str
    tags: list[str]
    visibility: str
    owner: UserRef
    version: int
    dialect: DialectName
    facts: Facts
    health: Health
    forked_from: ForkedFrom | None
    stats: Stats
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    moderation: Moderation | None = None  # the owner's and moderators' view only


class WorkflowOut(WorkflowSummary, kw_only=True):
    definition: dict[str, Any]
    requirements: Requirements


class ValidationOut(Output):
    valid: bool
    dialect: DialectName
    errors: list[IssueOut]
    warnings: list[IssueOut]
    facts: Facts | None
    requirements: Requirements | None = None


class VersionSummary(Output):
    version: int
    changelog: str
    canonical_hash: str
    created_at: datetime


class VersionOut(VersionSummary):
    definition: dict[str, Any]


class ChangeOut(Output):
    op: str
    kind: str
    pointer: str
    name: str | None = None
    before: Any = None
    after: Any = None


class DiffOut(Output):
    from_version: int
    to_version: int
    changes: list[ChangeOut]
