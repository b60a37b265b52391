"""Publishing, editing, versions and deletion of workflows. Services flush; the request commits.

Counters (the owner's workflows, the original's forks) are kept by database triggers from the rows themselves."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.api.errors import Conflict, Forbidden, Unprocessable
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
    if _REACH[visibility] > _REACH[old_visibility] and workflow.forked_from_id is not None:
        await _check_fork_reach(db, user, workflow.forked_from_id, visibility)
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
        workflow.visibility = visibility
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
    workflow.deleted_at = utcnow()
    emit(db, "workflow.deleted", "workflow", workflow.id, {"by": user.id})
    await db.flush()


# How far a workflow reaches: a fork may reach no further than its original does for the forker.
_REACH = {Visibility.PUBLIC: 2, Visibility.UNLISTED: 1, Visibility.PRIVATE: 0, Visibility.DRAFT: 0}


def fork_visibility(user: User, original: Workflow, requested: str | None) -> str:
    """The visibility of ``user``'s copy of ``original``: never more visible than the forker may publish.

    Private, draft and hidden work is forkable by its owner only (a moderator sees it to judge it, not to copy it),
    and the owner's copy of hidden work stays private. Someone else's unlisted work may be copied, but not listed."""
    own = original.owner_id == user.id
    if not own and (original.visibility not in Visibility.SHARED or original.hidden_at is not None):
        raise Forbidden("Only the owner can fork private, draft or hidden work.")
    if original.hidden_at is not None:
        ceiling = Visibility.PRIVATE
    elif own:
        ceiling = Visibility.PUBLIC
    else:
        ceiling = original.visibility
    if requested is None:
        return ceiling
    if _REACH[requested] > _REACH[ceiling]:
        raise Unprocessable(
            f"This fork can be at most {ceiling}: a copy never reaches further than its original.",
            code="fork_visibility",
            details=[{"pointer": "/visibility", "message": f"at most {ceiling}"}],
        )
    return requested


async def _check_fork_reach(db: AsyncSession, user: User, original_id: int, visibility: str) -> None:
    """Widening a fork later obeys the same ceiling as forking did (an unlisted original's copy is not listed by
    someone else, a private or hidden original's copy stays private); a deleted original no longer limits it."""
    original = await db.get(Workflow, original_id)
    if original is None or original.deleted_at is not None:
        return
    try:
        fork_visibility(user, original, visibility)
    except Forbidden:
        raise Unprocessable(
            "This fork's original is no longer shared: its copy can only stay private.",
            code="fork_visibility",
            details=[{"pointer": "/visibility", "message": "at most private"}],
        ) from None


async def fork(
    db: AsyncSession, resources: Resources, user: User, original: Workflow, *, title: str | None, visibility: str | None
) -> Workflow:
    visibility = fork_visibility(user, original, visibility)
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


def changes_payload(changes: list[Any]) -> list[dict[str, Any]]:
    return [c.to_dict() for c in changes]
