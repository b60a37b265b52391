"""The model path speaks the real protocol: json_schema output, search tool calls, streamed answers, repairs."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from blokhub.ai import GroundingExample, LLMClient, generate
from blokhub.ai.llm_stream import ExplanationStream
from blokhub.ai.prompts import DRAFT_SCHEMA, SEARCH_TOOL
from tests.ai.fake_openai import FakeOpenAI, reply, tool_calls
from tests.ai.test_generate import GOOD, REQUEST, answer, variant

MakeLLM = Callable[..., LLMClient]
EXAMPLE = GroundingExample(id=42, title="Stripe failures to Slack", definition=variant(name="Stripe failures"))


async def test_the_draft_is_asked_for_with_the_json_schema(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    fake.queue(reply(answer(GOOD)))
    result = await generate(REQUEST, llm=make_llm())
    assert result.provider == "openai"
    response_format = fake.requests[0]["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] and response_format["json_schema"]["schema"] == DRAFT_SCHEMA
    assert list(DRAFT_SCHEMA["properties"]) == ["explanation", "workflow"]  # explanation first: it can stream


async def test_the_model_grounds_itself_with_the_search_tool(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    queries: list[str] = []

    async def search(query: str) -> list[GroundingExample]:
        queries.append(query)
        return [EXAMPLE]

    fake.queue(tool_calls(("search_workflows", {"query": "failed stripe payments to slack"})), reply(answer(GOOD)))
    result = await generate(REQUEST, llm=make_llm(), search=search)
    assert queries == ["failed stripe payments to slack"]
    assert result.provider == "openai" and result.workflow == GOOD and result.repairs == 0
    assert result.grounded_on == [42]  # what the tool found is credited like grounding
    first, second = fake.requests
    assert first["tools"] == [SEARCH_TOOL]
    assistant, tool = second["messages"][-2:]
    assert assistant["tool_calls"][0]["function"]["name"] == "search_workflows"
    assert tool["role"] == "tool" and tool["tool_call_id"] == assistant["tool_calls"][0]["id"]
    found = json.loads(tool["content"])["results"]
    assert [r["id"] for r in found] == [42] and "Stripe failures" in found[0]["definition"]
    assert result.usage.total_tokens == 110 + 200  # the tool round is paid for too


async def test_tool_rounds_are_bounded_and_bad_arguments_are_answered(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    async def search(query: str) -> list[GroundingExample]:
        return []

    fake.queue(
        tool_calls(("search_workflows", "{not json")),
        tool_calls(("delete_everything", {"query": "x"})),
        reply(answer(GOOD)),
    )
    result = await generate(REQUEST, llm=make_llm(), search=search)
    assert result.provider == "openai"
    errors = [json.loads(m["content"]) for m in fake.requests[2]["messages"] if m["role"] == "tool"]
    assert "query" in errors[0]["error"] and "unknown tool" in errors[1]["error"]
    assert "tools" not in fake.requests[2]  # after two rounds the model must answer


async def test_streamed_answer_passes_the_explanation_on_as_it_is_written(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    async def search(query: str) -> list[GroundingExample]:
        return [EXAMPLE]

    explanation = 'Lists "countries" every day.\nThen it answers.'
    body = json.dumps({"explanation": explanation, "workflow": GOOD})
    fake.queue(tool_calls(("search_workflows", {"query": "countries"})), reply(body))
    pieces: list[str] = []
    result = await generate(REQUEST, llm=make_llm(), search=search, on_text=pieces.append)
    assert all(r.get("stream") is True for r in fake.requests)  # both calls streamed, tool call in fragments
    assert len(pieces) > 1 and "".join(pieces) == explanation == result.explanation
    assert result.grounded_on == [42] and result.workflow == GOOD


async def test_validator_errors_go_back_for_repair(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    reads_body = variant(trigger={"cron": {"schedule": "0 * * * *", "timezone": "UTC"}})
    reads_body["nodes"]["get-countries"]["inputs"]["url"] = "https://example.com/${ctx.request.body.country}"
    fake.queue(reply(answer(reads_body)), reply(answer(GOOD)))
    result = await generate(REQUEST, llm=make_llm())
    assert result.repairs == 1 and result.workflow == GOOD
    repair = fake.requests[1]["messages"][-1]["content"]
    assert "ctx.request.body" in repair and "cron" in repair  # the data-flow finding, word for word


def test_explanation_stream_decodes_escapes_split_across_deltas() -> None:
    reader = ExplanationStream()
    text = json.dumps({"explanation": 'a "quoted" line\nnext ü \\ end', "workflow": {"explanation": "no"}})
    out = "".join(reader.feed(text[i : i + 3]) for i in range(0, len(text), 3))
    assert out == 'a "quoted" line\nnext ü \\ end'


def test_the_fake_server_refuses_what_a_real_one_refuses(fake: FakeOpenAI) -> None:
    import httpx

    orphan: dict[str, Any] = {
        "model": "m",
        "messages": [{"role": "tool", "tool_call_id": "call_x", "content": "{}"}],
    }
    r = httpx.post(fake.base_url + "/chat/completions", json=orphan)
    assert r.status_code == 400 and "tool_calls" in r.json()["error"]["message"]
    bad_format = {"model": "m", "messages": [], "response_format": {"type": "json_schema", "json_schema": {}}}
    assert httpx.post(fake.base_url + "/chat/completions", json=bad_format).status_code == 400


async def test_a_server_without_json_schema_is_asked_for_json_object(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    from tests.ai.fake_openai import status

    fake.queue(status(400), reply(answer(GOOD)), reply(answer(GOOD)))
    llm = make_llm()
    first = await generate(REQUEST, llm=llm)
    second = await generate(REQUEST, llm=llm)
    assert first.provider == second.provider == "openai"
    formats = [r["response_format"]["type"] for r in fake.requests]
    assert formats == ["json_schema", "json_object", "json_object"]  # asked once, remembered
