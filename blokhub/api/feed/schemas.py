from __future__ import annotations

from datetime import datetime
from typing import Any

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
    # With rank=personal: the ranking score (recency x follow strength x taste) and the reason in words.
    score: float | None = None
    reason: str | None = None


class FeedPage(Output):
    items: list[FeedItem]
    next_cursor: str | None
