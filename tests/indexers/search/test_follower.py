"""A follower opens the index another process writes (several API processes): it sees every commit and every
rebuilt generation the owner publishes, and refuses to write."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from blokhub.indexers.search import SearchDocument, SearchQuery, TantivySearchEngine


async def test_follower_sees_commits_and_rebuilds_and_never_writes(
    tmp_path: Path, corpus: list[SearchDocument]
) -> None:
    owner = TantivySearchEngine(tmp_path / "search")
    await owner.open()
    follower = TantivySearchEngine(tmp_path / "search", follow=True)
    await follower.open()
    try:
        assert await follower.count() == 0
        await owner.upsert(corpus[:10])
        assert await follower.count() == 10  # the very next read after the commit
        await owner.upsert(corpus[10:])
        await owner.delete([corpus[0].id])
        assert await follower.all_ids() == {d.id for d in corpus[1:]}
        assert [h.id for h in (await follower.search(SearchQuery(q="zebra twin"))).hits] == [41, 40]

        async def only_five() -> AsyncIterator[Sequence[SearchDocument]]:
            yield corpus[:5]

        await owner.rebuild(only_five())  # a new generation, published and swapped
        assert await follower.all_ids() == {d.id for d in corpus[:5]}
        assert await follower.ping()
        with pytest.raises(RuntimeError, match="follows"):
            await follower.upsert(corpus[:1])
        with pytest.raises(RuntimeError, match="follows"):
            await follower.rebuild(only_five())
    finally:
        await follower.close()
        await owner.close()


async def test_a_follower_needs_an_index_to_follow(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="no search index"):
        await TantivySearchEngine(tmp_path / "search", follow=True).open()
