from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import Body, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from blokhub.api.deps import DB, CurrentUser, Moderator, Res
from blokhub.api.moderation import accounts, services
from blokhub.api.params import PathId, PathName
from blokhub.api.schemas import Input, Output, Page
from blokhub.api.social.schemas import ReportIn, ReportOut
from blokhub.db.models import User


class HideIn(Input):
    reason: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class RoleIn(Input):
    role: Literal["user", "moderator", "admin"]


class AccountOut(Output):
    username: str
    role: str
    banned: bool


def _account(user: User) -> AccountOut:
    return AccountOut(username=user.username, role=user.role, banned=user.banned_at is not None)


class ResolveIn(Input):
    resolution: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    action: Literal["none", "hide", "ban"] = "none"


class ReportController(Controller):
    path = "/reports"
    tags = ["moderation"]

    @post("/", status_code=HTTP_201_CREATED, operation_id="report")
    async def report(self, data: JSONBody[ReportIn], user: CurrentUser, db: DB, resources: Res) -> Response[ReportOut]:
        """Report a workflow, comment or user (`target_username` may name a user). One open report per target and
        reporter: reporting the same target again while yours is open answers 200 with that report."""
        out, created = await services.report(db, resources.redis, user, data)
        return Response(out, status_code=HTTP_201_CREATED if created else HTTP_200_OK)


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
        """Resolve the report, and every other open report about the same target."""
        return await services.resolve(db, resources.redis, moderator, report_id, data.resolution, data.action)

    @post("/workflows/{workflow_id:int}/hide", status_code=HTTP_204_NO_CONTENT, operation_id="hideWorkflow")
    async def hide_workflow(
        self,
        workflow_id: PathId,
        moderator: Moderator,
        db: DB,
        resources: Res,
        data: Annotated[HideIn | None, Body()] = None,
    ) -> None:
        """Hide from everyone but its owner and moderators; the owner sees `moderation` and is notified."""
        reason = data.reason if data else None
        await services.set_workflow_hidden(db, resources.redis, moderator, workflow_id, True, reason)

    @post("/workflows/{workflow_id:int}/unhide", status_code=HTTP_204_NO_CONTENT, operation_id="unhideWorkflow")
    async def unhide_workflow(self, workflow_id: PathId, moderator: Moderator, db: DB, resources: Res) -> None:
        await services.set_workflow_hidden(db, resources.redis, moderator, workflow_id, False)

    @post("/comments/{comment_id:int}/hide", status_code=HTTP_204_NO_CONTENT, operation_id="hideComment")
    async def hide_comment(self, comment_id: PathId, moderator: Moderator, db: DB) -> None:
        await services.set_comment_hidden(db, moderator, comment_id, True)

    @post("/users/{username:str}/ban", status_code=HTTP_204_NO_CONTENT, operation_id="banUser")
    async def ban(self, username: PathName, moderator: Moderator, db: DB, resources: Res) -> None:
        """Ban: their sessions end and all they made leaves every surface (moderators; admins for staff)."""
        await services.ban(db, resources.redis, moderator, username)

    @post("/users/{username:str}/unban", status_code=HTTP_204_NO_CONTENT, operation_id="unbanUser")
    async def unban(self, username: PathName, moderator: Moderator, db: DB, resources: Res) -> None:
        """Lift a ban: what they made is back everywhere."""
        await accounts.unban(db, resources.redis, moderator, username)

    @post("/users/{username:str}/role", status_code=HTTP_200_OK, operation_id="setUserRole")
    async def role(self, username: PathName, data: JSONBody[RoleIn], moderator: Moderator, db: DB) -> AccountOut:
        """Promote or demote (`{role: user|moderator|admin}`); admins only, never on oneself."""
        return _account(await accounts.set_role(db, moderator, username, data.role))
