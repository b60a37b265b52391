from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch
from litestar.params import JSONBody, QueryParameter

from blokhub.api.deps import DB, CurrentUser, Viewer
from blokhub.api.params import PathName
from blokhub.api.schemas import Page
from blokhub.api.users import services
from blokhub.api.users.schemas import Me, MeUpdate, Profile, me_of, profile_of
from blokhub.api.users.stats import stats_of
from blokhub.api.workflows.presenters import summary_of
from blokhub.api.workflows.queries import list_workflows
from blokhub.api.workflows.schemas import WorkflowSummary


class MeController(Controller):
    path = "/me"
    tags = ["accounts"]

    @get("/", operation_id="getMe")
    async def get_me(self, user: CurrentUser) -> Me:
        return me_of(user, stats_of(user))

    @patch("/", operation_id="updateMe")
    async def update_me(self, data: JSONBody[MeUpdate], user: CurrentUser, db: DB) -> Me:
        user = await services.update_me(db, user, data)
        return me_of(user, stats_of(user))


class UsersController(Controller):
    path = "/users"
    tags = ["users"]

    @get("/{username:str}", operation_id="getProfile")
    async def profile(self, username: PathName, db: DB) -> Profile:
        user = await services.get_by_username(db, username)
        return profile_of(user, stats_of(user))

    @get("/{username:str}/workflows", operation_id="listUserWorkflows")
    async def workflows(
        self,
        username: PathName,
        db: DB,
        viewer: Viewer,
        cursor: Annotated[str | None, QueryParameter(max_length=1000)] = None,
        limit: Annotated[int | None, QueryParameter(ge=1, le=100)] = None,
    ) -> Page[WorkflowSummary]:
        """Their public workflows; all of them (any visibility) when the caller is the owner."""
        rows, next_cursor = await list_workflows(
            db, viewer, owner=username, tag=None, visibility=None, cursor=cursor, limit=limit
        )
        return Page(items=[summary_of(w) for w in rows], next_cursor=next_cursor)
