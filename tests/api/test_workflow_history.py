"""Versions, diffs, forks with lineage, and export round-trips."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from blokhub import blok
from tests.api.workflow_helpers import VALID, fixture_format, simple, with_step
from tests.conftest import Account, assert_error, register

W = "/api/v1/workflows"


async def _create(account: Account, definition: dict[str, Any] | None = None, **body: Any) -> dict[str, Any]:
    r = await account.post(W, json={"definition": definition or simple(), **body})
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


async def test_versions_and_diff(alice: Account, client: httpx.AsyncClient) -> None:
    v1 = simple()
    w = await _create(alice, v1)
    url = f"{W}/{w['id']}"
    v2 = with_step(v1, "fetch-weather", "https://api.weather.example/today")
    v2["steps"].insert(0, v2["steps"].pop())  # the new step goes first: still one "added", not a cascade
    assert (await alice.patch(url, json={"definition": v2, "changelog": "Add weather"})).json()["version"] == 2
    v3 = simple()
    v3["nodes"]["post-to-slack"]["inputs"]["method"] = "PUT"
    assert (await alice.patch(url, json={"definition": v3})).json()["version"] == 3

    history = (await client.get(f"{url}/versions")).json()
    assert [v["version"] for v in history["items"]] == [3, 2, 1]
    assert history["items"][1]["changelog"] == "Add weather"
    page = (await client.get(f"{url}/versions", params={"limit": 2})).json()
    assert [v["version"] for v in page["items"]] == [3, 2] and page["next_cursor"]
    rest = (await client.get(f"{url}/versions", params={"limit": 2, "cursor": page["next_cursor"]})).json()
    assert [v["version"] for v in rest["items"]] == [1] and rest["next_cursor"] is None
    assert (await client.get(f"{url}/versions/1")).json()["definition"] == v1
    assert_error(await client.get(f"{url}/versions/9"), 404)

    d12 = (await client.get(f"{url}/diff", params={"from": 1, "to": 2})).json()
    assert d12["from_version"] == 1 and d12["to_version"] == 2
    added = [c for c in d12["changes"] if c["op"] == "added" and c["kind"] == "step"]
    assert [c["name"] for c in added] == ["fetch-weather"]
    assert not [c for c in d12["changes"] if c["kind"] == "step" and c["op"] == "changed"]
    d23 = (await client.get(f"{url}/diff", params={"from": 2})).json()
    assert d23["to_version"] == 3
    assert any(c["op"] == "removed" and c["name"] == "fetch-weather" for c in d23["changes"])
    assert any(c["pointer"] == "/nodes/post-to-slack/inputs/method" and c["op"] == "changed" for c in d23["changes"])
    assert_error(await client.get(f"{url}/diff", params={"from": 1, "to": 7}), 404)
    assert_error(await client.get(f"{url}/diff"), 422)


async def test_fork_keeps_lineage_and_counts(alice: Account, bob: Account, client: httpx.AsyncClient) -> None:
    original = await _create(alice, tags=["slack"])
    fork = await bob.post(f"{W}/{original['id']}/fork", json={"title": "Bob's take"})
    assert fork.status_code == 201, fork.text
    f = fork.json()
    assert f["owner"]["username"] == "bob" and f["title"] == "Bob's take" and f["version"] == 1
    assert f["forked_from"] == {"id": original["id"], "version": 1}
    assert f["definition"] == original["definition"] and f["tags"] == ["slack"]
    plain = await bob.post(f"{W}/{original['id']}/fork")  # no body at all
    assert plain.status_code == 201 and plain.json()["title"] == original["title"]
    await bob.post(f"{W}/{original['id']}/fork", json={"visibility": "private"})
    # stats.forks counts what /forks lists: the private fork is neither listed nor counted.
    assert (await client.get(f"{W}/{original['id']}")).json()["stats"]["forks"] == 2
    forks = (await client.get(f"{W}/{original['id']}/forks")).json()["items"]
    assert len(forks) == 2  # the private fork is not listed to others
    assert {x["id"] for x in forks} == {f["id"], plain.json()["id"]}
    assert (await bob.delete(f"{W}/{f['id']}")).status_code == 204
    assert (await client.get(f"{W}/{original['id']}")).json()["stats"]["forks"] == 1


async def test_concurrent_forks_count_exactly(alice: Account, client: httpx.AsyncClient) -> None:
    original = await _create(alice)
    forkers = [await register(client, f"forker{i}") for i in range(8)]
    results = await asyncio.gather(*(a.post(f"{W}/{original['id']}/fork") for a in forkers for _ in range(2)))
    assert all(r.status_code == 201 for r in results), [r.text for r in results if r.status_code != 201]
    assert (await client.get(f"{W}/{original['id']}")).json()["stats"]["forks"] == 16


async def test_private_workflows_cannot_be_forked_by_others(alice: Account, bob: Account) -> None:
    secret = await _create(alice, visibility="private")
    assert_error(await bob.post(f"{W}/{secret['id']}/fork"), 404)
    own = await alice.post(f"{W}/{secret['id']}/fork", json={"visibility": "private"})
    assert own.status_code == 201


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
async def test_export_round_trips_every_fixture(alice: Account, client: httpx.AsyncClient, path: Any) -> None:
    created = await alice.post(W, json={"source": path.read_text(), "format": fixture_format(path)})
    assert created.status_code == 201, created.text
    w = created.json()
    expected = blok.canonical_hash(w["definition"])
    for fmt, media in [("json", "application/json"), ("yaml", "application/yaml"), ("toml", "application/toml")]:
        r = await client.get(f"{W}/{w['id']}/export", params={"format": fmt})
        if r.status_code == 422:  # only a document holding null cannot be written as TOML
            assert fmt == "toml" and r.json()["error"]["code"] == "export_failed", r.text
            continue
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith(media)
        assert r.headers["content-disposition"] == f'attachment; filename="{w["slug"]}.{fmt}"'
        again = await alice.post(f"{W}/import", content=r.content, headers={"content-type": media})
        assert again.status_code == 201, again.text
        assert blok.canonical_hash(again.json()["definition"]) == expected


async def test_export_an_old_version(alice: Account, client: httpx.AsyncClient) -> None:
    w = await _create(alice)
    await alice.patch(f"{W}/{w['id']}", json={"definition": with_step(simple(), "extra-step", "https://x.example")})
    old = await client.get(f"{W}/{w['id']}/export", params={"format": "yaml", "version": 1})
    assert old.status_code == 200 and "extra-step" not in old.text and "post-to-slack" in old.text
    assert_error(await client.get(f"{W}/{w['id']}/export", params={"format": "xml"}), 422)
