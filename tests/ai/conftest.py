"""Fixtures for the AI tests: one fake OpenAI-compatible server per session, reset for every test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from blokhub.ai import LLMClient, LLMConfig
from tests.ai.fake_openai import FakeOpenAI


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake(fake_server: FakeOpenAI) -> FakeOpenAI:
    fake_server.reset()
    return fake_server


@pytest.fixture
async def make_llm(fake: FakeOpenAI) -> AsyncIterator[Callable[..., LLMClient]]:
    """LLM clients pointed at the fake server, with short timeouts and backoff so failure tests run fast."""
    made: list[LLMClient] = []

    def build(**overrides: Any) -> LLMClient:
        settings: dict[str, Any] = {
            "api_key": "test-key",
            "base_url": fake.base_url,
            "model": "fake-model",
            "timeout": 1.0,
            "backoff_base": 0.01,
            "backoff_max": 0.05,
            "retry_after_max": 2.0,
            "deadline": 10.0,
        }
        settings.update(overrides)
        client = LLMClient(LLMConfig(**settings))
        made.append(client)
        return client

    yield build
    for client in made:
        await client.aclose()
