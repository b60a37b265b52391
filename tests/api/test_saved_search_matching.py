"""Saved-search matching is its own outbox lane: one notification per match, whatever is redelivered or fails."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select, update

from blokhub.db.models import OutboxEvent
from blokhub.outbox.relay import process_pending
from blokhub.runtime.resources import Resources
from tests.api.workflow_helpers import simple
from tests.conftest import Account

W = "/api/v1/workflows"
LANE = "saved_searches"


async def _save(account: Account, q: str, filters: dict[str, Any] | None = None) -> None:
    r = await account.post("/api/v1/me/saved-searches", json={"name": q or "all", "q": q, "filters": filters or {}})
    assert r.status_code == 201, r.text


async def _matches(account: Account) -> list[tuple[str, int]]:
    """(workflow title, how many matches) — unread notifications of one kind about one workflow are grouped."""
    notes = (await account.get("/api/v1/notifications")).json()["items"]
    return sorted((n["workflow"]["title"], n["count"]) for n in notes if n["kind"] == "saved_search_match")


async def _backoff_elapsed(resources: Resources) -> None:
    async with resources.sessionmaker() as db, db.begin():
        await db.execute(update(OutboxEvent).values(available_at=func.now()))


async def test_one_batch_is_matched_against_every_saved_search(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    await _save(bob, "stripe")
    await _save(bob, "stripe", {"tags": ["billing"]})
    await _save(bob, "", {"tags": ["billing"]})
    await _save(bob, "kubernetes")
    for title, tags in (("Stripe refunds to Slack", ["billing"]), ("Stripe charge log", []), ("Nightly backup", [])):
        r = await alice.post(W, json={"definition": simple(name=title, description="Moves data."), "tags": tags})
        assert r.status_code == 201, r.text
    await process_pending({"resources": clean})
    assert await process_pending({"resources": clean}, lane=LANE) == 3  # the whole batch at once
    # The tagged one matches three saved searches ("stripe" twice and "all"), the other only "stripe" ("all"
    # needs the tag); the backup matches none.
    assert await _matches(bob) == [("Stripe charge log", 1), ("Stripe refunds to Slack", 3)]


async def test_redelivery_and_republishing_never_notify_twice(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    await _save(bob, "stripe")
    wid = (await alice.post(W, json={"definition": simple(name="Stripe payouts")})).json()["id"]
    await process_pending({"resources": clean})
    await process_pending({"resources": clean}, lane=LANE)
    # At-least-once: the same events delivered again (a worker died before marking them) ...
    async with clean.sessionmaker() as db, db.begin():
        await db.execute(update(OutboxEvent).where(OutboxEvent.lane == LANE).values(processed_at=None))
    await process_pending({"resources": clean}, lane=LANE)
    # ... and the workflow made private, then public again.
    for visibility in ("private", "public"):
        r = await alice.patch(f"{W}/{wid}", json={"visibility": visibility})
        assert r.status_code == 200, r.text
    await process_pending({"resources": clean})
    await process_pending({"resources": clean}, lane=LANE)
    assert await _matches(bob) == [("Stripe payouts", 1)]


async def test_the_lane_waits_for_the_index_and_a_failing_index_never_resends(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    await _save(bob, "stripe")
    await alice.post(W, json={"definition": simple(name="Stripe disputes")})
    # The saved-search lane runs before the index has the workflow: it retries later instead of missing it.
    await process_pending({"resources": clean}, lane=LANE)
    assert await _matches(bob) == []
    await process_pending({"resources": clean})
    await _backoff_elapsed(clean)
    await process_pending({"resources": clean}, lane=LANE)
    assert await _matches(bob) == [("Stripe disputes", 1)]
    # The index consumer fails and its events are retried: the saved-search lane is not run again.
    await clean.search.close()
    try:
        async with clean.sessionmaker() as db, db.begin():
            await db.execute(update(OutboxEvent).where(OutboxEvent.lane == "main").values(processed_at=None))
        await process_pending({"resources": clean})
    finally:
        await clean.search.open()
    await _backoff_elapsed(clean)
    await process_pending({"resources": clean})
    assert await process_pending({"resources": clean}, lane=LANE) == 0
    assert await _matches(bob) == [("Stripe disputes", 1)]
    async with clean.sessionmaker() as db:
        pending = select(func.count()).where(OutboxEvent.processed_at.is_(None), OutboxEvent.lane.in_(["main", LANE]))
        assert await db.scalar(pending) == 0
