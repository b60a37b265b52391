"""ORM rows to response schemas (handlers never return ORM objects)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import defer, joinedload

from blokhub.api.users.schemas import UserRef
from blokhub.api.workflows.schemas import (
    DialectName,
    Facts,
    ForkedFrom,
    Health,
    IssueOut,
    Moderation,
    NodeRequirement,
    Rating,
    Requirements,
    Stats,
    WorkflowOut,
    WorkflowSummary,
)
from blokhub.blok import requirements as blok_requirements
from blokhub.db.models import User, Workflow

# Lists show summaries: never load the (possibly 512 KiB) definitions they do not show.
SUMMARY_LOAD = (joinedload(Workflow.owner), defer(Workflow.definition, raiseload=True))

# Bayesian average: every workflow starts with PRIOR_WEIGHT imaginary votes at the site-wide mean, so three 5-star
# votes do not outrank hundreds of 4.8s. The community feature refreshes the mean from real ratings.
PRIOR_WEIGHT = 10
DEFAULT_PRIOR_MEAN = 3.5


def bayesian(rating_sum: int, rating_count: int, prior_mean: float = DEFAULT_PRIOR_MEAN) -> float:
    return (PRIOR_WEIGHT * prior_mean + rating_sum) / (PRIOR_WEIGHT + rating_count)


def rating_of(rating_sum: int, rating_count: int, score: float | None = None) -> Rating:
    """``score`` is the stored Bayesian average (computed against the site-wide mean when the rating changed)."""
    if rating_count == 0:
        return Rating(average=None, count=0, score=None)
    if score is None:
        score = bayesian(rating_sum, rating_count)
    return Rating(average=round(rating_sum / rating_count, 3), count=rating_count, score=round(score, 4))


def _issues(items: list[dict[str, Any]]) -> list[IssueOut]:
    return [
        IssueOut(
            code=i.get("code", ""),
            message=i.get("message", ""),
            pointer=i.get("pointer", ""),
            line=i.get("line"),
            column=i.get("column"),
        )
        for i in items
    ]


def facts_of(raw: dict[str, Any]) -> Facts:
    return Facts(
        trigger=raw.get("trigger"),
        method=raw.get("method"),
        runtimes=list(raw.get("runtimes", [])),
        nodes=list(raw.get("nodes", [])),
        step_count=int(raw.get("step_count", 0)),
        has_branches=bool(raw.get("has_branches", False)),
        path=raw.get("path"),
        domains=list(raw.get("domains", [])),
        dialect=dialect_of_facts(raw),
        control_flow=list(raw.get("control_flow", [])),
    )


def requirements_of(definition: dict[str, Any]) -> Requirements:
    found = blok_requirements.requirements(definition)
    return Requirements(
        dialect=found.dialect,
        trigger=found.trigger,
        trigger_lines=list(found.trigger_lines),
        nodes=[NodeRequirement(**n.to_dict()) for n in found.nodes],
        lines=list(found.lines),
        values=list(found.values),
    )


def dialect_of_facts(raw: dict[str, Any]) -> DialectName:
    # Rows stored before v2 support carry no dialect in their facts; they are all v1.
    return "v2" if raw.get("dialect") == "v2" else "v1"


def health_of(raw: dict[str, Any]) -> Health:
    return Health(
        valid=bool(raw.get("valid", False)),
        errors=_issues(raw.get("errors", [])),
        warnings=_issues(raw.get("warnings", [])),
    )


def _common(w: Workflow) -> dict[str, Any]:
    return {
        "id": w.id,
        "slug": w.slug,
        "title": w.title,
        "description": w.description,
        "tags": list(w.tags),
        "visibility": w.visibility,
        "owner": UserRef(username=w.owner.username, display_name=w.owner.display_name),
        "version": w.version,
        "dialect": dialect_of_facts(w.facts or {}),
        "facts": facts_of(w.facts or {}),
        "health": health_of(w.health),
        "forked_from": ForkedFrom(id=w.forked_from_id, version=w.forked_from_version) if w.forked_from_id else None,
        "stats": Stats(
            favorites=w.favorites_count,
            comments=w.comments_count,
            forks=w.forks_count,
            views=w.views_count,
            rating=rating_of(w.rating_sum, w.rating_count, w.rating_score),
        ),
        "created_at": w.created_at,
        "updated_at": w.updated_at,
        "published_at": w.published_at,
    }


def _moderation(
    owner_id: int,
    hidden_at: datetime | None,
    hidden_reason: str | None,
    owner_banned_at: datetime | None,
    viewer: User | None,
) -> Moderation | None:
    """The moderation state, for the workflow's owner and moderators (nobody else learns why something is gone),
    on every surface that shows them the workflow: its page and every list item."""
    if viewer is None or (viewer.id != owner_id and not viewer.is_moderator):
        return None
    if hidden_at is not None:
        return Moderation(state="hidden", reason=hidden_reason, at=hidden_at)
    if owner_banned_at is not None:
        return Moderation(state="owner_banned", reason="the owner's account is banned", at=owner_banned_at)
    return Moderation(state="visible")


def moderation_of(w: Workflow, viewer: User | None) -> Moderation | None:
    return _moderation(w.owner_id, w.hidden_at, w.hidden_reason, w.owner_banned_at, viewer)


def summary_of(w: Workflow, viewer: User | None = None) -> WorkflowSummary:
    return WorkflowSummary(**_common(w), moderation=moderation_of(w, viewer))


def workflow_of(w: Workflow, viewer: User | None = None) -> WorkflowOut:
    return WorkflowOut(
        **_common(w),
        definition=w.definition,
        requirements=requirements_of(w.definition),
        moderation=moderation_of(w, viewer),
    )


def summary_from_row(r: Mapping[str, Any], viewer: User | None = None) -> WorkflowSummary:
    """The same summary as `summary_of`, from a bare row (the columns of `summaries.SUMMARY_COLUMNS`): hot read
    paths skip the ORM. tests/api/test_summaries.py checks both spellings agree."""
    forked_from = r["forked_from_id"]
    return WorkflowSummary(
        id=r["id"],
        slug=r["slug"],
        title=r["title"],
        description=r["description"],
        tags=list(r["tags"]),
        visibility=r["visibility"],
        owner=UserRef(username=r["username"], display_name=r["display_name"]),
        version=r["version"],
        dialect=dialect_of_facts(r["facts"] or {}),
        facts=facts_of(r["facts"] or {}),
        health=health_of(r["health"]),
        forked_from=ForkedFrom(id=forked_from, version=r["forked_from_version"]) if forked_from else None,
        stats=Stats(
            favorites=r["favorites_count"],
            comments=r["comments_count"],
            forks=r["forks_count"],
            views=r["views_count"],
            rating=rating_of(r["rating_sum"], r["rating_count"], r["rating_score"]),
        ),
        created_at=r["created_at"],
        updated_at=r["updated_at"],
        published_at=r["published_at"],
        moderation=_moderation(r["owner_id"], r["hidden_at"], r["hidden_reason"], r["owner_banned_at"], viewer),
    )
