"""The one LLM client: ``openai.AsyncOpenAI`` with our own retries, backoff, a deadline and a circuit breaker.

Build it once per process with :func:`create_llm_client` (app lifespan / worker startup) and inject it; the
openai client keeps a connection pool. The SDK's own retries are off (``max_retries=0``): we retry here so one
policy covers backoff, Retry-After, the overall deadline and the breaker.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar, cast

import openai
from openai import AsyncStream
from openai.types.chat import ChatCompletionChunk

from blokhub.ai.breaker import CircuitBreaker
from blokhub.ai.llm_errors import LLMError, LLMUnavailable, classify
from blokhub.ai.llm_stream import StreamAssembly, ToolCall
from blokhub.ai.schemas import Usage
from blokhub.config import Settings

JsonMode = Literal["json_schema", "json_object", "none"]
T = TypeVar("T")
Message = dict[str, Any]


@dataclass(frozen=True, slots=True)
class LLMConfig:
    api_key: str
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    timeout: float = 20.0  # seconds per HTTP request (connect + each read)
    max_tokens: int = 2_000  # sent on every call: output is never unbounded (denial of wallet)
    temperature: float = 0.2
    # OpenAI-compatible servers differ: json_schema (OpenAI, vLLM), json_object (most), none (plain chat).
    json_mode: JsonMode = "json_schema"
    max_attempts: int = 3  # per call, the first included
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    retry_after_max: float = 10.0  # a longer Retry-After means "not now": give up and let the caller fall back
    deadline: float = 45.0  # all attempts of one call together
    breaker_failures: int = 5
    breaker_reset: float = 30.0
    stream_usage: bool = True  # ask for a usage chunk at the end of a stream (stream_options.include_usage)

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> LLMConfig | None:
        """None without an API key: the caller then uses the offline generator."""
        if not settings.openai_api_key:
            return None
        base = cls(api_key=settings.openai_api_key, base_url=settings.openai_base_url, model=settings.openai_model)
        return replace(base, **overrides)


@dataclass(slots=True)
class Completion:
    text: str
    finish_reason: str  # "stop", "length" (truncated), "content_filter", ...
    usage: Usage = field(default_factory=Usage)
    tool_calls: list[ToolCall] = field(default_factory=list)


def create_llm_client(settings: Settings, **overrides: Any) -> LLMClient | None:
    config = LLMConfig.from_settings(settings, **overrides)
    return LLMClient(config) if config is not None else None


class LLMClient:
    def __init__(
        self,
        config: LLMConfig,
        *,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self.breaker = breaker or CircuitBreaker(config.breaker_failures, config.breaker_reset)
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._client = openai.AsyncOpenAI(
            api_key=config.api_key, base_url=config.base_url, timeout=config.timeout, max_retries=0
        )
        self.usage = Usage()  # everything this process spent, for metrics
        self.schema_refused = False  # the server answered 400 to json_schema once: ask for json_object from then on
        self.attempts = 0  # HTTP requests sent, retries included

    @property
    def available(self) -> bool:
        return self.breaker.state != "open"

    async def aclose(self) -> None:
        await self._client.close()

    def _response_format(self, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        if self.config.json_mode == "json_schema" and schema is not None and not self.schema_refused:
            return {
                "type": "json_schema",
                "json_schema": {"name": "blok_workflow_draft", "schema": schema, "strict": False},
            }
        if self.config.json_mode in ("json_object", "json_schema"):
            return {"type": "json_object"}
        return None

    async def complete_json(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        schema: dict[str, Any] | None = None,
        tools: list[dict[str, Any]] | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> Completion:
        """One chat completion that asks for JSON; the text is returned as is (the caller parses and checks it).

        ``tools`` are offered to the model (its tool calls come back in ``Completion.tool_calls``); with ``on_text``
        the answer is streamed and every content delta is passed on as it arrives. A server that refuses
        ``json_schema`` with a 400 is asked again with ``json_object``, and from then on."""
        try:
            return await self._complete(messages, max_tokens, schema, tools, on_text)
        except LLMError as exc:
            asked = self._response_format(schema)
            if exc.kind != "bad_request" or asked is None or asked.get("type") != "json_schema":
                raise
            self.schema_refused = True
            return await self._complete(messages, max_tokens, schema, tools, on_text)

    async def _complete(
        self,
        messages: list[Message],
        max_tokens: int | None,
        schema: dict[str, Any] | None,
        tools: list[dict[str, Any]] | None,
        on_text: Callable[[str], None] | None,
    ) -> Completion:
        extra: dict[str, Any] = {}
        response_format = self._response_format(schema)
        if response_format is not None:
            extra["response_format"] = response_format
        if tools:
            extra["tools"] = tools
        if on_text is not None:
            return await self._complete_streamed(messages, max_tokens, extra, on_text)

        async def call() -> Completion:
            self.attempts += 1
            response = await self._client.chat.completions.create(
                model=self.config.model,
                messages=messages,  # type: ignore[arg-type]
                max_tokens=max_tokens or self.config.max_tokens,
                temperature=self.config.temperature,
                **extra,
            )
            usage = Usage()
            if response.usage is not None:
                usage.add(response.usage.prompt_tokens, response.usage.completion_tokens, response.usage.total_tokens)
            self.usage.merge(usage)
            choice = response.choices[0] if response.choices else None
            text = (choice.message.content or "") if choice is not None else ""
            calls = [
                ToolCall(c.id, c.function.name, c.function.arguments)
                for c in ((choice.message.tool_calls or []) if choice is not None else [])
                if c.type == "function"
            ]
            return Completion(text, (choice.finish_reason if choice is not None else None) or "stop", usage, calls)

        return await self._with_retries(call)

    async def _complete_streamed(
        self, messages: list[Message], max_tokens: int | None, extra: dict[str, Any], on_text: Callable[[str], None]
    ) -> Completion:
        usage = Usage()
        assembly = StreamAssembly()
        async for chunk in self._chunks(messages, max_tokens, extra, usage):
            delta = assembly.add(chunk)
            if delta:
                on_text(delta)
        return Completion("".join(assembly.text), assembly.finish_reason, usage, assembly.tool_calls)

    async def stream_text(
        self, messages: list[Message], *, max_tokens: int | None = None, usage: Usage | None = None
    ) -> AsyncIterator[str]:
        """Chat deltas as they arrive. Retries happen only before the first delta (after it, text was shown)."""
        async for chunk in self._chunks(messages, max_tokens, {}, usage):
            for choice in chunk.choices:
                if choice.delta is not None and choice.delta.content:
                    yield choice.delta.content

    async def _chunks(
        self, messages: list[Message], max_tokens: int | None, extra: dict[str, Any], usage: Usage | None
    ) -> AsyncIterator[ChatCompletionChunk]:
        include_usage = self.config.stream_usage

        async def open_stream() -> tuple[AsyncStream[ChatCompletionChunk], ChatCompletionChunk | None]:
            self.attempts += 1
            opened = await self._client.chat.completions.create(
                model=self.config.model,
                messages=messages,  # type: ignore[arg-type]
                max_tokens=max_tokens or self.config.max_tokens,
                temperature=self.config.temperature,
                stream=True,
                stream_options={"include_usage": True} if include_usage else openai.omit,
                **extra,
            )
            stream = cast("AsyncStream[ChatCompletionChunk]", opened)
            first: ChatCompletionChunk | None
            try:
                first = await stream.__anext__()
            except StopAsyncIteration:
                first = None
            except BaseException:
                await stream.close()
                raise
            return stream, first

        stream, first = await self._with_retries(open_stream)
        try:
            chunk = first
            while chunk is not None:
                if chunk.usage is not None:
                    spent = Usage()
                    spent.add(chunk.usage.prompt_tokens, chunk.usage.completion_tokens, chunk.usage.total_tokens)
                    self.usage.merge(spent)
                    if usage is not None:
                        usage.merge(spent)
                yield chunk
                try:
                    chunk = await stream.__anext__()
                except StopAsyncIteration:
                    chunk = None
        except Exception as exc:
            error = classify(exc) or LLMError("stream", f"the stream broke off: {exc}")
            self.breaker.record_failure()
            raise error from exc
        finally:
            await stream.close()

    async def _with_retries(self, call: Callable[[], Awaitable[T]]) -> T:
        if not self.breaker.allow():
            raise LLMUnavailable()
        started = time.monotonic()
        attempt = 0
        while True:
            try:
                result = await call()
            except Exception as exc:
                error = classify(exc)
                if error is None:
                    self.breaker.release()
                    raise
                delay = self._delay(error, attempt)
                spent = time.monotonic() - started
                if delay is None or attempt + 1 >= self.config.max_attempts or spent + delay > self.config.deadline:
                    self.breaker.record_failure() if error.provider_fault else self.breaker.release()
                    raise error from exc
                await self._sleep(delay)
                attempt += 1
                continue
            except BaseException:
                self.breaker.release()  # cancelled: says nothing about the provider
                raise
            self.breaker.record_success()
            return result

    def _delay(self, error: LLMError, attempt: int) -> float | None:
        """Seconds before the next attempt, or None when this error is not worth another one."""
        if not error.retryable:
            return None
        if error.retry_after is not None and error.retry_after > self.config.retry_after_max:
            return None
        backoff = min(self.config.backoff_max, self.config.backoff_base * float(2**attempt))
        backoff *= 0.5 + self._rng.random() / 2  # equal jitter: spread retries, keep a floor
        return max(backoff, error.retry_after or 0.0)
