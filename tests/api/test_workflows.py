from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.workflow_helpers import INVALID, VALID, fixture_format, simple
from tests.conftest import Account, assert_error

W = "/api/v1/workflows"


async def _create(account: Account, **body: Any) -> dict[str, Any]:
    r = await account.post(W, json={"definition": simple(), **body})
    assert r.status_code == 201, r.text
    result: dict[str, Any] = r.json()
    return result


async def test_create_from_object_fills_defaults_and_facts(alice: Account) -> None:
    w = await _create(alice, tags=["Slack", " payments ", "slack", "Stripe Alerts"])
    assert w["title"] == "Notify Slack on failed payment"
    assert w["description"].startswith("Posts to #payments")
    assert w["slug"] == "notify-slack-on-failed-payment"
    assert w["tags"] == ["slack", "payments", "stripe-alerts"]
    assert w["visibility"] == "public" and w["version"] == 1
    assert w["owner"] == {"username": "alice", "display_name": "alice"}
    assert w["facts"]["trigger"] == "http" and w["facts"]["method"] == "POST"
    assert w["facts"]["nodes"] == ["@nanoservice-ts/api-call", "mapper"]
    assert w["facts"]["runtimes"] == ["typescript"] and w["facts"]["step_count"] == 2
    assert w["facts"]["has_branches"] is False
    assert w["health"]["valid"] is True and w["health"]["errors"] == []
    assert w["stats"] == {
        "favorites": 0,
        "comments": 0,
        "forks": 0,
        "views": 0,
        "rating": {"average": None, "count": 0, "score": None},
    }
    assert w["forked_from"] is None and w["published_at"] is not None
    assert w["definition"] == simple()


async def test_same_title_gets_a_distinct_slug(alice: Account) -> None:
    first = await _create(alice)
    second = await _create(alice)
    assert (first["slug"], second["slug"]) == ("notify-slack-on-failed-payment", "notify-slack-on-failed-payment-2")
    dotted = await _create(alice, title="v1.2 Ünïcode — title!")
    assert dotted["slug"] == "v1-2-unicode-title" and "." not in dotted["slug"]


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
async def test_every_valid_fixture_publishes_from_source(alice: Account, path: Any) -> None:
    r = await alice.post(W, json={"source": path.read_text(), "format": fixture_format(path)})
    assert r.status_code == 201, r.text
    assert r.json()["health"]["valid"] is True


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
async def test_invalid_fixtures_are_refused_with_pointers(alice: Account, path: Any) -> None:
    error = assert_error(
        await alice.post(W, json={"source": path.read_text(), "format": "json"}), 422, "invalid_workflow"
    )
    assert error["details"] and all("pointer" in d for d in error["details"])
    assert all(d.get("line") for d in error["details"] if d["pointer"])  # located in the source text


async def test_invalid_workflow_may_be_kept_as_private_draft(alice: Account) -> None:
    broken = simple(steps=[])
    r = await alice.post(W, json={"definition": broken, "visibility": "draft"})
    assert r.status_code == 201, r.text
    assert r.json()["health"]["valid"] is False and r.json()["health"]["errors"][0]["pointer"] == "/steps"
    # ...but cannot go public until fixed.
    error = assert_error(
        await alice.patch(f"{W}/{r.json()['id']}", json={"visibility": "public"}), 422, "invalid_workflow"
    )
    assert error["details"][0]["pointer"] == "/steps"


async def test_create_needs_exactly_one_definition(alice: Account) -> None:
    assert_error(await alice.post(W, json={"title": "x"}), 422, "definition_required")
    assert_error(await alice.post(W, json={"definition": simple(), "source": "{}", "format": "json"}), 422)
    assert_error(await alice.post(W, json={"source": "{}"}), 422, "format_required")
    assert_error(await alice.post(W, json={"source": "{}", "format": "xml"}), 422)
    assert_error(await alice.post(W, json={"definition": "not an object"}), 422)


async def test_tags_are_bounded(alice: Account) -> None:
    assert_error(
        await alice.post(W, json={"definition": simple(), "tags": [f"t{i}" for i in range(11)]}), 422, "too_many_tags"
    )
    error = assert_error(
        await alice.post(W, json={"definition": simple(), "tags": ["ok", "x" * 33]}), 422, "invalid_tag"
    )
    assert error["details"][0]["pointer"] == "/tags/1"


async def test_fields_that_are_not_yours_to_set(alice: Account) -> None:
    for extra in [{"owner": {"username": "bob"}}, {"stats": {"favorites": 1000}}, {"id": 5}, {"version": 9}]:
        assert_error(await alice.post(W, json={"definition": simple(), **extra}), 422, "unknown_field")
    w = await _create(alice)
    for extra in [{"stats": {"forks": 9}}, {"owner": "bob"}, {"id": 1}]:
        assert_error(await alice.patch(f"{W}/{w['id']}", json=extra), 422, "unknown_field")


async def test_validate_does_not_save(alice: Account, client: httpx.AsyncClient) -> None:
    r = await client.post(f"{W}/validate", json={"definition": simple()})
    assert r.status_code == 200 and r.json()["valid"] is True and r.json()["facts"]["trigger"] == "http"
    r = await client.post(
        f"{W}/validate",
        json={
            "source": '{"name": "x", "version": "1.0.0", "trigger": {"http": '
            '{"method": "ANY", "path": "/"}}, "steps": [], "nodes": {}}',
            "format": "json",
        },
    )
    body = r.json()
    assert r.status_code == 200 and body["valid"] is False
    pointers = {e["pointer"] for e in body["errors"]}
    assert "/trigger/http/method" in pointers and "/steps" in pointers
    assert all(e["line"] == 1 for e in body["errors"])
    assert (await client.get(W)).json()["items"] == []


async def test_import_raw_bodies_and_multipart(alice: Account) -> None:
    toml_path = next(p for p in VALID if p.suffix == ".toml")
    yaml_path = next(p for p in VALID if p.suffix == ".yaml")
    r = await alice.post(
        f"{W}/import?visibility=unlisted&tags=geo,Countries",
        content=toml_path.read_bytes(),
        headers={"content-type": "application/toml"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["visibility"] == "unlisted" and r.json()["tags"] == ["geo", "countries"]
    r = await alice.post(
        f"{W}/import?title=From%20YAML",
        content=yaml_path.read_bytes(),
        headers={"content-type": "application/yaml; charset=utf-8"},
    )
    assert r.status_code == 201 and r.json()["title"] == "From YAML"
    r = await alice.post(f"{W}/import", files={"file": ("countries.yaml", yaml_path.read_bytes(), "text/plain")})
    assert r.status_code == 201, r.text
    assert_error(await alice.post(f"{W}/import", content=b"name: x", headers={"content-type": "text/plain"}), 415)
    assert_error(await alice.post(f"{W}/import", files={"file": ("x.txt", b"abc", "text/plain")}), 415)
    assert_error(await alice.post(f"{W}/import", files={"other": ("x.json", b"{}", "application/json")}), 422)


async def test_get_counts_views_after_flush(alice: Account, client: httpx.AsyncClient, clean: Any) -> None:
    from blokhub.api.workflows.page_views import flush_views
    from blokhub.db.session import session_scope

    w = await _create(alice)
    for _ in range(3):  # one viewer reloading: one view a day
        assert (await client.get(f"{W}/{w['id']}")).status_code == 200
    assert (await alice.get(f"{W}/{w['id']}")).status_code == 200  # another viewer
    # The job's unit of work commits, not the service: a flush that rolls back keeps its counts for the next run.
    with pytest.raises(RuntimeError):
        async with session_scope(clean.sessionmaker) as db:
            assert await flush_views(clean.redis, db) == 2
            raise RuntimeError("the job failed before its commit")
    assert (await client.get(f"{W}/{w['id']}")).json()["stats"]["views"] == 0
    async with session_scope(clean.sessionmaker) as db:
        assert await flush_views(clean.redis, db) == 2
    assert (await client.get(f"{W}/{w['id']}")).json()["stats"]["views"] == 2
    async with session_scope(clean.sessionmaker) as db:
        assert await flush_views(clean.redis, db) == 0  # the same viewers again today: no new views


async def test_list_filters_and_keyset_pagination(alice: Account, bob: Account, client: httpx.AsyncClient) -> None:
    ids = [(await _create(alice, title=f"Flow {i}", tags=["even" if i % 2 == 0 else "odd"]))["id"] for i in range(7)]
    await _create(alice, title="Secret plan", visibility="private")
    await _create(alice, title="Shared link", visibility="unlisted")
    await _create(bob, title="Bob's flow")
    seen: list[int] = []
    cursor = None
    while True:
        r = await client.get(W, params={"owner": "alice", "limit": 3, **({"cursor": cursor} if cursor else {})})
        page = r.json()
        seen += [w["id"] for w in page["items"]]
        assert all("definition" not in w for w in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))  # newest first, public only, nothing twice
    evens = (await client.get(W, params={"tag": "EVEN"})).json()["items"]
    assert sorted(w["id"] for w in evens) == sorted(ids[0::2])
    everyone = (await client.get(W, params={"limit": 100})).json()["items"]
    assert {w["title"] for w in everyone} >= {"Bob's flow"} and "Secret plan" not in {w["title"] for w in everyone}
    own = (await alice.get(W, params={"owner": "alice", "visibility": "private"})).json()["items"]
    assert [w["title"] for w in own] == ["Secret plan"]
    assert_error(await bob.get(W, params={"owner": "alice", "visibility": "private"}), 422)
    assert_error(await client.get(W, params={"cursor": "garbage!"}), 400, "invalid_cursor")
    assert_error(await client.get(W, params={"limit": 0}), 422)
    assert_error(await client.get(W, params={"limit": 101}), 422)
    user_list = (await alice.get("/api/v1/users/alice/workflows", params={"limit": 100})).json()["items"]
    assert len(user_list) == 9  # the owner sees all of theirs
    assert len((await client.get("/api/v1/users/alice/workflows", params={"limit": 100})).json()["items"]) == 7
    assert (await client.get("/api/v1/users/alice")).json()["stats"]["workflows"] == 7


async def test_patch_metadata_and_new_versions(alice: Account) -> None:
    w = await _create(alice)
    url = f"{W}/{w['id']}"
    r = await alice.patch(url, json={"title": "Renamed", "tags": ["a"], "description": "New text"})
    assert r.status_code == 200 and r.json()["version"] == 1 and r.json()["slug"] == "renamed"
    same = await alice.patch(url, json={"definition": simple()})  # same content: no new version
    assert same.json()["version"] == 1
    changed = simple()
    changed["nodes"]["post-to-slack"]["inputs"]["url"] = "https://hooks.slack.com/services/T000/B000/XXXX"
    r = await alice.patch(url, json={"definition": changed, "changelog": "Use a webhook", "expected_version": 1})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and r.json()["definition"] == changed
    lost = await alice.patch(url, json={"title": "Stale edit", "expected_version": 1})
    error = assert_error(lost, 409, "version_conflict")
    assert error["details"][0]["current_version"] == 2


async def test_delete_is_404_afterwards(alice: Account, bob: Account, client: httpx.AsyncClient) -> None:
    w = await _create(alice)
    assert_error(await bob.delete(f"{W}/{w['id']}"), 403)
    assert (await alice.delete(f"{W}/{w['id']}")).status_code == 204
    assert_error(await client.get(f"{W}/{w['id']}"), 404)
    assert_error(await alice.delete(f"{W}/{w['id']}"), 404)
    again = await _create(alice)  # the slug is free again
    assert again["slug"] == "notify-slack-on-failed-payment"


async def test_unauthenticated_writes_are_401(client: httpx.AsyncClient, alice: Account) -> None:
    w = await _create(alice)
    assert_error(await client.post(W, json={"definition": simple()}), 401)
    assert_error(await client.patch(f"{W}/{w['id']}", json={"title": "x"}), 401)
    assert_error(await client.delete(f"{W}/{w['id']}"), 401)
    assert_error(await client.post(f"{W}/{w['id']}/fork"), 401)


async def test_validate_takes_what_import_takes_and_answers_one_shape(client: httpx.AsyncClient) -> None:
    """Issue 13.5: raw file bodies and multipart as import; syntax errors are `{valid: false}` too, not a 422."""
    shape = {"valid", "dialect", "errors", "warnings", "facts", "requirements"}
    for path in VALID:
        fmt = fixture_format(path)
        raw = await client.post(
            f"{W}/validate", content=path.read_bytes(), headers={"content-type": f"application/{fmt}"}
        )
        assert raw.status_code == 200 and set(raw.json()) == shape, (path.name, raw.text)
        assert raw.json()["valid"] is True, (path.name, raw.json()["errors"])
        multipart = await client.post(f"{W}/validate", files={"file": (path.name, path.read_bytes())})
        assert multipart.status_code == 200 and multipart.json() == raw.json()
    broken = await client.post(
        f"{W}/validate", content=b"name: x\nsteps: [\n", headers={"content-type": "application/yaml"}
    )
    body = broken.json()
    assert broken.status_code == 200 and set(body) == shape and body["valid"] is False, broken.text
    assert body["errors"][0]["line"] is not None and body["facts"] is None
    in_envelope = await client.post(f"{W}/validate", json={"source": "name = [", "format": "toml"})
    assert in_envelope.status_code == 200 and in_envelope.json()["valid"] is False
    schema = await client.post(
        f"{W}/validate", content=b'{"name": "x", "steps": []}', headers={"content-type": "application/json"}
    )
    assert schema.status_code == 200 and schema.json()["valid"] is False and set(schema.json()) == shape
    assert_error(await client.post(f"{W}/validate", content=b"x", headers={"content-type": "text/plain"}), 415)
