from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, patch, post, put
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from blokhub.api.deps import DB, CurrentUser, Res, Viewer
from blokhub.api.params import PathId, PathName
from blokhub.api.schemas import Page
from blokhub.api.social import comments, favorites, follows, ratings
from blokhub.api.social.schemas import (
    CommentIn,
    CommentOut,
    CommentPage,
    CommentUpdate,
    FavoriteState,
    FollowState,
    RatingIn,
    RatingPage,
    ReviewOut,
    UserCard,
)
from blokhub.api.workflows.presenters import summary_of
from blokhub.api.workflows.schemas import WorkflowSummary

Limit = Annotated[int | None, QueryParameter(ge=1, le=100)]
Cursor = Annotated[str | None, QueryParameter(max_length=1000)]


class WorkflowSocialController(Controller):
    path = "/workflows/{workflow_id:int}"
    tags = ["community"]

    @get("/comments", operation_id="listComments")
    async def list_comments(
        self, workflow_id: PathId, db: DB, viewer: Viewer, cursor: Cursor = None, limit: Limit = None
    ) -> CommentPage:
        items, next_cursor, total = await comments.thread(db, viewer, workflow_id, cursor, limit)
        return CommentPage(items=items, next_cursor=next_cursor, total=total)

    @post("/comments", status_code=HTTP_201_CREATED, operation_id="createComment")
    async def create_comment(
        self, workflow_id: PathId, data: JSONBody[CommentIn], user: CurrentUser, db: DB, resources: Res
    ) -> CommentOut:
        return await comments.create(db, resources.redis, user, workflow_id, data)

    @put("/rating", operation_id="rateWorkflow")
    async def rate(
        self, workflow_id: PathId, data: JSONBody[RatingIn], user: CurrentUser, db: DB, resources: Res
    ) -> ReviewOut:
        return await ratings.rate(db, resources.redis, user, workflow_id, data)

    @delete("/rating", status_code=HTTP_204_NO_CONTENT, operation_id="unrateWorkflow")
    async def unrate(self, workflow_id: PathId, user: CurrentUser, db: DB, resources: Res) -> None:
        await ratings.unrate(db, resources.redis, user, workflow_id)

    @get("/ratings", operation_id="listRatings")
    async def list_ratings(
        self, workflow_id: PathId, db: DB, viewer: Viewer, cursor: Cursor = None, limit: Limit = None
    ) -> RatingPage:
        items, next_cursor, summary = await ratings.reviews(db, viewer, workflow_id, cursor, limit)
        return RatingPage(items=items, next_cursor=next_cursor, summary=summary)

    @put("/favorite", operation_id="favoriteWorkflow")
    async def favorite(self, workflow_id: PathId, user: CurrentUser, db: DB, resources: Res) -> FavoriteState:
        return await favorites.favorite(db, resources.redis, user, workflow_id)

    @delete("/favorite", status_code=200, operation_id="unfavoriteWorkflow")
    async def unfavorite(self, workflow_id: PathId, user: CurrentUser, db: DB) -> FavoriteState:
        return await favorites.unfavorite(db, user, workflow_id)


class CommentController(Controller):
    path = "/comments"
    tags = ["community"]

    @patch("/{comment_id:int}", operation_id="editComment")
    async def edit(self, comment_id: PathId, data: JSONBody[CommentUpdate], user: CurrentUser, db: DB) -> CommentOut:
        return await comments.edit(db, user, comment_id, data.body)

    @delete("/{comment_id:int}", status_code=HTTP_204_NO_CONTENT, operation_id="deleteComment")
    async def remove(self, comment_id: PathId, user: CurrentUser, db: DB) -> None:
        await comments.remove(db, user, comment_id)


class FollowController(Controller):
    path = "/users/{username:str}"
    tags = ["community"]

    @put("/follow", operation_id="followUser")
    async def follow(self, username: PathName, user: CurrentUser, db: DB, resources: Res) -> FollowState:
        return await follows.follow(db, resources.redis, user, username)

    @delete("/follow", status_code=200, operation_id="unfollowUser")
    async def unfollow(self, username: PathName, user: CurrentUser, db: DB) -> FollowState:
        return await follows.unfollow(db, user, username)

    @get("/followers", operation_id="listFollowers")
    async def followers(self, username: PathName, db: DB, cursor: Cursor = None, limit: Limit = None) -> Page[UserCard]:
        items, next_cursor = await follows.people(db, username, followers=True, cursor=cursor, limit=limit)
        return Page(items=items, next_cursor=next_cursor)

    @get("/following", operation_id="listFollowing")
    async def following(self, username: PathName, db: DB, cursor: Cursor = None, limit: Limit = None) -> Page[UserCard]:
        items, next_cursor = await follows.people(db, username, followers=False, cursor=cursor, limit=limit)
        return Page(items=items, next_cursor=next_cursor)


class MyFavoritesController(Controller):
    path = "/me/favorites"
    tags = ["community"]

    @get("/", operation_id="myFavorites")
    async def index(
        self, user: CurrentUser, db: DB, cursor: Cursor = None, limit: Limit = None
    ) -> Page[WorkflowSummary]:
        rows, next_cursor = await favorites.my_favorites(db, user, cursor, limit)
        return Page(items=[summary_of(w, user) for w in rows], next_cursor=next_cursor)
