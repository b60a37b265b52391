from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import Body, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from blokhub import blok
from blokhub.api.deps import DB, CurrentUser, Res, Viewer
from blokhub.api.errors import Unprocessable
from blokhub.api.params import INTEGER_MAX, PathId, PathVersion
from blokhub.api.schemas import Page
from blokhub.api.workflows import exporting, importing, page_views, queries, services, submissions, validation
from blokhub.api.workflows.access import get_visible
from blokhub.api.workflows.presenters import summary_of, workflow_of
from blokhub.api.workflows.schemas import (
    ChangeOut,
    DialectName,
    DiffOut,
    ForkIn,
    ValidationOut,
    VersionOut,
    VersionSummary,
    VisibilityName,
    WorkflowCreate,
    WorkflowOut,
    WorkflowSummary,
    WorkflowUpdate,
)
from blokhub.blok.project import build_project

Limit = Annotated[int | None, QueryParameter(ge=1, le=100, description="Page size (default 20, max 100).")]
Cursor = Annotated[
    str | None, QueryParameter(max_length=1000, description="Opaque cursor from the previous page's next_cursor.")
]
EXPORT_TYPES = {"json": "application/json", "yaml": "application/yaml", "toml": "application/toml"}


class WorkflowController(Controller):
    path = "/workflows"
    tags = ["workflows"]

    @post("/", status_code=HTTP_201_CREATED, operation_id="createWorkflow")
    async def create(self, data: JSONBody[WorkflowCreate], user: CurrentUser, db: DB) -> WorkflowOut:
        return workflow_of(await services.create(db, user, data))

    @post(
        "/import",
        status_code=HTTP_201_CREATED,
        operation_id="importWorkflow",
        description="Body: the workflow file (Content-Type application/json, application/yaml or application/toml), "
        "or multipart/form-data with a `file` part.",
    )
    async def import_file(
        self,
        request: Request[Any, Any, Any],
        user: CurrentUser,
        db: DB,
        visibility: FromQuery[VisibilityName] = "public",
        title: Annotated[str | None, QueryParameter(max_length=200, description="Default: from the file.")] = None,
        tags: Annotated[str | None, QueryParameter(max_length=1000, description="Comma-separated tags.")] = None,
    ) -> WorkflowOut:
        raw, fmt = await importing.read_upload(request)
        checked = submissions.check(definition=None, source=raw, fmt=fmt)
        tag_list = [t for t in (tags or "").split(",") if t.strip()]
        workflow = await services.publish(
            db, user, checked, title=title, description=None, tags=tag_list, visibility=visibility
        )
        return workflow_of(workflow)

    @post(
        "/validate",
        status_code=HTTP_200_OK,
        operation_id="validateWorkflow",
        description="Import without saving. Body: what import takes (the workflow file as application/json, "
        "application/yaml or application/toml, or multipart/form-data with a `file` part) or what create takes "
        "(`{definition}` or `{source, format}`). Every outcome about the document is 200 `{valid, errors, "
        "warnings, facts}`, unreadable text included (errors carry pointer, line and column).",
    )
    async def validate(
        self, request: Request[Any, Any, Any], visibility: FromQuery[VisibilityName | None] = None
    ) -> ValidationOut:
        submission = await validation.read_submission(request)
        return validation.validate(submission, visibility or submission.visibility or "public")

    @get("/", operation_id="listWorkflows")
    async def index(
        self,
        db: DB,
        viewer: Viewer,
        owner: Annotated[str | None, QueryParameter(max_length=254)] = None,
        tag: Annotated[str | None, QueryParameter(max_length=64)] = None,
        visibility: FromQuery[VisibilityName | None] = None,
        cursor: Cursor = None,
        limit: Limit = None,
    ) -> Page[WorkflowSummary]:
        rows, next_cursor = await queries.list_workflows(
            db, viewer, owner=owner, tag=tag, visibility=visibility, cursor=cursor, limit=limit
        )
        return Page(items=[summary_of(w, viewer) for w in rows], next_cursor=next_cursor)

    @get("/{workflow_id:int}", operation_id="getWorkflow")
    async def show(
        self, request: Request[Any, Any, Any], workflow_id: PathId, db: DB, viewer: Viewer, resources: Res
    ) -> WorkflowOut:
        workflow = await get_visible(db, viewer, workflow_id)
        who = page_views.viewer_key(
            resources.settings.secret_key or "",
            viewer.id if viewer else None,
            request.client.host if request.client else None,
        )
        await page_views.record_view(resources.redis, workflow.id, who)
        return workflow_of(workflow, viewer)

    @patch("/{workflow_id:int}", operation_id="updateWorkflow")
    async def update(
        self, workflow_id: PathId, data: JSONBody[WorkflowUpdate], user: CurrentUser, db: DB
    ) -> WorkflowOut:
        return workflow_of(await services.update_workflow(db, user, workflow_id, data), user)

    @delete("/{workflow_id:int}", status_code=HTTP_204_NO_CONTENT, operation_id="deleteWorkflow")
    async def remove(self, workflow_id: PathId, user: CurrentUser, db: DB) -> None:
        await services.delete_workflow(db, user, workflow_id)

    @get("/{workflow_id:int}/versions", operation_id="listVersions")
    async def versions(
        self, workflow_id: PathId, db: DB, viewer: Viewer, cursor: Cursor = None, limit: Limit = None
    ) -> Page[VersionSummary]:
        workflow = await get_visible(db, viewer, workflow_id)
        rows, next_cursor = await queries.versions(db, workflow, cursor, limit)
        items = [
            VersionSummary(
                version=v.version, changelog=v.changelog, canonical_hash=v.canonical_hash, created_at=v.created_at
            )
            for v in rows
        ]
        return Page(items=items, next_cursor=next_cursor)

    @get("/{workflow_id:int}/versions/{number:int}", operation_id="getVersion")
    async def version(self, workflow_id: PathId, number: PathVersion, db: DB, viewer: Viewer) -> VersionOut:
        v = await queries.version(db, await get_visible(db, viewer, workflow_id), number)
        return VersionOut(
            version=v.version,
            changelog=v.changelog,
            canonical_hash=v.canonical_hash,
            created_at=v.created_at,
            definition=v.definition,
        )

    @get("/{workflow_id:int}/diff", operation_id="diffVersions")
    async def diff(
        self,
        workflow_id: PathId,
        db: DB,
        viewer: Viewer,
        from_version: Annotated[int, QueryParameter(name="from", ge=1, le=INTEGER_MAX)],
        to_version: Annotated[
            int | None, QueryParameter(name="to", ge=1, le=INTEGER_MAX, description="Default: latest.")
        ] = None,
    ) -> DiffOut:
        workflow = await get_visible(db, viewer, workflow_id)
        target = to_version or workflow.version
        changes = await queries.diff(db, workflow, from_version, target)
        return DiffOut(
            from_version=from_version,
            to_version=target,
            changes=[
                ChangeOut(op=c.op, kind=c.kind, pointer=c.pointer, name=c.name, before=c.before, after=c.after)
                for c in changes
            ],
        )

    @post("/{workflow_id:int}/fork", status_code=HTTP_201_CREATED, operation_id="forkWorkflow")
    async def fork(
        self,
        workflow_id: PathId,
        user: CurrentUser,
        db: DB,
        resources: Res,
        data: Annotated[ForkIn | None, Body()] = None,
    ) -> WorkflowOut:
        original = await get_visible(db, user, workflow_id, lock=False)
        options = data or ForkIn()
        return workflow_of(
            await services.fork(db, resources, user, original, title=options.title, visibility=options.visibility)
        )

    @get("/{workflow_id:int}/forks", operation_id="listForks")
    async def forks(
        self, workflow_id: PathId, db: DB, viewer: Viewer, cursor: Cursor = None, limit: Limit = None
    ) -> Page[WorkflowSummary]:
        original = await get_visible(db, viewer, workflow_id)
        rows, next_cursor = await queries.list_forks(db, viewer, original, cursor, limit)
        return Page(items=[summary_of(w, viewer) for w in rows], next_cursor=next_cursor)

    @get("/{workflow_id:int}/export", operation_id="exportWorkflow")
    async def export(
        self,
        workflow_id: PathId,
        db: DB,
        viewer: Viewer,
        format: FromQuery[Literal["json", "yaml", "toml"]] = "json",
        version: Annotated[int | None, QueryParameter(ge=1, le=INTEGER_MAX, description="Default: latest.")] = None,
        dialect: Annotated[
            DialectName | None,
            QueryParameter(
                description="Blok dialect to write: v1 (name/node steps plus nodes) or v2 (id/use steps). "
                "Default: the workflow's own, i.e. the uploaded document. v1 -> v2 is lossless; v2 -> v1 answers "
                "422 with one detail per construct v1 cannot express."
            ),
        ] = None,
    ) -> Response[str]:
        workflow = await get_visible(db, viewer, workflow_id)
        text = exporting.export_text(await queries.version(db, workflow, version or workflow.version), format, dialect)
        return Response(
            text,
            media_type=EXPORT_TYPES[format],
            headers={"Content-Disposition": f'attachment; filename="{workflow.slug}.{format}"'},
        )

    @get("/{workflow_id:int}/project.zip", operation_id="downloadProject", media_type="application/zip")
    async def project(
        self,
        workflow_id: PathId,
        db: DB,
        viewer: Viewer,
        version: Annotated[int | None, QueryParameter(ge=1, le=INTEGER_MAX, description="Default: latest.")] = None,
    ) -> Response[bytes]:
        """A minimal Blok project serving the workflow: `npm install && PORT=3000 npm start`."""
        workflow = await get_visible(db, viewer, workflow_id)
        definition = (await queries.version(db, workflow, version)).definition if version else workflow.definition
        try:
            built = build_project(
                definition, name=workflow.slug, title=workflow.title, description=workflow.description
            )
        except blok.BlokExportError as exc:
            raise Unprocessable(str(exc), code=exc.code, details=[i.to_dict() for i in exc.issues]) from None
        return Response(
            built.zip(),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{workflow.slug}.zip"'},
        )
