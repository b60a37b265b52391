"""How the app's files are served: deep links load the app, assets are compressed and cacheable, the API's own
404s stay JSON, and /schema loads nothing from another origin."""

from __future__ import annotations

import gzip
import re

import httpx
import pytest

from blokhub.indexers.search import FACETS
from tests.conftest import assert_error


@pytest.mark.parametrize(
    "path",
    ["/", "/search?q=slack&tags=ai", "/w/123", "/w/123/some-slug", "/u/alice", "/feed", "/generate/7", "/moderation"],
)
async def test_every_page_of_the_app_is_a_deep_link(client: httpx.AsyncClient, path: str) -> None:
    r = await client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/static/js/main.js">' in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    # The page names the facets this server counts, so the app never asks for one it does not know.
    assert f'content="{",".join(FACETS)}"' in r.text


async def test_unknown_paths_keep_the_json_404(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/v1/no-such-thing"), 404)
    assert_error(await client.get("/no-such-page"), 404)
    assert_error(await client.get("/w/not-a-number"), 404)
    assert_error(await client.get("/static/js/missing.js"), 404)
    assert_error(await client.get("/static/../routes.py"), 404)
    assert_error(await client.get("/static/%2e%2e/assets.py"), 404)


async def test_static_files_are_compressed_and_revalidated_with_etags(client: httpx.AsyncClient) -> None:
    plain = await client.get("/static/js/main.js", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert plain.headers["content-type"].startswith("text/javascript")
    assert "content-encoding" not in plain.headers
    squeezed = await client.get("/static/js/main.js", headers={"Accept-Encoding": "gzip"})
    assert squeezed.headers["content-encoding"] == "gzip"
    assert int(squeezed.headers["content-length"]) < len(plain.content) / 2
    assert gzip.decompress(await _raw(client, "/static/js/main.js")) == plain.content
    again = await client.get("/static/js/main.js", headers={"If-None-Match": plain.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


async def _raw(client: httpx.AsyncClient, path: str) -> bytes:
    async with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as r:
        return b"".join([chunk async for chunk in r.aiter_raw()])


async def test_api_docs_load_only_local_pinned_assets(client: httpx.AsyncClient) -> None:
    for path in ("/schema", "/schema/swagger"):
        r = await client.get(path)
        assert r.status_code == 200, path
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", r.text)
        assert urls and all(u.startswith("/static/") for u in urls), urls
        for url in urls:
            assert (await client.get(url)).status_code == 200, url
    spec = (await client.get("/schema/openapi.json")).json()
    assert spec["info"]["title"] == "Blok Hub API"
    assert not any(p == "/" or p.startswith("/static") for p in spec["paths"])  # the app's pages are not API
