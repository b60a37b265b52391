from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from blokhub.api.schemas import Output
from blokhub.api.users.schemas import UserRef
from blokhub.api.workflows.schemas import WorkflowSummary


class FeedItem(Output):
    id: int
    verb: str
    actor: UserRef
    workflow: WorkflowSummary
    data: dict[str, Any]
    created_at: datetime
    # What the page is ordered by (`ranked_by`): recency alone, 2^(-age / 48 h), newest first; or, with
    # rank=personal, recency x follow strength x taste. The reason says it in words.
    score: float
    reason: str


class FeedPage(Output):
    items: list[FeedItem]
    next_cursor: str | None
    # "recency": score = 2^(-age / 48 h), the order is newest first; "personal": recency x follow strength x taste.
    ranked_by: Literal["recency", "personal"] = "recency"
