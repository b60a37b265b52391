from __future__ import annotations

import httpx

from blokhub.outbox.relay import process_pending
from blokhub.runtime.resources import Resources
from blokhub.workers.tasks import discovery_trending
from tests.api.workflow_helpers import simple
from tests.conftest import Account, assert_error, many_accounts

W = "/api/v1/workflows"


async def _workflow(account: Account, title: str) -> int:
    r = await account.post(W, json={"definition": simple(), "title": title})
    assert r.status_code == 201, r.text
    wid: int = r.json()["id"]
    return wid


async def _cron(resources: Resources) -> int:
    await process_pending({"resources": resources})  # activities are recorded from the outbox
    return await discovery_trending({"resources": resources})


async def test_trending_reacts_to_new_activity_after_the_cron(
    alice: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    quiet = await _workflow(alice, "Quiet one")
    hot = await _workflow(alice, "Hot one")
    fans = await many_accounts(client, clean, 6, prefix="fan")
    for fan in fans[:4]:
        await fan.put(f"{W}/{hot}/favorite")
    await fans[4].post(f"{W}/{hot}/fork")
    await fans[5].post(f"{W}/{quiet}/comments", json={"body": "hello"})
    assert await _cron(clean) >= 2
    week = (await client.get("/api/v1/trending")).json()["items"]
    assert [i["workflow"]["title"] for i in week[:2]] == ["Hot one", "Quiet one"]
    assert week[0]["reason"] == "4 favorites this week" or "4 favorites" in week[0]["reason"]
    assert week[0]["score"] > week[1]["score"] > 0
    # New engagement moves the list once the cron runs again.
    for fan in fans:
        await fan.put(f"{W}/{quiet}/favorite")
        await fan.post(f"{W}/{quiet}/fork")
    before = [i["workflow"]["title"] for i in (await client.get("/api/v1/trending")).json()["items"][:2]]
    assert before == ["Hot one", "Quiet one"]  # nothing changes until the job runs
    await _cron(clean)
    after = (await client.get("/api/v1/trending", params={"window": "day"})).json()["items"]
    assert after[0]["workflow"]["title"] == "Quiet one"
    assert "6 favorites" in after[0]["reason"] and "6 forks" in after[0]["reason"]
    # The search index follows: the trending sort agrees.
    hits = (await client.get("/api/v1/search/workflows", params={"sort": "trending"})).json()["hits"]
    assert hits[0]["workflow"]["title"] == "Quiet one"


async def test_trending_falls_back_to_popular_and_hides_what_it_must(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    first = await _workflow(alice, "First")
    second = await _workflow(alice, "Second")
    await bob.put(f"{W}/{second}/favorite")
    items = (await client.get("/api/v1/trending", params={"limit": 5})).json()["items"]
    assert [i["workflow"]["title"] for i in items] == ["Second", "First"]  # no cron yet: popular all-time
    assert items[0]["reason"].startswith("popular all-time")
    await _cron(clean)
    await alice.patch(f"{W}/{second}", json={"visibility": "private"})
    titles = [i["workflow"]["title"] for i in (await client.get("/api/v1/trending")).json()["items"]]
    assert "Second" not in titles and first
    assert_error(await client.get("/api/v1/trending", params={"window": "year"}), 422)
