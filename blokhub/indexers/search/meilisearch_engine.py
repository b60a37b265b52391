"""The server search engine: Meilisearch, used when `MEILISEARCH_URL` is set.

Behaves like the embedded engine (one contract suite runs against both; settings and the reasons for them are
in `_meilisearch_settings`):

* the query sent is the folded words of `q` (at most 10, as Meilisearch itself reads); quotes and `-` operators
  are not passed through, because the embedded engine has no phrase or negative search;
* every word must match (`matchingStrategy: "all"`); when nothing matches, words are dropped from the end here,
  one search per step, exactly as the embedded engine does, and the reduced query is sent with a trailing space
  so that its new last word is not taken as a prefix (Meilisearch treats the last word as a prefix only when no
  separator follows it);
* writes wait for their task, so the next search sees them (read-your-writes);
* `rebuild` fills a temporary index, replays the writes that arrived meanwhile, then `swap_indexes` makes it
  live in one step and the old one is deleted.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

import anyio
from meilisearch_python_sdk import AsyncClient
from meilisearch_python_sdk.errors import MeilisearchApiError
from meilisearch_python_sdk.index import AsyncIndex

from blokhub.indexers.search._meilisearch_settings import (
    CROP_WORDS,
    FACET_ATTRIBUTES,
    POST,
    PRE,
    SETTINGS,
    SORT_RULES,
    SUGGEST_ATTRIBUTES,
    facets_from,
    filter_expression,
    render,
    to_document,
)
from blokhub.indexers.search._suggest import interleave
from blokhub.indexers.search._words import KEY_SEP, fold, parse_query
from blokhub.indexers.search.search_types import SearchDocument, SearchHit, SearchQuery, SearchResult, Suggestion

_TASK_TIMEOUT_MS = 600_000  # a large rebuild batch on a small server can take minutes
_ID_PAGE = 1_000


def _filter(query: SearchQuery) -> list[str | list[str]] | None:
    clauses: list[str | list[str]] = list(filter_expression(query.filters, query.ids))
    return clauses or None


class MeilisearchSearchEngine:
    name = "meilisearch"

    def __init__(self, url: str, api_key: str | None = None, *, index_uid: str = "workflows") -> None:
        self.url = url
        self.uid = index_uid
        self._api_key = api_key
        self._client: AsyncClient | None = None
        self._write_lock = anyio.Lock()
        self._rebuild_lock = anyio.Lock()
        self._journal: list[tuple[str, list[Any]]] | None = None

    # -- lifecycle ---------------------------------------------------------------------------------------
    @property
    def client(self) -> AsyncClient:
        if self._client is None:
            raise RuntimeError("the search engine is not open")
        return self._client

    @property
    def index(self) -> AsyncIndex:
        return self.client.index(self.uid)

    async def open(self) -> None:
        self._client = AsyncClient(self.url, self._api_key, timeout=30)
        await self._prepare(self.uid)

    async def _prepare(self, uid: str) -> AsyncIndex:
        """Create the index if missing and apply our settings (a no-op task when they are unchanged)."""
        try:
            index = await self.client.get_index(uid)
        except MeilisearchApiError as exc:
            if exc.code != "index_not_found":
                raise
            index = await self.client.create_index(uid, primary_key="id", timeout_in_ms=_TASK_TIMEOUT_MS)
        await self._wait(await index.update_settings(SETTINGS))
        return index

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def ping(self) -> bool:
        try:
            return (await self.client.health()).status == "available"
        except Exception:
            return False

    async def _wait(self, task: Any) -> None:
        await self.client.wait_for_task(task.task_uid, timeout_in_ms=_TASK_TIMEOUT_MS, raise_for_status=True)

    # -- writes --------------------------------------------------------------------------------------------
    async def _apply(self, index: AsyncIndex, kind: str, payload: list[Any]) -> None:
        if kind == "upsert":
            await self._wait(await index.add_documents([to_document(d) for d in payload], primary_key="id"))
        else:
            await self._wait(await index.delete_documents([str(i) for i in payload]))

    async def _write(self, kind: str, payload: list[Any]) -> None:
        async with self._write_lock:
            await self._apply(self.index, kind, payload)
            if self._journal is not None:
                self._journal.append((kind, payload))

    async def upsert(self, docs: Sequence[SearchDocument]) -> None:
        if docs:
            await self._write("upsert", list({d.id: d for d in docs}.values()))

    async def delete(self, ids: Sequence[int]) -> None:
        if ids:
            await self._write("delete", list(dict.fromkeys(ids)))

    # -- reads ---------------------------------------------------------------------------------------------
    async def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        found, typing = parse_query(query.q)
        if query.ids is not None and not query.ids:
            return SearchResult([], 0, {f: {} for f in query.facet_names()}, len(found), 0.0)
        n = len(found)
        res = await self._search(" ".join(found) + ("" if typing else " "), query)
        while not res.total_hits and n > 1:
            n -= 1
            res = await self._search(" ".join(found[:n]) + " ", query)
        if not res.total_hits:
            n = len(found)
        hits = []
        for h in res.hits:
            formatted = h.get("_formatted") or {}
            marks = {
                "title": render(formatted.get("title") or ""),
                "description": render(formatted.get("description") or ""),
            }
            hits.append(SearchHit(id=int(h["id"]), score=float(h.get("_rankingScore") or 0.0), highlights=marks))
        facets = facets_from(res.facet_distribution, query.facet_names())
        took = (time.perf_counter() - started) * 1000
        return SearchResult(hits=hits, total=int(res.total_hits or 0), facets=facets, matched_words=n, took_ms=took)

    async def _search(self, text: str, query: SearchQuery) -> Any:
        offset, per_page = query.window()
        return await self.index.search(
            text,
            filter=_filter(query),
            facets=[FACET_ATTRIBUTES[f] for f in query.facet_names()] or None,
            sort=[SORT_RULES[query.sort]] if query.sort in SORT_RULES else None,
            page=offset // per_page + 1,
            hits_per_page=per_page,
            # `_formatted` only carries retrieved attributes, so the highlighted ones are retrieved too.
            attributes_to_retrieve=["id", "title", "description"],
            attributes_to_highlight=["title", "description"],
            attributes_to_crop=["description"],
            crop_length=CROP_WORDS,
            crop_marker="…",
            highlight_pre_tag=PRE,
            highlight_post_tag=POST,
            matching_strategy="all",
            show_ranking_score=True,
        )

    async def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        found, _ = parse_query(prefix)
        key_prefix = fold(prefix.strip())
        if not found or limit <= 0:
            return []
        titles = await self.index.search(
            " ".join(found),
            limit=limit,
            attributes_to_search_on=["title"],
            attributes_to_retrieve=["id", "title"],
            matching_strategy="all",
        )
        lists = [[Suggestion(text=str(h["title"]), kind="title", id=int(h["id"])) for h in titles.hits]]
        for kind, attribute in SUGGEST_ATTRIBUTES.items():
            res = await self.index.facet_search(facet_name=attribute, facet_query=key_prefix, limit=limit * 4)
            counts: dict[str, int] = {}
            for fh in res.facet_hits:
                shown = fh.value.partition(KEY_SEP)[2] or fh.value
                counts[shown] = max(counts.get(shown, 0), fh.count)  # one value, several keys
            ordered = sorted(counts, key=lambda s: (-counts[s], s))[:limit]
            lists.append([Suggestion(text=v, kind=kind) for v in ordered])
        return interleave(lists, limit)

    async def all_ids(self) -> set[int]:
        ids: set[int] = set()
        offset = 0
        while True:
            page = await self.index.get_documents(offset=offset, limit=_ID_PAGE, fields=["id"])
            ids.update(int(d["id"]) for d in page.results)
            offset += len(page.results)
            if not page.results or offset >= page.total:
                return ids

    async def count(self) -> int:
        return int((await self.index.get_stats()).number_of_documents)

    # -- rebuild -------------------------------------------------------------------------------------------
    async def rebuild(self, docs: AsyncIterator[Sequence[SearchDocument]]) -> int:
        async with self._rebuild_lock:
            tmp_uid = f"{self.uid}__rebuild_{time.time_ns()}"
            await self._prepare(self.uid)  # swap_indexes needs both to exist
            tmp = await self._prepare(tmp_uid)
            async with self._write_lock:
                self._journal = []
            written = 0
            try:
                async for batch in docs:
                    if batch:
                        unique = list({d.id: d for d in batch}.values())
                        await self._apply(tmp, "upsert", unique)
                        written += len(unique)
                async with self._write_lock:
                    journal, self._journal = self._journal or [], None
                    for kind, payload in journal:  # writes that reached the live index meanwhile
                        await self._apply(tmp, kind, payload)
                    await self._wait(await self.client.swap_indexes([(self.uid, tmp_uid)]))
            finally:
                self._journal = None
                # After the swap `tmp_uid` holds the old documents; before it, the partial new ones.
                await self._wait(await self.client.index(tmp_uid).delete())
        return written
