"""The LLM client against a local OpenAI-compatible server: retries, backoff, timeouts, breaker, streaming."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from blokhub.ai import CircuitBreaker, LLMClient, LLMError, LLMUnavailable, Usage
from blokhub.ai.prompts import ENVELOPE_SCHEMA
from tests.ai.fake_openai import FakeOpenAI, hang, reply, status, stream

MESSAGES = [{"role": "system", "content": "sys"}, {"role": "user", "content": "hi"}]
MakeLLM = Callable[..., LLMClient]


async def test_a_plain_call_sends_max_tokens_and_asks_for_json(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    fake.queue(reply({"ok": True}, usage=(11, 7)))
    llm = make_llm(max_tokens=321)
    completion = await llm.complete_json(MESSAGES)
    assert completion.text == '{"ok": true}' and completion.finish_reason == "stop"
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens, completion.usage.total_tokens) == (
        11,
        7,
        18,
    )
    request = fake.requests[0]
    assert request["max_tokens"] == 321 and request["response_format"] == {"type": "json_object"}
    assert request["_headers"]["authorization"] == "Bearer test-key"


async def test_json_schema_mode_and_plain_mode(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    await make_llm(json_mode="json_schema").complete_json(MESSAGES, schema=ENVELOPE_SCHEMA)
    await make_llm(json_mode="none").complete_json(MESSAGES)
    schema_format = fake.requests[0]["response_format"]
    assert schema_format["type"] == "json_schema" and schema_format["json_schema"]["schema"] == ENVELOPE_SCHEMA
    assert "response_format" not in fake.requests[1] and fake.requests[1]["max_tokens"] == 2000


async def test_429_honours_retry_after_then_succeeds(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    fake.queue(status(429, headers={"Retry-After": "0.4"}), reply("{}"))
    llm = make_llm()
    started = time.monotonic()
    await llm.complete_json(MESSAGES)
    assert time.monotonic() - started >= 0.4
    assert len(fake.requests) == 2 and llm.attempts == 2
    assert llm.breaker.consecutive_failures == 0


async def test_a_retry_after_beyond_the_cap_gives_up_at_once(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    fake.queue(status(429, headers={"Retry-After": "120"}))
    started = time.monotonic()
    with pytest.raises(LLMError) as caught:
        await make_llm().complete_json(MESSAGES)
    assert caught.value.kind == "rate_limited" and caught.value.retry_after == 120
    assert len(fake.requests) == 1 and time.monotonic() - started < 1


async def test_5xx_is_retried_with_backoff(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    fake.queue(status(500), status(503), reply("{}"))
    delays: list[float] = []

    async def record(seconds: float) -> None:
        delays.append(seconds)

    llm = make_llm(backoff_base=0.1, backoff_max=1.0)
    llm._sleep = record  # observe the backoff without waiting for it
    await llm.complete_json(MESSAGES)
    assert len(fake.requests) == 3
    assert 0.05 <= delays[0] <= 0.1 and 0.1 <= delays[1] <= 0.2  # exponential, with equal jitter


async def test_attempts_are_bounded(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    fake.queue(status(500), status(500), status(500), status(500))
    llm = make_llm(max_attempts=3)
    with pytest.raises(LLMError) as caught:
        await llm.complete_json(MESSAGES)
    assert caught.value.kind == "server_error" and caught.value.status == 500
    assert len(fake.requests) == 3 and llm.breaker.consecutive_failures == 1


async def test_a_hang_past_the_timeout_is_a_timeout(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    fake.queue(hang(3.0))
    llm = make_llm(timeout=0.3, max_attempts=1)
    started = time.monotonic()
    with pytest.raises(LLMError) as caught:
        await llm.complete_json(MESSAGES)
    assert caught.value.kind == "timeout" and time.monotonic() - started < 2


async def test_a_timeout_is_retried(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    fake.queue(hang(2.0), reply('{"second": true}'))
    completion = await make_llm(timeout=0.3, max_attempts=2).complete_json(MESSAGES)
    assert completion.text == '{"second": true}'


async def test_a_bad_request_is_not_retried_and_does_not_trip_the_breaker(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    fake.queue(status(400))
    llm = make_llm()
    with pytest.raises(LLMError) as caught:
        await llm.complete_json(MESSAGES)
    assert caught.value.kind == "bad_request" and len(fake.requests) == 1
    assert llm.breaker.consecutive_failures == 0


async def test_breaker_opens_after_n_failures_and_closes_after_t(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    llm = make_llm(max_attempts=1, breaker_failures=2, breaker_reset=0.5)
    fake.queue(status(500), status(502))
    for _ in range(2):
        with pytest.raises(LLMError):
            await llm.complete_json(MESSAGES)
    assert llm.breaker.state == "open" and not llm.available
    with pytest.raises(LLMUnavailable):
        await llm.complete_json(MESSAGES)
    assert len(fake.requests) == 2  # no request while open
    await asyncio.sleep(0.55)
    assert llm.breaker.state == "half_open" and llm.available
    fake.queue(reply("{}"))
    await llm.complete_json(MESSAGES)
    assert llm.breaker.state == "closed" and len(fake.requests) == 3


def test_half_open_lets_one_trial_through_and_reopens_on_failure() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=1, reset_seconds=10, clock=lambda: now[0])
    breaker.record_failure()
    assert breaker.state == "open" and not breaker.allow()
    now[0] = 10.0
    assert breaker.allow() and not breaker.allow()  # one trial at a time
    breaker.record_failure()
    assert breaker.state == "open"
    now[0] = 25.0
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state == "closed" and breaker.allow()


async def test_stream_text_yields_deltas_in_order_and_counts_usage(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    fake.queue(stream(["Hel", "lo, ", "Blok", "!"], usage=(21, 4)))
    llm = make_llm(max_tokens=64)
    usage = Usage()
    deltas = [delta async for delta in llm.stream_text(MESSAGES, usage=usage)]
    assert deltas == ["Hel", "lo, ", "Blok", "!"]
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (21, 4, 25)
    assert llm.usage.total_tokens == 25
    request = fake.requests[0]
    assert request["stream"] is True and request["max_tokens"] == 64
    assert request["stream_options"] == {"include_usage": True}


async def test_stream_retries_before_the_first_delta(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    fake.queue(status(503), stream(["ok"]))
    deltas = [delta async for delta in make_llm(stream_usage=False).stream_text(MESSAGES)]
    assert deltas == ["ok"] and len(fake.requests) == 2
    assert "stream_options" not in fake.requests[1]


async def test_first_streamed_chunk_arrives_before_the_stream_ends(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    fake.queue(stream(["a", "b", "c", "d"], chunk_delay=0.2))
    started = time.monotonic()
    stamps = []
    async for _delta in make_llm().stream_text(MESSAGES):
        stamps.append(time.monotonic() - started)
    # Deltas are handed on as they arrive, not at the end: the server sleeps 0.2 s between chunks, so the first
    # delta must come at least those three sleeps before the last (load can only widen the gap, never close it).
    assert len(stamps) == 4 and stamps[-1] - stamps[0] >= 0.55


async def test_usage_accumulates_across_calls(fake: FakeOpenAI, make_llm: MakeLLM) -> None:
    fake.queue(reply("{}", usage=(10, 5)), reply("{}", usage=(20, 5)))
    llm = make_llm()
    await llm.complete_json(MESSAGES)
    await llm.complete_json(MESSAGES)
    assert llm.usage.total_tokens == 40 and llm.attempts == 2
