"""Search through the API: the outbox feeds the real tantivy index; PostgreSQL decides what may be shown."""

from __future__ import annotations

import copy
from typing import Any

import httpx
from sqlalchemy import func, select

from blokhub.db.models import Visibility, Workflow
from blokhub.outbox.relay import process_pending
from blokhub.runtime.resources import Resources
from tests.api.workflow_helpers import simple
from tests.conftest import Account, assert_error, register

W = "/api/v1/workflows"
S = "/api/v1/search/workflows"

CORPUS = [
    (
        "Notify Slack when a Stripe payment fails",
        "Posts failed charges to the #payments channel.",
        ["slack", "stripe"],
        "POST",
        "@nanoservice-ts/api-call",
    ),
    (
        "Sync GitHub issues to Postgres",
        "Nightly import of new GitHub issues into a table.",
        ["github", "postgres"],
        "GET",
        "postgres-query",
    ),
    (
        "Email notification for new signups",
        "Sends a welcome email through SendGrid.",
        ["email", "notifications"],
        "POST",
        "@blokjs/sendgrid",
    ),
    (
        "Summarise GitHub pull requests with OpenAI",
        "Posts a summary to Slack.",
        ["github", "openai", "slack"],
        "GET",
        "openai",
    ),
    ("Stripe invoice archive", "Stores paid invoices in S3.", ["stripe", "s3"], "PUT", "@blokjs/s3"),
]


def _doc(title: str, method: str, node: str) -> dict[str, Any]:
    doc = copy.deepcopy(simple(name=title))
    doc["trigger"]["http"]["method"] = method
    doc["steps"][0]["node"] = node
    return doc


async def _publish(account: Account, resources: Resources, corpus: list[Any] = CORPUS) -> list[int]:
    ids = []
    for title, description, tags, method, node in corpus:
        r = await account.post(
            W, json={"definition": _doc(title, method, node), "description": description, "tags": tags}
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    await process_pending({"resources": resources})
    await process_pending({"resources": resources}, lane="saved_searches")  # after the index lane, as it waits for it
    return ids


async def _titles(client: httpx.AsyncClient, **params: Any) -> list[str]:
    r = await client.get(S, params=params)
    assert r.status_code == 200, r.text
    return [h["workflow"]["title"] for h in r.json()["hits"]]


async def test_typos_prefixes_and_and_semantics(alice: Account, client: httpx.AsyncClient, clean: Resources) -> None:
    await _publish(alice, clean)
    assert set(await _titles(client, q="slak")) >= {CORPUS[0][0]}
    assert await _titles(client, q="notifcation") == [CORPUS[2][0]]
    assert set(await _titles(client, q="githbu")) == {CORPUS[1][0], CORPUS[3][0]}
    assert set(await _titles(client, q="stri")) == {CORPUS[0][0], CORPUS[4][0]}
    assert set(await _titles(client, q="git")) == {CORPUS[1][0], CORPUS[3][0]}
    assert await _titles(client, q="github openai") == [CORPUS[3][0]]
    # Too specific: the last word is dropped rather than answering nothing.
    r = (await client.get(S, params={"q": "github zzzzqqq"})).json()
    assert r["matched_words"] == 1 and {h["workflow"]["title"] for h in r["hits"]} == {CORPUS[1][0], CORPUS[3][0]}


async def test_facets_match_sql_counts_and_filters_apply(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    await _publish(alice, clean)
    await _publish(bob, clean, CORPUS[:2])
    body = (await client.get(S, params={"facets": "tags,method,author,trigger"})).json()
    async with clean.sessionmaker() as db:
        method = Workflow.facts["method"].astext
        by_method = dict(
            (
                await db.execute(
                    select(method, func.count()).where(Workflow.visibility == Visibility.PUBLIC).group_by(method)
                )
            ).all()
        )
    assert body["facets"]["method"] == by_method
    assert body["facets"]["author"] == {"alice": 5, "bob": 2}
    assert body["facets"]["tags"]["github"] == 3 and body["total"] == 7
    assert body["facets_exact"] is True  # a small result set: counted, not estimated
    filtered = (await client.get(S, params={"q": "stripe", "method": "PUT", "facets": "author"})).json()
    assert [h["workflow"]["title"] for h in filtered["hits"]] == [CORPUS[4][0]]
    assert filtered["facets"]["author"] == {"alice": 1}
    assert set(await _titles(client, tags="github,slack")) == {CORPUS[3][0]}
    assert set(await _titles(client, author="bob")) == {CORPUS[0][0], CORPUS[1][0]}
    assert set(await _titles(client, nodes="openai")) == {CORPUS[3][0]}
    assert_error(await client.get(S, params={"facets": "colour"}), 422)
    assert_error(await client.get(S, params={"sort": "random"}), 422)
    assert_error(await client.get(S, params={"per_page": 1000}), 422)


async def test_sorts_highlights_pagination_and_took_ms(
    alice: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    ids = await _publish(alice, clean)
    newest = (await client.get(S, params={"sort": "newest"})).json()
    assert [h["workflow"]["id"] for h in newest["hits"]] == list(reversed(ids))
    assert isinstance(newest["took_ms"], float)
    carol = await register(client, "carol")
    await carol.put(f"{W}/{ids[2]}/favorite")
    await process_pending({"resources": clean})
    assert (await _titles(client, sort="favorites"))[0] == CORPUS[2][0]
    hit = (await client.get(S, params={"q": "stripe payment"})).json()["hits"][0]
    assert "<mark>" in hit["highlights"]["title"] and "Stripe" in hit["highlights"]["title"]
    page1 = (await client.get(S, params={"sort": "newest", "per_page": 2})).json()
    page3 = (await client.get(S, params={"sort": "newest", "per_page": 2, "page": 3})).json()
    assert page1["total"] == 5 and len(page1["hits"]) == 2 and len(page3["hits"]) == 1
    few = (await client.get(S, params={"q": "kubernetes autoscaler"})).json()
    assert few["hits"] == [] and few["suggestion"] == {"generate": True, "prompt": "kubernetes autoscaler"}


async def test_stale_index_never_shows_what_postgres_hides(
    alice: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    ids = await _publish(alice, clean)
    await alice.patch(f"{W}/{ids[0]}", json={"visibility": "private"})
    await alice.delete(f"{W}/{ids[1]}")
    # No relay yet: the index still holds both documents, the answer must not.
    assert {ids[0], ids[1]} <= await clean.search.all_ids()
    shown = {h["workflow"]["id"] for h in (await client.get(S, params={"per_page": 100})).json()["hits"]}
    assert ids[0] not in shown and ids[1] not in shown
    await process_pending({"resources": clean})
    assert await clean.search.all_ids() == set(ids[2:])
    await alice.patch(f"{W}/{ids[2]}", json={"title": "Welcome mail for new members"})
    await process_pending({"resources": clean})
    assert await _titles(client, q="welcome members") == ["Welcome mail for new members"]


async def test_suggest_titles_tags_nodes_users(alice: Account, client: httpx.AsyncClient, clean: Resources) -> None:
    await _publish(alice, clean)
    items = (await client.get("/api/v1/search/suggest", params={"q": "str"})).json()["items"]
    kinds = {(i["kind"], i["text"].lower()) for i in items}
    assert ("tag", "stripe") in kinds
    assert any(k == "title" and t.startswith("stripe") for k, t in kinds)
    users = (await client.get("/api/v1/search/suggest", params={"q": "ali"})).json()["items"]
    assert ("user", "alice") in {(i["kind"], i["text"]) for i in users}
    assert (await client.get("/api/v1/search/suggest", params={"q": ""})).json()["items"] == []


async def test_saved_search_notifies_on_new_match(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    r = await bob.post(
        "/api/v1/me/saved-searches", json={"name": "stripe stuff", "q": "stripe", "filters": {"method": "POST"}}
    )
    assert r.status_code == 201, r.text
    assert_error(await bob.post("/api/v1/me/saved-searches", json={"name": "x", "filters": {"colour": 1}}), 422)
    await _publish(alice, clean)
    notes = (await bob.get("/api/v1/notifications")).json()["items"]
    assert [(n["kind"], n["workflow"]["title"]) for n in notes] == [("saved_search_match", CORPUS[0][0])]
    assert [s["name"] for s in (await bob.get("/api/v1/me/saved-searches")).json()["items"]] == ["stripe stuff"]
    assert (await bob.delete(f"/api/v1/me/saved-searches/{r.json()['id']}")).status_code == 204
    assert_error(await bob.delete(f"/api/v1/me/saved-searches/{r.json()['id']}"), 404)


async def test_query_analytics_for_moderators(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    from sqlalchemy import update

    from blokhub.db.models import User

    await _publish(alice, clean)
    for q in ["stripe", "Stripe ", "kubernetes", "stripe", "kubernetes", "nothing-here"]:
        await client.get(S, params={"q": q})
    async with clean.sessionmaker() as db, db.begin():
        await db.execute(update(User).where(User.username == "bob").values(role="moderator"))
    from blokhub.api.search.services import flush_query_stats
    from blokhub.db.session import session_scope

    async with session_scope(clean.sessionmaker) as db:
        assert await flush_query_stats(clean.redis, db) == 6
    top = (await bob.get("/api/v1/admin/search/queries")).json()["items"]
    assert [(i["query"], i["count"]) for i in top[:2]] == [("stripe", 3), ("kubernetes", 2)]
    zero = (await bob.get("/api/v1/admin/search/queries", params={"zero_results": "true"})).json()["items"]
    assert [i["query"] for i in zero] == ["kubernetes", "nothing-here"]
    assert_error(await alice.get("/api/v1/admin/search/queries"), 403)


async def test_writes_survive_a_broken_engine_and_the_index_converges(
    alice: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    ids = await _publish(alice, clean, CORPUS[:2])
    await clean.search.close()  # the engine is gone: every index call fails from here
    try:
        more = [
            (await alice.post(W, json={"definition": simple(name=f"Written while down {i}")})).json()["id"]
            for i in range(3)
        ]
        await alice.delete(f"{W}/{ids[0]}")
        await process_pending({"resources": clean})  # fails, events stay pending with back-off
        assert_error(await client.get(S, params={"q": "down"}), 503)
    finally:
        await clean.search.open()
    async with clean.sessionmaker() as db, db.begin():
        from sqlalchemy import update

        from blokhub.db.models import OutboxEvent

        await db.execute(update(OutboxEvent).values(available_at=func.now()))  # back-off elapsed
    await process_pending({"resources": clean})
    async with clean.sessionmaker() as db:
        public = set(
            (
                await db.scalars(
                    select(Workflow.id).where(Workflow.visibility == "public", Workflow.deleted_at.is_(None))
                )
            ).all()
        )
    assert await clean.search.all_ids() == public == {ids[1], *more}
