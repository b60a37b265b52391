"""Contract: writes, counts, suggestions and the atomic rebuild (every engine)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from typing import Any

import anyio
import anyio.lowlevel
import pytest

from blokhub.indexers.search import SearchDocument, SearchEngine, SearchQuery


async def test_ping_count_and_ids(engine: SearchEngine, docs: Any) -> None:
    assert await engine.ping()
    assert await engine.count() == len(docs.docs)
    assert await engine.all_ids() == docs.all_ids


async def test_upsert_replaces_without_duplicates(engine: SearchEngine, docs: Any) -> None:
    changed = replace(docs.by_id[1], title="Quokka notifier for new GitHub issues", tags=["quokka"])
    await engine.upsert([changed, changed])  # the same id twice in one batch
    await engine.upsert([changed])  # and again
    assert await engine.count() == len(docs.docs)
    assert await engine.all_ids() == docs.all_ids
    found = await engine.search(SearchQuery(q="quokka", facets=["tags"]))
    assert [h.id for h in found.hits] == [1] and found.facets["tags"] == {"quokka": 1}
    old = await engine.search(SearchQuery(ids=[1], facets=["tags"]))
    assert old.total == 1 and old.facets["tags"] == {"quokka": 1}  # the old tags are gone with the old version


async def test_delete_removes_and_ignores_missing(engine: SearchEngine, docs: Any) -> None:
    await engine.delete([1, 25, 999_999])
    await engine.delete([1])
    assert await engine.count() == len(docs.docs) - 2
    assert await engine.all_ids() == docs.all_ids - {1, 25}
    hits = {h.id for h in (await engine.search(SearchQuery(q="slack", per_page=100))).hits}
    assert hits and not hits & {1, 25}
    await engine.upsert([docs.by_id[1]])  # and it can come back
    assert 1 in {h.id for h in (await engine.search(SearchQuery(q="slack", per_page=100))).hits}


async def test_suggest(engine: SearchEngine) -> None:
    got = await engine.suggest("sla")
    assert ("slack", "tag") in {(s.text, s.kind) for s in got}
    titles = [s for s in got if s.kind == "title"]
    assert titles and all("slack" in s.text.lower() and s.id for s in titles)
    assert ("@nanoservice-ts/api-call", "node") in {(s.text, s.kind) for s in await engine.suggest("api-c")}
    assert ("alice", "user") in {(s.text, s.kind) for s in await engine.suggest("ALI")}
    assert ("alice", "user") in {(s.text, s.kind) for s in await engine.suggest("Mart")}  # display name
    assert ("stripe", "tag") in {(s.text, s.kind) for s in await engine.suggest("strpie")}  # a typo, 6 letters
    assert len(await engine.suggest("s", limit=3)) <= 3
    assert await engine.suggest("   ") == []
    assert await engine.suggest("qqqzzzxx") == []


def _batches(docs: Sequence[SearchDocument], size: int, pause: float) -> AsyncIterator[Sequence[SearchDocument]]:
    async def gen() -> AsyncIterator[Sequence[SearchDocument]]:
        for i in range(0, len(docs), size):
            await anyio.sleep(pause)
            yield docs[i : i + size]

    return gen()


async def test_rebuild_swaps_atomically(engine: SearchEngine, docs: Any) -> None:
    new_docs = [replace(d, title=f"{d.title} zanzibar") for d in docs.docs if d.id != 40]
    extra = replace(docs.by_id[40], id=500, title="Arrived during the rebuild")
    totals: list[int] = []
    done = anyio.Event()

    async def search_loop() -> None:
        while not done.is_set():
            totals.append((await engine.search(SearchQuery(q="slack"))).total)
            await anyio.lowlevel.checkpoint()

    async def write_meanwhile() -> None:
        await anyio.sleep(0.05)
        await engine.upsert([extra])  # reaches the live index now and must survive the swap
        await engine.delete([41])

    async with anyio.create_task_group() as tg:
        tg.start_soon(search_loop)
        tg.start_soon(write_meanwhile)
        written = await engine.rebuild(_batches(new_docs, 5, 0.02))
        done.set()

    assert written == len(new_docs)
    assert len(totals) > 5 and min(totals) > 0  # never an empty or partial index
    assert await engine.all_ids() == ({d.id for d in new_docs} | {500}) - {41}
    rebuilt = await engine.search(SearchQuery(q="zanzibar", per_page=100))
    assert rebuilt.total == len(new_docs) - 1  # 41 was deleted during the rebuild
    assert [h.id for h in (await engine.search(SearchQuery(q="arrived"))).hits] == [500]


async def test_rebuild_that_fails_leaves_the_index_alone(engine: SearchEngine, docs: Any) -> None:
    async def broken() -> AsyncIterator[Sequence[SearchDocument]]:
        yield docs.docs[:5]
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="went away"):
        await engine.rebuild(broken())
    assert await engine.all_ids() == docs.all_ids
    await engine.upsert([replace(docs.by_id[2], title="Still writable")])
    assert [h.id for h in (await engine.search(SearchQuery(q="writable"))).hits] == [2]


async def test_facet_counts_follow_writes(engine: SearchEngine, docs: Any) -> None:
    query = SearchQuery(q="stripe", facets=["tags", "author"])
    before = await engine.search(query)
    assert before.facets == (await engine.search(query)).facets  # asked twice, answered alike
    await engine.upsert([replace(docs.by_id[5], tags=["stripe", "payments", "refunds"])])
    after = await engine.search(query)
    assert after.facets["tags"]["refunds"] == 1
    await engine.delete([5])
    gone = await engine.search(query)
    assert (
        "refunds" not in gone.facets["tags"]
        and gone.facets["author"].get("erin", 0) == before.facets["author"].get("erin", 0) - 1
    )
