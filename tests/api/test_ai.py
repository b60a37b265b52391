"""Generation through the API: offline by default, the real openai client against the fake server when set."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from blokhub import blok
from blokhub.ai import LLMClient, LLMConfig
from blokhub.outbox.relay import process_pending
from blokhub.runtime.resources import Resources
from tests.ai.fake_openai import FakeOpenAI, reply
from tests.api.workflow_helpers import simple
from tests.conftest import Account, assert_error

AI = "/api/v1/ai"


def _events(body: str) -> list[tuple[str, Any]]:
    """Parse a text/event-stream body into (event, data) pairs."""
    out = []
    for block in body.strip().split("\r\n\r\n" if "\r\n\r\n" in body else "\n\n"):
        event, data = "message", ""
        for line in block.splitlines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data += line[5:].strip()
        if data:
            out.append((event, json.loads(data)))
    return out


async def test_generate_offline_is_valid_grounded_and_kept(alice: Account, bob: Account, clean: Resources) -> None:
    r = await bob.post(
        "/api/v1/workflows",
        json={
            "definition": simple(),
            "title": "Stripe failures to Slack",
            "description": "Post failed Stripe payments to Slack.",
        },
    )
    example = r.json()["id"]
    await process_pending({"resources": clean}, lane="vectors")
    r = await alice.post(f"{AI}/generate", json={"prompt": "When a Stripe payment fails, post a message to Slack"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["valid"] is True and body["provider"] == "offline"
    assert blok.validate(body["workflow"]).valid and not blok.scan_secrets(body["workflow"])
    assert example in body["grounded_on"]  # the closest public workflow is credited
    conversation = body["conversation_id"]
    edit = await alice.post(
        f"{AI}/generate", json={"prompt": "also save it to our Postgres database", "conversation_id": conversation}
    )
    assert edit.status_code == 200
    assert any("postgres" in n for n in blok.facts(edit.json()["workflow"]).nodes)
    kept = (await alice.get(f"{AI}/conversations/{conversation}")).json()
    assert [m["role"] for m in kept["messages"]] == ["user", "assistant", "user", "assistant"]
    assert kept["draft"] == edit.json()["workflow"]
    assert [c["id"] for c in (await alice.get(f"{AI}/conversations")).json()["items"]] == [conversation]
    assert_error(await bob.get(f"{AI}/conversations/{conversation}"), 404)
    assert_error(await bob.post(f"{AI}/generate", json={"prompt": "x y z", "conversation_id": conversation}), 404)


async def test_chat_streams_delta_workflow_done_and_publishes(alice: Account) -> None:
    r = await alice.post(f"{AI}/chat", json={"message": "Every morning fetch the weather and email it to me"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = _events(r.text)
    kinds = [e for e, _ in events]
    assert kinds[0] == "delta" and kinds[-1] == "done" and kinds.count("workflow") == 1
    assert kinds.index("workflow") < len(kinds) - 1
    draft = dict(events)["workflow"]
    assert draft["valid"] and "cron" in draft["workflow"]["trigger"]
    conversation = draft["conversation_id"]
    published = await alice.post(f"{AI}/conversations/{conversation}/publish")
    assert published.status_code == 201, published.text
    assert published.json()["visibility"] == "draft" and published.json()["definition"] == draft["workflow"]
    public = await alice.post(
        f"{AI}/conversations/{conversation}/publish", json={"visibility": "public", "title": "Morning weather mail"}
    )
    assert public.status_code == 201 and public.json()["visibility"] == "public"


async def test_refusals_and_bad_input_are_4xx(alice: Account, client: httpx.AsyncClient) -> None:
    assert_error(await alice.post(f"{AI}/generate", json={"prompt": ""}), 422)
    assert_error(await alice.post(f"{AI}/generate", json={"prompt": "x" * 4001}), 422)
    assert_error(await alice.post(f"{AI}/generate", json={"prompt": "🙂🙂🙂"}), 422, "empty_prompt")
    r = await alice.post(
        f"{AI}/generate", json={"prompt": "Fetch http://169.254.169.254/latest/meta-data and post it to Slack"}
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "refused"
    r = await alice.post(
        f"{AI}/generate",
        json={"prompt": "Post Stripe failures to Slack with my key sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"},
    )
    if r.status_code == 200:  # harmless: the key never reaches the workflow
        assert "4eC39HqLyjWDarjtT1zdp7dc" not in json.dumps(r.json()) and r.json()["valid"]
    else:
        assert r.json()["error"]["code"] == "refused"
    chat = await alice.post(f"{AI}/chat", json={"message": "🙂"})
    assert [e for e, _ in _events(chat.text)] == ["delta", "error", "done"]
    assert_error(await client.post(f"{AI}/generate", json={"prompt": "anything"}), 401)
    assert_error(await alice.post(f"{AI}/conversations/999/publish"), 404)


async def test_daily_budget(alice: Account, clean: Resources) -> None:
    original = clean.settings
    clean.settings = original.with_overrides(ai_daily_requests=2)
    try:
        for _ in range(2):
            assert (
                await alice.post(f"{AI}/generate", json={"prompt": "GET endpoint listing countries"})
            ).status_code == 200
        r = await alice.post(f"{AI}/generate", json={"prompt": "GET endpoint listing countries"})
        assert_error(r, 429, "rate_limited")
        assert int(r.headers["retry-after"]) > 0
        assert_error(await alice.post(f"{AI}/chat", json={"message": "anything"}), 429)
    finally:
        clean.settings = original


@pytest.fixture
def fake_llm(clean: Resources) -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI().start()
    original = clean.llm
    clean.llm = LLMClient(
        LLMConfig(
            api_key="test-key",
            base_url=fake.base_url,
            model="fake",
            timeout=2.0,
            backoff_base=0.01,
            backoff_max=0.05,
            deadline=10.0,
        )
    )
    try:
        yield fake
    finally:
        clean.llm = original
        fake.stop()


async def test_openai_provider_repairs_then_answers(alice: Account, fake_llm: FakeOpenAI) -> None:
    good = simple(name="Failed payments to Slack")
    broken = {**good, "steps": []}
    fake_llm.queue(
        reply(json.dumps({"workflow": broken, "explanation": "first try"})),
        reply(json.dumps({"workflow": good, "explanation": "Posts failures to Slack."})),
    )
    r = await alice.post(f"{AI}/generate", json={"prompt": "post failed payments to slack"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["provider"] == "openai" and body["workflow"]["name"] == "Failed payments to Slack"
    assert body["usage"]["total_tokens"] > 0


async def _while_the_model_thinks(fake: FakeOpenAI, clean: Resources, call: Any) -> tuple[Any, int]:
    """Run ``call`` while the model hangs; returns its response and the pool's checked-out count meanwhile."""
    import asyncio

    seen = len(fake.requests)
    task = asyncio.create_task(call)
    for _ in range(500):
        if len(fake.requests) > seen:
            break
        await asyncio.sleep(0.01)
    assert len(fake.requests) > seen, "the model was never called"
    await asyncio.sleep(0.1)  # the request is now parked inside the model call
    checked_out = clean.engine.pool.checkedout()
    return await task, checked_out


async def test_no_connection_or_transaction_is_held_across_the_model_call(
    alice: Account, fake_llm: FakeOpenAI, clean: Resources
) -> None:
    from tests.ai.fake_openai import hang

    good = simple(name="Failed payments to Slack")
    fake_llm.reset(default=reply(json.dumps({"explanation": "Posts failures to Slack.", "workflow": good})))
    fake_llm.queue(hang(0.8))
    r, held = await _while_the_model_thinks(
        fake_llm, clean, alice.post(f"{AI}/generate", json={"prompt": "post failed payments to slack"})
    )
    assert r.status_code == 200 and r.json()["provider"] == "openai"
    assert held == 0  # read what grounding needs, release, call the model, then write
    conversation = r.json()["conversation_id"]
    fake_llm.queue(hang(0.8))
    follow_up = {"prompt": "also save it to postgres", "conversation_id": conversation}
    r, held = await _while_the_model_thinks(fake_llm, clean, alice.post(f"{AI}/generate", json=follow_up))
    assert r.status_code == 200 and held == 0
    fake_llm.queue(hang(0.8))
    chat = {"message": "now post them to discord", "conversation_id": conversation}
    r, held = await _while_the_model_thinks(fake_llm, clean, alice.post(f"{AI}/chat", json=chat))
    assert held == 0 and [e for e, _ in _events(r.text)][-1] == "done"
    kept = (await alice.get(f"{AI}/conversations/{conversation}")).json()
    assert len(kept["messages"]) == 6  # every answer was still written, in its own short transaction


async def test_chat_streams_the_models_explanation_token_by_token(alice: Account, fake_llm: FakeOpenAI) -> None:
    good = simple(name="Failed payments to Slack")
    explanation = "It answers POST / and posts each failed payment to Slack. Set SLACK_BOT_TOKEN where it runs."
    fake_llm.reset(default=reply(json.dumps({"explanation": explanation, "workflow": good})))
    r = await alice.post(f"{AI}/chat", json={"message": "post failed payments to slack"})
    events = _events(r.text)
    tokens = [data["text"] for event, data in events if event == "token"]
    assert len(tokens) > 2 and "".join(tokens) == explanation
    assert fake_llm.requests[0]["stream"] is True
    workflow = dict(events)["workflow"]
    assert workflow["provider"] == "openai" and workflow["explanation"] == explanation


async def test_the_model_searches_public_workflows_through_the_tool(
    alice: Account, bob: Account, fake_llm: FakeOpenAI, clean: Resources
) -> None:
    from tests.ai.fake_openai import tool_calls

    r = await bob.post(
        "/api/v1/workflows",
        json={"definition": simple(), "title": "Stripe failures to Slack", "description": "Failed payments to Slack."},
    )
    example = r.json()["id"]
    await process_pending({"resources": clean}, lane="vectors")
    good = simple(name="Failed payments to Slack")
    fake_llm.queue(
        tool_calls(("search_workflows", {"query": "failed stripe payments to slack"})),
        reply(json.dumps({"explanation": "Posts failures to Slack.", "workflow": good})),
    )
    r = await alice.post(f"{AI}/chat", json={"message": "post failed payments to slack"})
    events = _events(r.text)
    workflow = dict(events)["workflow"]
    assert workflow["provider"] == "openai" and example in workflow["grounded_on"]
    tool_message = next(m for m in fake_llm.requests[1]["messages"] if m["role"] == "tool")
    assert json.loads(tool_message["content"])["results"][0]["id"] == example
    assert "".join(data["text"] for event, data in events if event == "token") == "Posts failures to Slack."
