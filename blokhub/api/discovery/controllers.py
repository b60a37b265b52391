from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get
from litestar.params import FromQuery, QueryParameter

from blokhub.api.deps import DB, CurrentUser, Res, Viewer
from blokhub.api.discovery import services, trending
from blokhub.api.discovery.schemas import RecommendationList
from blokhub.api.params import PathId


class TrendingController(Controller):
    path = "/trending"
    tags = ["discovery"]

    @get("/", operation_id="trending")
    async def index(
        self,
        db: DB,
        viewer: Viewer,
        window: FromQuery[Literal["day", "week", "month"]] = "week",
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> RecommendationList:
        """What people engage with now: time-decayed favorites, forks, reviews, comments and views."""
        return RecommendationList(items=await trending.trending(db, window, limit, viewer))


class SimilarController(Controller):
    path = "/workflows/{workflow_id:int}/similar"
    tags = ["discovery"]

    @get("/", operation_id="similarWorkflows")
    async def index(
        self,
        workflow_id: PathId,
        viewer: Viewer,
        resources: Res,
        limit: Annotated[int, QueryParameter(ge=1, le=50)] = 10,
    ) -> RecommendationList:
        """Public workflows that do the same job: nearest by meaning, near-duplicates folded, diversified."""
        return RecommendationList(items=await services.similar_to(resources, viewer, workflow_id, limit))


class RecommendationController(Controller):
    path = "/recommendations"
    tags = ["discovery"]

    @get("/", operation_id="recommendations")
    async def index(
        self, user: CurrentUser, db: DB, resources: Res, limit: Annotated[int, QueryParameter(ge=1, le=50)] = 10
    ) -> RecommendationList:
        """For you, from your favorites, good reviews, own and forked workflows (trending on a cold start)."""
        return RecommendationList(items=await services.recommendations(db, resources, user, limit))
