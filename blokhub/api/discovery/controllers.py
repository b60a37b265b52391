from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get
from litestar.params import FromQuery, QueryParameter

from blokhub.api.deps import DB
from blokhub.api.discovery import trending
from blokhub.api.discovery.schemas import RecommendationList


class TrendingController(Controller):
    path = "/trending"
    tags = ["discovery"]

    @get("/", operation_id="trending")
    async def index(
        self,
        db: DB,
        window: FromQuery[Literal["day", "week", "month"]] = "week",
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> RecommendationList:
        """What people engage with now: time-decayed favorites, forks, reviews, comments and views."""
        return RecommendationList(items=await trending.trending(db, window, limit))
