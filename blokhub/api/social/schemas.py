from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from blokhub.api.schemas import Input, Output, RowId
from blokhub.api.users.schemas import UserRef

Body = Annotated[str, msgspec.Meta(min_length=1, max_length=10_000)]


class CommentIn(Input):
    body: Body
    parent_id: RowId | None = None


class CommentUpdate(Input):
    body: Body


class CommentOut(Output):
    id: int
    workflow_id: int
    parent_id: int | None
    author: UserRef | None
    body: str
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    replies: list[CommentOut] = msgspec.field(default_factory=list)


class CommentPage(Output):
    items: list[CommentOut]
    next_cursor: str | None
    total: int


class RatingIn(Input):
    stars: Annotated[int, msgspec.Meta(ge=1, le=5)]
    review: Annotated[str, msgspec.Meta(max_length=5000)] | None = None


class ReviewOut(Output):
    user: UserRef
    stars: int
    review: str
    created_at: datetime
    updated_at: datetime


class RatingSummary(Output):
    average: float | None
    count: int
    score: float | None
    histogram: dict[str, int]


class RatingPage(Output):
    items: list[ReviewOut]
    next_cursor: str | None
    summary: RatingSummary


class UserCard(Output):
    username: str
    display_name: str
    avatar_url: str | None
    bio: str
    since: datetime


class FollowState(Output):
    following: bool
    followers: int


class FavoriteState(Output):
    favorited: bool
    favorites: int


class ReportIn(Input):
    target_type: Literal["workflow", "comment", "user"]
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=2000)]
    target_id: RowId | None = None
    target_username: Annotated[str, msgspec.Meta(max_length=32)] | None = None


class ReportOut(Output):
    id: int
    target_type: str
    target_id: int
    reason: str
    status: str
    reporter: UserRef | None
    resolution: str | None
    created_at: datetime
    resolved_at: datetime | None
