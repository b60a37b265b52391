"""The rows of a newly published workflow (version 1), built one way for the API and the demo-corpus seeder.

``publish()`` (api/workflows) adds them through the ORM; the seeder COPYs millions of them in bulk. Both take the
stored columns from here, so a workflow loaded by ``blokhub seed`` is indistinguishable from one published over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from blokhub import blok
from blokhub.db.models.workflow import Visibility

FIRST_CHANGELOG = "First version"


def facts_of(result: blok.ValidationResult) -> dict[str, Any]:
    """The searchable facts of a validated definition (empty facts when it could not be analysed)."""
    if result.facts is None:
        return {
            "trigger": None,
            "method": None,
            "path": None,
            "runtimes": [],
            "nodes": [],
            "step_count": 0,
            "has_branches": False,
            "domains": [],
            "dialect": (result.dialect or blok.Dialect.V1).value,
            "control_flow": [],
        }
    return result.facts.to_dict()


def health_of(result: blok.ValidationResult, extra_warnings: Iterable[blok.Issue] = ()) -> dict[str, Any]:
    return {
        "valid": result.valid,
        "errors": [i.to_dict() for i in result.errors],
        "warnings": [i.to_dict() for i in (*result.warnings, *extra_warnings)],
    }


def first_version(
    *,
    owner_id: int,
    title: str,
    description: str,
    tags: list[str],
    visibility: str,
    definition: dict[str, Any],
    source_format: str,
    canonical_hash: str,
    facts: dict[str, Any],
    health: dict[str, Any],
    forked_from: tuple[int, int] | None,
    at: datetime,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Column values of the workflow row and its version-1 row (the version lacks ``workflow_id``, not known yet)."""
    workflow = {
        "owner_id": owner_id,
        "title": title,
        "description": description,
        "tags": tags,
        "visibility": visibility,
        "version": 1,
        "definition": definition,
        "source_format": source_format,
        "canonical_hash": canonical_hash,
        "facts": facts,
        "health": health,
        "published_at": at if visibility in Visibility.SHARED else None,
        "forked_from_id": forked_from[0] if forked_from else None,
        "forked_from_version": forked_from[1] if forked_from else None,
        "created_at": at,
        "updated_at": at,
    }
    version = {
        "version": 1,
        "definition": definition,
        "canonical_hash": canonical_hash,
        "changelog": FIRST_CHANGELOG,
        "created_at": at,
    }
    return workflow, version
