"""Similar workflows, recommendations and hybrid search with the real embedding model and vector index."""

from __future__ import annotations

import copy
from typing import Any

import httpx

from blokhub.outbox.relay import process_pending
from blokhub.runtime.resources import Resources
from tests.api.workflow_helpers import simple
from tests.conftest import Account, assert_error, register

W = "/api/v1/workflows"

CORPUS: list[tuple[str, str, list[str], str]] = [
    (
        "Stripe charge declined to Slack",
        "Post declined Stripe charges to the #billing channel.",
        ["stripe", "slack"],
        "https://api.stripe.com/v1/charges",
    ),
    (
        "Nightly GitHub issues export",
        "Copy new GitHub issues into a Postgres table every night.",
        ["github", "postgres"],
        "https://api.github.com/repos/acme/app/issues",
    ),
    (
        "Weather for the office",
        "Fetch tomorrow's forecast for Berlin from a weather service.",
        ["weather"],
        "https://api.weather.example/forecast",
    ),
    (
        "Summarise support tickets with OpenAI",
        "Turn long Zendesk tickets into three-line summaries.",
        ["openai", "support"],
        "https://api.openai.com/v1/chat/completions",
    ),
    (
        "Welcome email for new users",
        "Send a SendGrid welcome message when someone signs up.",
        ["email", "onboarding"],
        "https://api.sendgrid.com/v3/mail/send",
    ),
    (
        "Backup MongoDB to S3",
        "Dump the orders collection to an S3 bucket every Sunday.",
        ["mongodb", "s3"],
        "https://s3.amazonaws.com/backups",
    ),
    (
        "Notify on new Shopify order",
        "Notify the warehouse Discord when an order is placed.",
        ["shopify", "discord"],
        "https://discord.com/api/webhooks/x",
    ),
    (
        "Daily currency rates",
        "Store the EUR/USD rate in Redis each morning.",
        ["finance", "redis"],
        "https://api.exchangerate.example/latest",
    ),
]


def _doc(title: str, url: str) -> dict[str, Any]:
    doc = copy.deepcopy(simple(name=title, description=""))
    doc["nodes"]["post-to-slack"]["inputs"]["url"] = url
    return doc


async def _publish(account: Account, title: str, description: str, tags: list[str], url: str, **extra: Any) -> int:
    r = await account.post(
        W, json={"definition": _doc(title, url), "title": title, "description": description, "tags": tags, **extra}
    )
    assert r.status_code == 201, r.text
    wid: int = r.json()["id"]
    return wid


async def _relay(resources: Resources) -> None:
    ctx = {"resources": resources}
    await process_pending(ctx)
    await process_pending(ctx, lane="vectors")


async def _corpus(account: Account, resources: Resources) -> list[int]:
    ids = [await _publish(account, *row) for row in CORPUS]
    await _relay(resources)
    return ids


async def test_paraphrase_is_similar_and_clones_collapse(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    ids = await _corpus(alice, clean)
    paraphrase = await _publish(
        bob,
        "Alert finance chat about failed card payments",
        "When a card payment is refused, tell the billing room.",
        ["payments"],
        "https://api.stripe.com/v1/charges",
    )
    clones = [
        await _publish(
            bob,
            "Weather for the office",
            "Fetch tomorrow's forecast for Berlin from a weather service.",
            ["weather"],
            "https://api.weather.example/forecast",
        )
        for _ in range(2)
    ]
    await _relay(clean)
    similar = (await client.get(f"{W}/{ids[0]}/similar")).json()["items"]
    top3 = [i["workflow"]["id"] for i in similar[:3]]
    assert paraphrase in top3, [i["workflow"]["title"] for i in similar]
    assert all(i["reason"] for i in similar)
    listed = [i["workflow"]["id"] for i in similar]
    assert ids[0] not in listed
    weather_like = [w for w in listed if w in {ids[2], *clones}]
    assert len(weather_like) <= 1  # the original and its two clones show up once at most
    assert_error(await client.get(f"{W}/99999/similar"), 404)


async def test_similar_to_a_private_workflow_is_for_its_owner_only(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    ids = await _corpus(alice, clean)
    title, description, tags, url = CORPUS[0]
    secret = await _publish(bob, title + " (draft)", description, tags, url, visibility="private")
    await _relay(clean)  # private: never in the vector index, so its similar list embeds it on the spot
    assert_error(await client.get(f"{W}/{secret}/similar"), 404)
    assert_error(await alice.get(f"{W}/{secret}/similar"), 404)
    mine = (await bob.get(f"{W}/{secret}/similar")).json()["items"]
    assert mine and mine[0]["workflow"]["id"] == ids[0]  # the public workflow it was written from
    assert secret not in [i["workflow"]["id"] for i in mine]


async def test_later_copies_fold_into_the_original_and_the_original_shows_on_a_copy(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    ids = await _corpus(alice, clean)
    title, description, tags, _ = CORPUS[1]
    # Same words, another endpoint: a different definition (hash), the same meaning (cosine ~1).
    copy = await _publish(bob, title, description, tags, "https://api.github.com/repos/bob/app/issues")
    await _relay(clean)
    on_original = [i["workflow"]["id"] for i in (await client.get(f"{W}/{ids[1]}/similar")).json()["items"]]
    assert on_original and copy not in on_original  # a later copy of the page's workflow is that workflow
    on_copy = [i["workflow"]["id"] for i in (await client.get(f"{W}/{copy}/similar")).json()["items"]]
    assert on_copy[0] == ids[1]  # the original it copies comes first
    await alice.put(f"{W}/{ids[0]}/favorite")  # alice's own corpus is excluded anyway; bob's copy is a copy of hers
    await _relay(clean)
    recommended = [i["workflow"]["id"] for i in (await alice.get("/api/v1/recommendations")).json()["items"]]
    assert copy not in recommended  # a copy of her own workflow is not a discovery


async def test_hybrid_finds_meaning_without_shared_words(
    alice: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    ids = await _corpus(alice, clean)
    query = "notify my team when a payment fails"
    keyword = (await client.get("/api/v1/search/workflows", params={"q": query})).json()
    assert ids[0] not in [h["workflow"]["id"] for h in keyword["hits"][:5]]
    hybrid = (
        await client.get("/api/v1/search/workflows", params={"q": query, "semantic_ratio": 0.7, "facets": "tags"})
    ).json()
    assert ids[0] in [h["workflow"]["id"] for h in hybrid["hits"][:5]]
    assert hybrid["facets"]["tags"]  # facets still apply to the fused result
    filtered = (
        await client.get("/api/v1/search/workflows", params={"q": query, "semantic_ratio": 0.7, "tags": "weather"})
    ).json()
    assert {h["workflow"]["id"] for h in filtered["hits"]} <= {ids[2]}


async def test_recommendations_learn_and_never_show_own_private_or_favorited(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    ids = await _corpus(alice, clean)
    secret = await _publish(
        alice,
        "Failed charge pager",
        "Page on-call when Stripe declines a charge.",
        ["stripe"],
        "https://api.stripe.com/v1/charges",
        visibility="private",
    )
    mine = await _publish(
        bob,
        "My Stripe refunds to Slack",
        "Refunds posted to Slack.",
        ["stripe", "slack"],
        "https://api.stripe.com/v1/refunds",
    )
    await _relay(clean)
    cold = (await bob.get("/api/v1/recommendations")).json()["items"]
    assert cold and all(i["workflow"]["owner"]["username"] != "bob" for i in cold)  # own work only teaches
    await bob.put(f"{W}/{ids[0]}/favorite")
    await bob.put(f"{W}/{ids[6]}/rating", json={"stars": 1})
    await _relay(clean)
    items = (await bob.get("/api/v1/recommendations")).json()["items"]
    shown = {i["workflow"]["id"] for i in items}
    assert shown and not shown & {ids[0], secret, mine, ids[6]}
    favorite_title = (await client.get(f"{W}/{ids[0]}")).json()["title"]
    honest = {f"because you favorited “{favorite_title}”", "because you published “My Stripe refunds to Slack”"}
    assert {i["reason"] for i in items} <= honest  # each names the one of bob's choices it is closest to
    assert_error(await client.get("/api/v1/recommendations"), 401)


async def test_vector_index_converges_with_postgres(
    alice: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    ids = await _corpus(alice, clean)
    await alice.patch(f"{W}/{ids[1]}", json={"visibility": "private"})
    await alice.delete(f"{W}/{ids[2]}")
    carol = await register(client, "carol")
    fresh = await _publish(
        carol,
        "Post Jira tickets to Teams",
        "New Jira issues go to Microsoft Teams.",
        ["jira", "teams"],
        "https://acme.atlassian.net/rest/api/3/search",
    )
    await process_pending({"resources": clean})  # the keyword lane alone does not touch vectors
    assert fresh not in await clean.vectors.all_ids()
    await process_pending({"resources": clean}, lane="vectors")
    assert await clean.vectors.all_ids() == {*ids, fresh} - {ids[1], ids[2]}


async def test_own_work_copies_and_forks_of_it_are_never_recommended_or_similar(
    alice: Account, bob: Account, client: httpx.AsyncClient, clean: Resources
) -> None:
    """Issue 13.9: recommendations and similar leave out the user's own work, copies of it and forks of it (at any
    depth); similar leaves out the owner's own re-import of the workflow."""
    ids = await _corpus(alice, clean)
    carol, dave, erin = [await register(client, n) for n in ("carol", "dave", "erin")]
    mine = await _publish(bob, *CORPUS[0][:3], "https://api.stripe.com/v1/refunds")
    fork = (await carol.post(f"{W}/{mine}/fork")).json()["id"]
    fork_of_fork = (await dave.post(f"{W}/{fork}/fork")).json()["id"]
    changed = _doc("Stripe refunds, louder", "https://api.stripe.com/v1/refunds?loud=1")
    assert (await dave.patch(f"{W}/{fork_of_fork}", json={"definition": changed})).status_code == 200
    same_file = _doc(CORPUS[0][0], "https://api.stripe.com/v1/refunds")  # bob's file, posted again by erin
    duplicate = (await erin.post(W, json={"definition": same_file, "title": "Refund alerts"})).json()["id"]
    theirs = {fork, fork_of_fork, duplicate}
    await bob.put(f"{W}/{ids[0]}/favorite")
    await _relay(clean)
    recommended = {
        i["workflow"]["id"] for i in (await bob.get("/api/v1/recommendations", params={"limit": 50})).json()["items"]
    }
    assert recommended and not recommended & (theirs | {mine})
    # others still get them: they are only left out for bob
    assert theirs & {
        i["workflow"]["id"] for i in (await alice.get(f"{W}/{ids[0]}/similar", params={"limit": 50})).json()["items"]
    }
    on_his_favorite = {
        i["workflow"]["id"] for i in (await bob.get(f"{W}/{ids[0]}/similar", params={"limit": 50})).json()["items"]
    }
    assert not on_his_favorite & (theirs | {mine})
    # alice re-imports one of her workflows: on the re-import's page, her original is not "similar"
    title, description, tags, url = CORPUS[1]
    again = await _publish(alice, title + " (again)", description, tags, url)
    await _relay(clean)
    on_reimport = [i["workflow"]["id"] for i in (await client.get(f"{W}/{again}/similar")).json()["items"]]
    assert on_reimport and ids[1] not in on_reimport


async def test_every_badly_rated_workflow_stays_out_though_the_query_takes_the_latest_few(
    alice: Account, bob: Account, clean: Resources
) -> None:
    """The recommend query takes the user's most recent choices only (see for_you.QUERY_NEGATIVES); an older
    low rating must still keep its workflow out, even one close to what the user likes."""
    ids = await _corpus(alice, clean)
    like_the_favorite = [
        await _publish(alice, title, description, ["stripe", "slack"], url)
        for title, description, url in [
            (
                "Stripe refunds to the finance channel",
                "Tell finance on Slack about each Stripe refund.",
                "https://api.stripe.com/v1/refunds",
            ),
            (
                "Stripe disputes to Slack",
                "Post new Stripe disputes to the #risk channel.",
                "https://api.stripe.com/v1/disputes",
            ),
            (
                "Stripe payouts to Slack",
                "Announce each Stripe payout in #finance.",
                "https://api.stripe.com/v1/payouts",
            ),
        ]
    ]
    await bob.put(f"{W}/{ids[0]}/favorite")
    old, recent = like_the_favorite[:2], ids[2:7]  # the old ones fall outside the query's latest four negatives
    for wid in [*old, *recent]:
        assert (await bob.put(f"{W}/{wid}/rating", json={"stars": 1})).status_code == 200
    await _relay(clean)
    items = (await bob.get("/api/v1/recommendations")).json()["items"]
    shown = {i["workflow"]["id"] for i in items}
    assert like_the_favorite[2] in shown and all(i["reason"].startswith("because you favorited") for i in items)
    assert not shown & {*old, *recent}
