"""Trending cannot be bought with page loads: one viewer is one view a day, throttled, weighed below engagement."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import select

from blokhub.api.workflows.page_views import VIEWS_KEY, flush_views
from blokhub.db.models import Workflow
from blokhub.db.session import session_scope
from blokhub.outbox.relay import process_pending
from blokhub.runtime.resources import Resources
from blokhub.workers.tasks import discovery_trending
from tests.api.workflow_helpers import simple
from tests.conftest import Account, many_accounts

W = "/api/v1/workflows"


async def _flush(resources: Resources) -> None:
    async with session_scope(resources.sessionmaker) as db:
        await flush_views(resources.redis, db)


async def _views(resources: Resources, wid: int) -> int:
    async with resources.sessionmaker() as db:
        return int(await db.scalar(select(Workflow.views_count).where(Workflow.id == wid)) or 0)


async def test_one_client_hammering_a_page_is_one_view(
    client: httpx.AsyncClient, clean: Resources, alice: Account
) -> None:
    wid = (await alice.post(W, json={"definition": simple()})).json()["id"]
    for batch in range(6):
        responses = await asyncio.gather(*(client.get(f"{W}/{wid}") for _ in range(50)))
        assert all(r.status_code == 200 for r in responses), batch
    await _flush(clean)
    assert await _views(clean, wid) == 1
    # Accounts are viewers of their own: five of them, each reloading, add five.
    readers = await many_accounts(client, clean, 5, prefix="reader")
    for reader in readers:
        for _ in range(3):
            await reader.get(f"{W}/{wid}")
    await _flush(clean)
    assert await _views(clean, wid) == 6
    # The client address is never stored, only a keyed hash of it.
    keys = [k.decode() for k in await clean.redis.keys("views:*")]
    assert keys and not any("127.0.0.1" in k for k in keys)
    assert not await clean.redis.exists(VIEWS_KEY)


async def test_views_rank_below_real_engagement(client: httpx.AsyncClient, clean: Resources, alice: Account) -> None:
    viewed = (await alice.post(W, json={"definition": simple(), "title": "Only viewed"})).json()["id"]
    liked = (await alice.post(W, json={"definition": simple(), "title": "Liked once"})).json()["id"]
    crowd = await many_accounts(client, clean, 60, prefix="viewer")
    await asyncio.gather(*(a.get(f"{W}/{viewed}") for a in crowd))
    for _ in range(1500 // 50):  # the reported attack: a burst of anonymous reloads
        await asyncio.gather(*(client.get(f"{W}/{viewed}") for _ in range(50)))
    await crowd[0].put(f"{W}/{liked}/favorite")
    await _flush(clean)
    await process_pending({"resources": clean})
    await discovery_trending({"resources": clean})
    items = (await client.get("/api/v1/trending", params={"window": "day"})).json()["items"]
    titles = [i["workflow"]["title"] for i in items]
    assert titles.index("Liked once") < titles.index("Only viewed"), items
    by_title = {i["workflow"]["title"]: i["score"] for i in items}
    assert by_title["Only viewed"] < by_title["Liked once"]
