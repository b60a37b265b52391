from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from blokhub.api.schemas import Input, Output, RowId
from blokhub.api.users.schemas import UserRef


class WorkflowRef(Output):
    id: int
    title: str


class NotificationOut(Output):
    id: int
    kind: str
    actor: UserRef | None
    workflow: WorkflowRef | None
    comment_id: int | None
    data: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Output):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int


class MarkReadIn(Input):
    ids: Annotated[list[RowId], msgspec.Meta(max_length=500)] | None = None


class MarkReadOut(Output):
    marked: int
    unread: int
