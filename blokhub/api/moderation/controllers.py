from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from blokhub.api.deps import DB, CurrentUser, Moderator, Res
from blokhub.api.moderation import services
from blokhub.api.params import PathId, PathName
from blokhub.api.schemas import Input, Page
from blokhub.api.social.schemas import ReportIn, ReportOut


class ResolveIn(Input):
    resolution: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    action: Literal["none", "hide", "ban"] = "none"


class ReportController(Controller):
    path = "/reports"
    tags = ["moderation"]

    @post("/", status_code=HTTP_201_CREATED, operation_id="report")
    async def report(self, data: JSONBody[ReportIn], user: CurrentUser, db: DB, resources: Res) -> ReportOut:
        """Report a workflow, comment or user (`target_username` may name a user)."""
        return await services.report(db, resources.redis, user, data)


class AdminController(Controller):
    path = "/admin"
    tags = ["moderation"]

    @get("/reports", operation_id="listReports")
    async def reports(
        self,
        moderator: Moderator,
        db: DB,
        status: FromQuery[Literal["open", "resolved"] | None] = "open",
        cursor: Annotated[str | None, QueryParameter(max_length=1000)] = None,
        limit: Annotated[int | None, QueryParameter(ge=1, le=100)] = None,
    ) -> Page[ReportOut]:
        items, next_cursor = await services.list_reports(db, status, cursor, limit)
        return Page(items=items, next_cursor=next_cursor)

    @post("/reports/{report_id:int}/resolve", status_code=200, operation_id="resolveReport")
    async def resolve(
        self, report_id: PathId, data: JSONBody[ResolveIn], moderator: Moderator, db: DB, resources: Res
    ) -> ReportOut:
        return await services.resolve(db, resources.redis, moderator, report_id, data.resolution, data.action)

    @post("/workflows/{workflow_id:int}/hide", status_code=HTTP_204_NO_CONTENT, operation_id="hideWorkflow")
    async def hide_workflow(self, workflow_id: PathId, moderator: Moderator, db: DB) -> None:
        await services.set_workflow_hidden(db, moderator, workflow_id, True)

    @post("/workflows/{workflow_id:int}/unhide", status_code=HTTP_204_NO_CONTENT, operation_id="unhideWorkflow")
    async def unhide_workflow(self, workflow_id: PathId, moderator: Moderator, db: DB) -> None:
        await services.set_workflow_hidden(db, moderator, workflow_id, False)

    @post("/comments/{comment_id:int}/hide", status_code=HTTP_204_NO_CONTENT, operation_id="hideComment")
    async def hide_comment(self, comment_id: PathId, moderator: Moderator, db: DB) -> None:
        await services.set_comment_hidden(db, moderator, comment_id, True)

    @post("/users/{username:str}/ban", status_code=HTTP_204_NO_CONTENT, operation_id="banUser")
    async def ban(self, username: PathName, moderator: Moderator, db: DB, resources: Res) -> None:
        await services.ban(db, resources.redis, moderator, username)
