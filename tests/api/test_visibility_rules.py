"""Nothing shows more than its reader may see: forks, fork counts, notifications, favorites and the feed."""

from __future__ import annotations

import httpx
from sqlalchemy import update

from blokhub.db.models import User
from blokhub.runtime.resources import Resources
from tests.api.workflow_helpers import simple
from tests.conftest import Account, assert_error, register

W = "/api/v1/workflows"


async def _moderator(client: httpx.AsyncClient, resources: Resources) -> Account:
    mod = await register(client, "mod")
    async with resources.sessionmaker() as db, db.begin():
        await db.execute(update(User).where(User.username == "mod").values(role="moderator"))
    return mod


async def _publish(account: Account, **extra: object) -> int:
    r = await account.post(W, json={"definition": simple(), **extra})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def test_private_and_draft_work_is_forkable_by_its_owner_only(
    client: httpx.AsyncClient, clean: Resources, alice: Account
) -> None:
    mod = await _moderator(client, clean)
    for visibility in ("private", "draft"):
        wid = await _publish(alice, visibility=visibility)
        # The reported attack: a moderator (who may see it) forks it public.
        assert_error(await mod.post(f"{W}/{wid}/fork", json={"visibility": "public"}), 403)
        assert_error(await mod.post(f"{W}/{wid}/fork", json={"visibility": "private"}), 403)
        own = await alice.post(f"{W}/{wid}/fork", json={"visibility": "private"})
        assert own.status_code == 201, own.text


async def test_hidden_work_stays_private_even_for_its_owner(
    client: httpx.AsyncClient, clean: Resources, alice: Account
) -> None:
    mod = await _moderator(client, clean)
    wid = await _publish(alice)
    assert (await mod.post(f"/api/v1/admin/workflows/{wid}/hide")).status_code == 204
    assert_error(await mod.post(f"{W}/{wid}/fork"), 403)
    assert_error(await alice.post(f"{W}/{wid}/fork", json={"visibility": "public"}), 422, "fork_visibility")
    copy = await alice.post(f"{W}/{wid}/fork")
    assert copy.status_code == 201 and copy.json()["visibility"] == "private"


async def test_unlisted_work_is_copied_but_never_listed_by_others(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    wid = await _publish(alice, visibility="unlisted")
    assert_error(await bob.post(f"{W}/{wid}/fork", json={"visibility": "public"}), 422, "fork_visibility")
    default = await bob.post(f"{W}/{wid}/fork")
    assert default.status_code == 201 and default.json()["visibility"] == "unlisted"
    public = await _publish(alice)
    assert (await bob.post(f"{W}/{public}/fork")).json()["visibility"] == "public"


async def test_fork_count_is_what_forks_lists(
    client: httpx.AsyncClient, clean: Resources, alice: Account, bob: Account
) -> None:
    wid = await _publish(alice)
    await bob.post(f"{W}/{wid}/fork")
    private = (await bob.post(f"{W}/{wid}/fork", json={"visibility": "private"})).json()["id"]
    await bob.post(f"{W}/{wid}/fork", json={"visibility": "unlisted"})
    listed = (await client.get(f"{W}/{wid}/forks")).json()["items"]
    for reader in (client, bob.client):
        assert (await reader.get(f"{W}/{wid}")).json()["stats"]["forks"] == len(listed) == 1
    # Going public makes it listed and counted; going private again takes it back.
    await bob.patch(f"{W}/{private}", json={"visibility": "public"})
    assert (await client.get(f"{W}/{wid}")).json()["stats"]["forks"] == 2
    await bob.patch(f"{W}/{private}", json={"visibility": "private"})
    assert (await client.get(f"{W}/{wid}")).json()["stats"]["forks"] == 1


async def test_favorites_and_feed_render_targets_under_the_readers_visibility(
    client: httpx.AsyncClient, clean: Resources, alice: Account, bob: Account
) -> None:
    from blokhub.outbox.relay import process_pending

    wid = await _publish(alice)
    await bob.put("/api/v1/users/alice/follow")
    await bob.put(f"{W}/{wid}/favorite")
    await process_pending({"resources": clean})  # the feed's activities come through the outbox
    assert [w["id"] for w in (await bob.get("/api/v1/me/favorites")).json()["items"]] == [wid]
    assert any(i["workflow"]["id"] == wid for i in (await bob.get("/api/v1/feed")).json()["items"])
    r = await alice.patch(f"{W}/{wid}", json={"visibility": "private", "title": "Secret merger plan"})
    assert r.status_code == 200
    for url in ("/api/v1/me/favorites", "/api/v1/feed", "/api/v1/feed?rank=personal", "/api/v1/notifications"):
        body = (await bob.get(url)).text
        assert "Secret merger plan" not in body, url
    assert (await bob.get("/api/v1/me/favorites")).json()["items"] == []


async def test_a_fork_cannot_be_widened_past_its_original_later(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    unlisted = await _publish(alice, visibility="unlisted")
    copy = (await bob.post(f"{W}/{unlisted}/fork")).json()["id"]
    assert_error(await bob.patch(f"{W}/{copy}", json={"visibility": "public"}), 422, "fork_visibility")
    public = await _publish(alice)
    later = (await bob.post(f"{W}/{public}/fork", json={"visibility": "private"})).json()["id"]
    await alice.patch(f"{W}/{public}", json={"visibility": "private"})  # the original is withdrawn
    assert_error(await bob.patch(f"{W}/{later}", json={"visibility": "unlisted"}), 422, "fork_visibility")
    assert (await alice.delete(f"{W}/{public}")).status_code == 204  # deleted: no longer limits the copy
    assert (await bob.patch(f"{W}/{later}", json={"visibility": "public"})).status_code == 200
    # The owner's own forks are theirs to publish.
    mine = (await alice.post(f"{W}/{unlisted}/fork", json={"visibility": "private"})).json()["id"]
    assert (await alice.patch(f"{W}/{mine}", json={"visibility": "public"})).status_code == 200
