from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get
from litestar.params import FromQuery, QueryParameter

from blokhub.api.deps import DB, CurrentUser, Res
from blokhub.api.feed import services
from blokhub.api.feed.schemas import FeedItem, FeedPage
from blokhub.api.users.schemas import UserRef
from blokhub.api.workflows.presenters import summary_of


class FeedController(Controller):
    path = "/feed"
    tags = ["community"]

    @get("/", operation_id="feed")
    async def feed(
        self,
        user: CurrentUser,
        db: DB,
        resources: Res,
        rank: FromQuery[Literal["recent", "personal"]] = "recent",
        cursor: Annotated[str | None, QueryParameter(max_length=1000)] = None,
        limit: Annotated[int | None, QueryParameter(ge=1, le=100)] = None,
    ) -> FeedPage:
        """What the people you follow did (published, updated, forked, reviewed, commented, favorited). Every item has
        a score and a reason: `rank=recent` (newest first) scores by recency, 2^(-age / 48 h); `rank=personal` by
        recency x follow strength x closeness to your taste. `ranked_by` names the one used."""
        if rank == "personal":
            rows, actors, workflows, next_cursor, explained = await services.personal(
                db, user, cursor, limit, resources.vectors, resources.bare_pg
            )
        else:
            rows, actors, workflows, next_cursor, explained = await services.chronological(db, user, cursor, limit)
        items = [
            FeedItem(
                id=r.id,
                verb=r.verb,
                actor=UserRef(username=actors[r.actor_id].username, display_name=actors[r.actor_id].display_name),
                workflow=summary_of(workflows[r.workflow_id]),
                data=r.data,
                created_at=r.created_at,
                score=explained[r.id][0],
                reason=explained[r.id][1],
            )
            for r in rows
            if r.actor_id in actors and r.workflow_id in workflows
        ]
        return FeedPage(items=items, next_cursor=next_cursor, ranked_by="personal" if rank == "personal" else "recency")
