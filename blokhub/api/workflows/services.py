"""Publishing, editing, versions and deletion of workflows. Services flush; the request commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.errors import Conflict
from blokhub.api.workflows import submissions
from blokhub.api.workflows.access import get_deletable, get_editable
from blokhub.api.workflows.schemas import WorkflowCreate, WorkflowUpdate
from blokhub.api.workflows.slugs import unique_slug
from blokhub.api.workflows.submissions import CheckedDocument
from blokhub.db.base import utcnow
from blokhub.db.models import User, Visibility, Workflow, WorkflowVersion
from blokhub.db.workflow_rows import first_version
from blokhub.outbox import emit
from blokhub.runtime.resources import Resources


async def publish(
    db: AsyncSession,
    owner: User,
    checked: CheckedDocument,
    *,
    title: str | None,
    description: str | None,
    tags: list[str] | None,
    visibility: str,
    forked_from: Workflow | None = None,
) -> Workflow:
    """Store a new workflow (version 1) from a checked document."""
    submissions.require_publishable(checked, visibility)
    title = (title or "").strip() or submissions.default_title(checked.document)
    now = utcnow()
    values, version = first_version(
        owner_id=owner.id,
        title=title,
        description=submissions.default_description(checked.document) if description is None else description.strip(),
        tags=submissions.normalise_tags(tags or []),
        visibility=visibility,
        definition=checked.document,
        source_format=checked.format,
        canonical_hash=checked.canonical_hash,
        facts=checked.facts,
        health=checked.health(),
        forked_from=(forked_from.id, forked_from.version) if forked_from else None,
        at=now,
    )
    workflow = Workflow(owner=owner, **values)
    for attempt in range(3):
        workflow.slug = await unique_slug(db, owner.id, title)
        try:
            async with db.begin_nested():
                db.add(workflow)
                await db.flush()
            break
        except IntegrityError:  # a concurrent publish took the slug; look again
            if attempt == 2:
                raise Conflict("Could not find a free slug for this title; try again.") from None
    db.add(WorkflowVersion(workflow_id=workflow.id, **version))
    await adjust_profile_count(db, owner.id, False, counts_on_profile(workflow))
    emit(db, "workflow.created", "workflow", workflow.id, {"visibility": visibility, "fork": forked_from is not None})
    return workflow


async def create(db: AsyncSession, owner: User, data: WorkflowCreate) -> Workflow:
    checked = submissions.check(definition=data.definition, source=data.source, fmt=data.format)
    return await publish(
        db, owner, checked, title=data.title, description=data.description, tags=data.tags, visibility=data.visibility
    )


async def update_workflow(db: AsyncSession, user: User, workflow_id: int, data: WorkflowUpdate) -> Workflow:
    workflow = await get_editable(db, user, workflow_id)
    if data.expected_version is not None and data.expected_version != workflow.version:
        raise Conflict(
            f"The workflow is at version {workflow.version}, not {data.expected_version}: someone changed it "
            "since you loaded it. Reload, re-apply your change and send the new expected_version.",
            code="version_conflict",
            details=[{"pointer": "/expected_version", "current_version": workflow.version}],
        )
    old_visibility = workflow.visibility
    visibility = data.visibility or workflow.visibility
    changed: list[str] = []
    if data.definition is not None or data.source is not None:
        checked = submissions.check(definition=data.definition, source=data.source, fmt=data.format)
        submissions.require_publishable(checked, visibility)
        if checked.canonical_hash != workflow.canonical_hash:
            workflow.version += 1
            db.add(
                WorkflowVersion(
                    workflow_id=workflow.id,
                    version=workflow.version,
                    definition=checked.document,
                    canonical_hash=checked.canonical_hash,
                    changelog=(data.changelog or "").strip(),
                )
            )
            changed.append("definition")
        workflow.definition, workflow.canonical_hash = checked.document, checked.canonical_hash
        workflow.facts, workflow.health, workflow.source_format = checked.facts, checked.health(), checked.format
    elif visibility != old_visibility and visibility in Visibility.SHARED:
        # Going public re-applies the publishing rules to the stored definition.
        submissions.require_publishable(
            submissions.check(definition=workflow.definition, source=None, fmt=None), visibility
        )
    if data.title is not None and data.title.strip() != workflow.title:
        workflow.title = data.title.strip()
        workflow.slug = await unique_slug(db, workflow.owner_id, workflow.title, exclude_id=workflow.id)
        changed.append("title")
    if data.description is not None:
        workflow.description = data.description.strip()
        changed.append("description")
    if data.tags is not None:
        workflow.tags = submissions.normalise_tags(data.tags)
        changed.append("tags")
    if visibility != old_visibility:
        counted = counts_on_profile(workflow)
        workflow.visibility = visibility
        await adjust_profile_count(db, workflow.owner_id, counted, counts_on_profile(workflow))
        if visibility in Visibility.SHARED and workflow.published_at is None:
            workflow.published_at = utcnow()
        emit(db, "workflow.visibility_changed", "workflow", workflow.id, {"from": old_visibility, "to": visibility})
    if changed:
        workflow.updated_at = utcnow()
        emit(
            db,
            "workflow.updated",
            "workflow",
            workflow.id,
            {"fields": changed, "version": workflow.version, "new_version": "definition" in changed},
        )
    await db.flush()
    return workflow


async def delete_workflow(db: AsyncSession, user: User, workflow_id: int) -> None:
    workflow = await get_deletable(db, user, workflow_id)
    counted = counts_on_profile(workflow)
    workflow.deleted_at = utcnow()
    await adjust_profile_count(db, workflow.owner_id, counted, False)
    if workflow.forked_from_id is not None:
        await db.execute(
            update(Workflow)
            .where(Workflow.id == workflow.forked_from_id, Workflow.forks_count > 0)
            .values(forks_count=Workflow.forks_count - 1)
        )
    emit(db, "workflow.deleted", "workflow", workflow.id, {"by": user.id})
    await db.flush()


async def fork(
    db: AsyncSession, resources: Resources, user: User, original: Workflow, *, title: str | None, visibility: str
) -> Workflow:
    checked = submissions.check(definition=original.definition, source=None, fmt=None)
    copy = await publish(
        db,
        user,
        checked,
        title=title or original.title,
        description=original.description,
        tags=list(original.tags),
        visibility=visibility,
        forked_from=original,
    )
    # One atomic UPDATE: concurrent forks never lose a count.
    await db.execute(update(Workflow).where(Workflow.id == original.id).values(forks_count=Workflow.forks_count + 1))
    if visibility in Visibility.SHARED:  # a private copy is nobody else's business
        from blokhub.api.notifications.services import notify

        await notify(
            db,
            resources.redis,
            user_id=original.owner_id,
            kind="workflow_fork",
            actor=user,
            workflow=original,
            data={"fork_id": copy.id},
        )
    emit(
        db, "workflow.forked", "workflow", copy.id, {"original_id": original.id, "original_owner_id": original.owner_id}
    )
    return copy


def counts_on_profile(workflow: Workflow) -> bool:
    """Only live, public, unhidden workflows count on their owner's profile."""
    return workflow.listed


async def adjust_profile_count(db: AsyncSession, owner_id: int, before: bool, after: bool) -> None:
    """Apply a workflow's transition to its owner's counter with one atomic UPDATE (exact under concurrency)."""
    if before != after:
        delta = 1 if after else -1
        await db.execute(update(User).where(User.id == owner_id).values(workflows_count=User.workflows_count + delta))


def changes_payload(changes: list[Any]) -> list[dict[str, Any]]:
    return [c.to_dict() for c in changes]
