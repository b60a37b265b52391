"""Routes of the browser app: `/static/...` files, and the app's own pages, which all answer with index.html.

Only the app's page shapes fall back to index.html (a deep link like /w/123 or /search?q=slack loads the app);
any other unknown path keeps the API's JSON 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import MediaType, Request, Response, Router, get
from litestar.params import FromPath

from blokhub.api.errors import NotFound
from blokhub.indexers.search import FACETS
from blokhub.web.assets import Asset, AssetStore, make_asset

SWAGGER_UI = "vendor/swagger-ui"

# Client-side routes (history API). Keep in step with ROUTES in static/js/main.js.
PAGES = [
    "/",
    "/search",
    "/login",
    "/register",
    "/feed",
    "/trending",
    "/for-you",
    "/notifications",
    "/saved",
    "/favorites",
    "/generate",
    "/generate/{conversation:int}",
    "/moderation",
    "/w/{workflow:int}",
    "/w/{workflow:int}/{slug:str}",
    "/u/{username:str}",
]

# Same-origin only: the app loads nothing from elsewhere, so the browser may refuse anything that tries.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


def _respond(asset: Asset, request: Request[Any, Any, Any], cache: str) -> Response[bytes]:
    headers = {"ETag": asset.etag, "Cache-Control": cache, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == asset.etag:
        return Response(b"", status_code=304, headers=headers)
    body, encoding = asset.encoded(request.headers.get("accept-encoding", ""))
    if encoding:
        headers["Content-Encoding"] = encoding
    return Response(body, media_type=asset.media_type, headers=headers)


def _with_facets(index: Asset | None) -> Asset | None:
    """The page names the facets this server can count, so the app asks for exactly those (no failed request)."""
    if index is None:
        return None
    return make_asset("index.html", index.body.replace(b"__FACETS__", ",".join(FACETS).encode()))


def web_router(store: AssetStore | None = None) -> Router:
    assets = store or AssetStore()
    index = _with_facets(assets.get("index.html"))

    @get(PAGES, media_type=MediaType.HTML, include_in_schema=False, sync_to_thread=False, name="web-app")
    def page(request: Request[Any, Any, Any]) -> Response[bytes]:
        if index is None:
            raise NotFound("The web app's files are missing from this installation.")
        response = _respond(index, request, "no-cache")
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    @get("/static/{name:path}", include_in_schema=False, sync_to_thread=False, name="web-static")
    def static(name: FromPath[str], request: Request[Any, Any, Any]) -> Response[bytes]:
        asset = assets.get(name)
        if asset is None:
            raise NotFound("No such file.")
        # Revalidated on every load (file names carry no hash); a match costs a body-less 304.
        response = _respond(asset, request, "no-cache")
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    return Router(path="/", route_handlers=[page, static])


@dataclass(frozen=True)
class SwaggerUiAssets:
    """Where Swagger UI's files are: the pinned npm package copied in by `make install`, never a CDN (Litestar's
    render plugins default to CDN URLs). Handed to the Swagger render plugin that serves /schema."""

    js_url: str = f"/static/{SWAGGER_UI}/swagger-ui-bundle.js"
    css_url: str = f"/static/{SWAGGER_UI}/swagger-ui.css"
    standalone_preset_js_url: str = f"/static/{SWAGGER_UI}/swagger-ui-standalone-preset.js"
    favicon: str = "<link rel='icon' type='image/svg+xml' href='/static/favicon.svg'>"
