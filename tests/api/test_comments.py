from __future__ import annotations

from typing import Any

import httpx

from tests.api.workflow_helpers import simple
from tests.conftest import Account, assert_error

W = "/api/v1/workflows"


async def _workflow(account: Account, visibility: str = "public") -> int:
    r = await account.post(W, json={"definition": simple(), "visibility": visibility})
    assert r.status_code == 201, r.text
    wid: int = r.json()["id"]
    return wid


async def _comment(account: Account, wid: int, body: str, parent: int | None = None) -> dict[str, Any]:
    r = await account.post(f"{W}/{wid}/comments", json={"body": body, **({"parent_id": parent} if parent else {})})
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


async def test_threads_nest_to_any_depth(alice: Account, bob: Account, client: httpx.AsyncClient) -> None:
    wid = await _workflow(alice)
    root = await _comment(bob, wid, "Does this retry on 429?")
    reply = await _comment(alice, wid, "Yes, three times.", root["id"])
    deeper = await _comment(bob, wid, "With backoff?", reply["id"])
    deepest = await _comment(alice, wid, "Exponential.", deeper["id"])
    second = await _comment(alice, wid, "Second thread")
    page = (await client.get(f"{W}/{wid}/comments")).json()
    assert page["total"] == 5
    assert [c["id"] for c in page["items"]] == [root["id"], second["id"]]
    chain = page["items"][0]
    ids = []
    while chain:
        ids.append(chain["id"])
        chain = chain["replies"][0] if chain["replies"] else None
    assert ids == [root["id"], reply["id"], deeper["id"], deepest["id"]]
    assert page["items"][0]["author"] == {"username": "bob", "display_name": "bob"}
    assert (await client.get(f"{W}/{wid}")).json()["stats"]["comments"] == 5
    one = (await client.get(f"{W}/{wid}/comments", params={"limit": 1})).json()
    assert len(one["items"]) == 1 and one["next_cursor"]
    two = (await client.get(f"{W}/{wid}/comments", params={"limit": 1, "cursor": one["next_cursor"]})).json()
    assert [c["id"] for c in two["items"]] == [second["id"]] and two["next_cursor"] is None


async def test_edit_and_delete_keep_the_thread(alice: Account, bob: Account, client: httpx.AsyncClient) -> None:
    wid = await _workflow(alice)
    root = await _comment(bob, wid, "first")
    reply = await _comment(alice, wid, "reply", root["id"])
    assert_error(await alice.patch(f"/api/v1/comments/{root['id']}", json={"body": "hijack"}), 403)
    edited = await bob.patch(f"/api/v1/comments/{root['id']}", json={"body": "first (edited)"})
    assert edited.status_code == 200 and edited.json()["edited_at"] is not None
    assert_error(await alice.delete(f"/api/v1/comments/{root['id']}"), 403)
    assert (await bob.delete(f"/api/v1/comments/{root['id']}")).status_code == 204
    thread = (await client.get(f"{W}/{wid}/comments")).json()["items"]
    assert thread[0]["body"] == "[deleted]" and thread[0]["deleted"] and thread[0]["author"] is None
    assert thread[0]["replies"][0]["id"] == reply["id"]
    assert_error(await bob.patch(f"/api/v1/comments/{root['id']}", json={"body": "undead"}), 409)


async def test_bad_comments_are_4xx(alice: Account, bob: Account) -> None:
    wid = await _workflow(alice)
    other = await _workflow(alice)
    foreign = await _comment(bob, other, "on another workflow")
    error = assert_error(await bob.post(f"{W}/{wid}/comments", json={"body": "x", "parent_id": foreign["id"]}), 422)
    assert error["details"][0]["pointer"] == "/parent_id"
    assert_error(await bob.post(f"{W}/{wid}/comments", json={"body": "x", "parent_id": 999999}), 422)
    assert_error(await bob.post(f"{W}/{wid}/comments", json={"body": ""}), 422)
    assert_error(await bob.post(f"{W}/{wid}/comments", json={"body": "x" * 10_001}), 422)
    assert (await bob.post(f"{W}/{wid}/comments", json={"body": "x" * 10_000})).status_code == 201
    assert_error(await bob.post(f"{W}/999999/comments", json={"body": "x"}), 404)
    private = await _workflow(alice, "private")
    assert_error(await bob.post(f"{W}/{private}/comments", json={"body": "x"}), 404)
    assert_error(await bob.get(f"{W}/{private}/comments"), 404)
    assert (await alice.post(f"{W}/{private}/comments", json={"body": "note to self"})).status_code == 201


async def test_comment_rate_limit(alice: Account, bob: Account) -> None:
    from blokhub.api.social.limits import LIMITS

    wid = await _workflow(alice)
    allowed = LIMITS["comment"][0]
    for i in range(allowed):
        assert (await bob.post(f"{W}/{wid}/comments", json={"body": f"c{i}"})).status_code == 201
    r = await bob.post(f"{W}/{wid}/comments", json={"body": "one too many"})
    assert_error(r, 429, "rate_limited")
    assert int(r.headers["retry-after"]) > 0
    assert (await alice.post(f"{W}/{wid}/comments", json={"body": "others unaffected"})).status_code == 201
