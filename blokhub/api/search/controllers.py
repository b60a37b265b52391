from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from litestar import Controller, delete, get, post
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT
from sqlalchemy import select

from blokhub.api.deps import DB, CurrentUser, Moderator, Res, Viewer
from blokhub.api.params import PathId
from blokhub.api.schemas import END, Page
from blokhub.api.search import saved, services
from blokhub.api.search.schemas import (
    QueryStatOut,
    RuntimeName,
    SavedSearchIn,
    SavedSearchOut,
    SearchOut,
    SuggestOut,
)
from blokhub.api.workflows.schemas import DialectName
from blokhub.db.models import SearchQueryStat
from blokhub.indexers.search import FACETS

_FACET = f"(?:{'|'.join(FACETS)})"
# What services.build_query accepts, said where clients and the OpenAPI document can see it: known names, commas,
# spaces and empty items.
FACET_LIST = f"^ *(?:{_FACET} *)?(?:, *(?:{_FACET} *)?)*{END}"

SortName = Literal["relevance", "newest", "updated", "favorites", "top_rated", "trending"]
# blok.requirements.REQUIREMENT_VALUES (a test keeps the two in step)
RequirementName = Literal[
    "builtins_only",
    "published_runner",
    "needs_template_nodes",
    "needs_npm_packages",
    "needs_local_code",
    "needs_python_runtime",
    "has_unresolved_nodes",
]


class SearchController(Controller):
    path = "/search"
    tags = ["discovery"]

    @get("/workflows", operation_id="searchWorkflows")
    async def workflows(
        self,
        resources: Res,
        viewer: Viewer,
        q: Annotated[str, QueryParameter(max_length=500)] = "",
        tags: Annotated[str | None, QueryParameter(max_length=1000, description="Comma list; all must match.")] = None,
        trigger: Annotated[str | None, QueryParameter(max_length=200)] = None,
        method: Annotated[str | None, QueryParameter(max_length=200)] = None,
        runtime: FromQuery[RuntimeName | None] = None,
        nodes: Annotated[
            str | None, QueryParameter(max_length=1000, description="Comma list of node packages; all must match.")
        ] = None,
        author: Annotated[str | None, QueryParameter(max_length=254)] = None,
        has_branches: FromQuery[bool | None] = None,
        requirements: Annotated[
            RequirementName | None,
            QueryParameter(description="What it needs to run: builtins_only, published_runner, needs_local_code, ..."),
        ] = None,
        dialect: Annotated[
            DialectName | None,
            QueryParameter(description="Blok dialect: v1 (name/node steps plus nodes) or v2 (id/use steps)."),
        ] = None,
        min_rating: Annotated[
            float | None,
            QueryParameter(
                ge=0,
                le=5,
                description="Keeps workflows whose displayed average (stats.rating.average) "
                "is at least this; unrated ones are left out.",
            ),
        ] = None,
        created_after: FromQuery[datetime | None] = None,
        created_before: FromQuery[datetime | None] = None,
        sort: Annotated[
            SortName,
            QueryParameter(
                description="top_rated orders by stats.rating.score (Bayesian: few reviews pull it toward "
                "the site mean), which each hit's `score` then carries; `ranked_by` says what the order is."
            ),
        ] = "relevance",
        facets: Annotated[
            str | None,
            QueryParameter(
                pattern=FACET_LIST, max_length=200, description=f"Comma list of facets: {', '.join(FACETS)}."
            ),
        ] = None,
        semantic_ratio: Annotated[
            float,
            QueryParameter(
                ge=0,
                le=1,
                description="0: keyword ranking only; 1: meaning only; between: reciprocal-rank fusion of both.",
            ),
        ] = 0.0,
        page: Annotated[int, QueryParameter(ge=1, le=1000)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> SearchOut:
        """Typo-tolerant, search-as-you-type, faceted search over public workflows."""
        query = services.build_query(
            q=q,
            tags=tags,
            trigger=trigger,
            method=method,
            runtime=runtime,
            nodes=nodes,
            author=author,
            has_branches=has_branches,
            requirements=requirements,
            dialect=dialect,
            min_rating=min_rating,
            created_after=created_after,
            created_before=created_before,
            sort=sort,
            facets=facets,
            page=page,
            per_page=per_page,
        )
        return await services.search(resources, query, semantic_ratio, viewer)

    @get("/suggest", operation_id="suggest")
    async def suggest(
        self,
        resources: Res,
        q: Annotated[str, QueryParameter(max_length=500)] = "",
        limit: Annotated[int, QueryParameter(ge=1, le=10)] = 10,
    ) -> SuggestOut:
        """Completions for what is being typed: workflow titles, tags, node packages and users."""
        return SuggestOut(items=await services.suggest(resources, q, limit))


class SavedSearchController(Controller):
    path = "/me/saved-searches"
    tags = ["discovery"]

    @get("/", operation_id="listSavedSearches")
    async def index(self, user: CurrentUser, db: DB) -> Page[SavedSearchOut]:
        return Page(items=await saved.list_mine(db, user), next_cursor=None)

    @post("/", status_code=HTTP_201_CREATED, operation_id="saveSearch")
    async def create(self, data: JSONBody[SavedSearchIn], user: CurrentUser, db: DB) -> SavedSearchOut:
        return await saved.create(db, user, data)

    @delete("/{saved_id:int}", status_code=HTTP_204_NO_CONTENT, operation_id="deleteSavedSearch")
    async def remove(self, saved_id: PathId, user: CurrentUser, db: DB) -> None:
        await saved.remove(db, user, saved_id)


class SearchAnalyticsController(Controller):
    path = "/admin/search/queries"
    tags = ["moderation"]

    @get("/", operation_id="searchQueries")
    async def queries(
        self,
        moderator: Moderator,
        db: DB,
        zero_results: FromQuery[bool] = False,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 50,
    ) -> Page[QueryStatOut]:
        """Most frequent queries first; `zero_results=true` lists what people searched for and did not find."""
        order = SearchQueryStat.zero_results if zero_results else SearchQueryStat.count
        stmt = select(SearchQueryStat).order_by(order.desc(), SearchQueryStat.query).limit(limit)
        if zero_results:
            stmt = stmt.where(SearchQueryStat.zero_results > 0)
        rows = (await db.scalars(stmt)).all()
        return Page(
            items=[
                QueryStatOut(query=r.query, count=r.count, zero_results=r.zero_results, last_at=r.last_at) for r in rows
            ],
            next_cursor=None,
        )
