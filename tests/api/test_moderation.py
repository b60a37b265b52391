from __future__ import annotations

import httpx
from sqlalchemy import select, update

from blokhub.db.models import OutboxEvent, User
from blokhub.runtime.resources import Resources
from tests.api.workflow_helpers import simple
from tests.conftest import Account, assert_error, register

W = "/api/v1/workflows"


async def _moderator(client: httpx.AsyncClient, resources: Resources, name: str = "mod") -> Account:
    account = await register(client, name)
    async with resources.sessionmaker() as db, db.begin():
        await db.execute(update(User).where(User.username == name).values(role="moderator"))
    return account


async def test_reports_flow_and_moderators_only(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    mod = await _moderator(client, clean)
    wid = (await alice.post(W, json={"definition": simple()})).json()["id"]
    r = await bob.post("/api/v1/reports", json={"target_type": "workflow", "target_id": wid, "reason": "spam links"})
    assert r.status_code == 201 and r.json()["status"] == "open"
    report_id = r.json()["id"]
    r = await bob.post("/api/v1/reports", json={"target_type": "user", "target_username": "alice", "reason": "abuse"})
    assert r.status_code == 201
    assert_error(
        await bob.post("/api/v1/reports", json={"target_type": "workflow", "target_id": 9999, "reason": "nope"}), 404
    )
    assert_error(await bob.post("/api/v1/reports", json={"target_type": "planet", "target_id": 1, "reason": "x"}), 422)
    assert_error(await bob.get("/api/v1/admin/reports"), 403)
    assert_error(await client.get("/api/v1/admin/reports"), 401)
    listed = (await mod.get("/api/v1/admin/reports")).json()["items"]
    assert [x["target_type"] for x in listed] == ["user", "workflow"]
    r = await mod.post(f"/api/v1/admin/reports/{report_id}/resolve", json={"resolution": "spam", "action": "hide"})
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    assert_error(await mod.post(f"/api/v1/admin/reports/{report_id}/resolve", json={"resolution": "again"}), 409)
    assert [x["id"] for x in (await mod.get("/api/v1/admin/reports")).json()["items"]] != [report_id]


async def test_hidden_workflow_is_gone_for_everyone_but_owner_and_moderators(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    mod = await _moderator(client, clean)
    wid = (await alice.post(W, json={"definition": simple(), "title": "Hide me"})).json()["id"]
    await bob.put(f"{W}/{wid}/favorite")
    assert (await mod.post(f"/api/v1/admin/workflows/{wid}/hide")).status_code == 204
    for who in (client, bob):
        assert_error(await who.get(f"{W}/{wid}"), 404)
        assert_error(await who.get(f"{W}/{wid}/comments"), 404)
    assert all(w["id"] != wid for w in (await client.get(W)).json()["items"])
    assert (await bob.get("/api/v1/me/favorites")).json()["items"] == []
    assert (await alice.get(f"{W}/{wid}")).status_code == 200
    assert (await mod.get(f"{W}/{wid}")).status_code == 200
    assert (await client.get("/api/v1/users/alice")).json()["stats"]["workflows"] == 0
    async with clean.sessionmaker() as db:  # search follows through the outbox
        topics = (await db.scalars(select(OutboxEvent.topic).where(OutboxEvent.aggregate_id == wid))).all()
    assert "workflow.hidden" in topics
    assert (await mod.post(f"/api/v1/admin/workflows/{wid}/unhide")).status_code == 204
    assert (await client.get(f"{W}/{wid}")).status_code == 200
    assert_error(await bob.post(f"/api/v1/admin/workflows/{wid}/hide"), 403)


async def test_hidden_comment_keeps_thread_but_not_content(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    mod = await _moderator(client, clean)
    wid = (await alice.post(W, json={"definition": simple()})).json()["id"]
    bad = (await bob.post(f"{W}/{wid}/comments", json={"body": "buy pills"})).json()
    await alice.post(f"{W}/{wid}/comments", json={"body": "reported", "parent_id": bad["id"]})
    assert (await mod.post(f"/api/v1/admin/comments/{bad['id']}/hide")).status_code == 204
    thread = (await client.get(f"{W}/{wid}/comments")).json()["items"]
    assert thread[0]["body"] != "buy pills" and thread[0]["author"] is None and len(thread[0]["replies"]) == 1
    assert_error(await bob.patch(f"/api/v1/comments/{bad['id']}", json={"body": "edited"}), 404)
    assert_error(await alice.post(f"{W}/{wid}/comments", json={"body": "x", "parent_id": bad["id"]}), 422)


async def test_ban_locks_the_user_out_at_once(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    mod = await _moderator(client, clean)
    assert (await bob.get("/api/v1/me")).status_code == 200
    assert (await mod.post("/api/v1/admin/users/bob/ban")).status_code == 204
    assert_error(await bob.get("/api/v1/me"), 401)
    assert_error(await client.post("/api/v1/auth/refresh", json={"refresh_token": bob.refresh_token}), 401)
    assert_error(
        await client.post("/api/v1/auth/login", json={"login": "bob", "password": bob.password}), 401, "account_banned"
    )
    assert_error(await client.get("/api/v1/users/bob"), 404)
    assert_error(await mod.post("/api/v1/admin/users/mod/ban"), 422)
    other_mod = await _moderator(client, clean, "mod2")
    assert_error(await other_mod.post("/api/v1/admin/users/mod/ban"), 403)  # only admins ban moderators


async def test_report_rate_limit(alice: Account, bob: Account) -> None:
    from blokhub.api.social.limits import LIMITS

    wid = (await alice.post(W, json={"definition": simple()})).json()["id"]
    for n in range(LIMITS["report"][0]):  # repeating a report answers the open one, and still counts
        r = await bob.post("/api/v1/reports", json={"target_type": "workflow", "target_id": wid, "reason": "spam!"})
        assert r.status_code == (201 if n == 0 else 200)
    r = await bob.post("/api/v1/reports", json={"target_type": "workflow", "target_id": wid, "reason": "spam!"})
    assert_error(r, 429)
