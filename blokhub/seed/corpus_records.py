"""What the corpus generator yields: demo users and workflows, plain frozen records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class SeedUser:
    index: int
    username: str
    email: str
    display_name: str
    bio: str
    created_days_ago: float


@dataclass(frozen=True, slots=True)
class SeedWorkflow:
    index: int
    owner_index: int
    title: str
    description: str
    tags: list[str]
    visibility: str  # "public" (~88%), "unlisted" (~4%), "private" (~5%), "draft" (~3%)
    definition: dict[str, Any]  # a Blok workflow document (JSON-serialisable)
    created_days_ago: float  # 0..720, older for lower indexes
    forked_from: int | None  # index of an earlier workflow this one forks (~3%)
    near_duplicate_of: int | None  # ~2%: an earlier workflow re-published with trivial edits
