"""A local OpenAI-compatible server for tests: /v1/chat/completions, plain and streamed (SSE), scripted.

Raw ASGI on uvicorn in a background thread with its own event loop, so a scripted hang stalls only the server,
never the test. Each request takes the next scripted behaviour (or the default one) and is recorded.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import uvicorn


@dataclass
class Behaviour:
    kind: str  # "reply" | "status" | "hang" | "stream"
    content: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    finish_reason: str = "stop"
    usage: tuple[int, int] = (120, 80)
    chunks: list[str] = field(default_factory=list)
    chunk_delay: float = 0.0


def reply(
    content: str | dict[str, Any], *, finish_reason: str = "stop", usage: tuple[int, int] = (120, 80)
) -> Behaviour:
    text = content if isinstance(content, str) else json.dumps(content)
    return Behaviour("reply", content=text, finish_reason=finish_reason, usage=usage)


def status(code: int, *, headers: dict[str, str] | None = None) -> Behaviour:
    return Behaviour("status", status=code, headers=headers or {})


def hang(seconds: float) -> Behaviour:
    return Behaviour("hang", seconds=seconds)


def stream(chunks: list[str], *, chunk_delay: float = 0.0, usage: tuple[int, int] = (30, 12)) -> Behaviour:
    return Behaviour("stream", chunks=chunks, chunk_delay=chunk_delay, usage=usage)


def _completion(model: str, content: str, finish_reason: str, usage: tuple[int, int]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
    }


def _chunk(model: str, delta: dict[str, Any], finish_reason: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


class FakeOpenAI:
    def __init__(self, default: Behaviour | None = None) -> None:
        self.default = default or reply({"workflow": {}, "explanation": ""})
        self.script: deque[Behaviour] = deque()
        self.requests: list[dict[str, Any]] = []
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # --- scripting -------------------------------------------------------------------------------------------
    def queue(self, *behaviours: Behaviour) -> None:
        self.script.extend(behaviours)

    def reset(self, default: Behaviour | None = None) -> None:
        self.script.clear()
        self.requests.clear()
        if default is not None:
            self.default = default

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # --- ASGI ------------------------------------------------------------------------------------------------
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if scope["path"] != "/v1/chat/completions" or scope["method"] != "POST":
            await self._json(send, 404, {"error": {"message": "not found"}})
            return
        request = json.loads(body)
        request["_headers"] = {k.decode(): v.decode() for k, v in scope["headers"]}
        self.requests.append(request)
        behaviour = self.script.popleft() if self.script else self.default
        model = request.get("model", "fake-model")
        if behaviour.kind == "hang":
            await asyncio.sleep(behaviour.seconds)
            behaviour = self.default
        if behaviour.kind == "status":
            error = {"error": {"message": f"scripted {behaviour.status}", "type": "fake", "code": None}}
            await self._json(send, behaviour.status, error, behaviour.headers)
        elif request.get("stream"):
            await self._stream(send, model, behaviour, bool(request.get("stream_options", {}).get("include_usage")))
        else:
            await self._json(send, 200, _completion(model, behaviour.content, behaviour.finish_reason, behaviour.usage))

    async def _json(self, send: Any, code: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
        raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        await send({"type": "http.response.start", "status": code, "headers": raw_headers})
        await send({"type": "http.response.body", "body": data})

    async def _stream(self, send: Any, model: str, behaviour: Behaviour, include_usage: bool) -> None:
        chunks = behaviour.chunks or [behaviour.content[i : i + 40] for i in range(0, len(behaviour.content), 40)]
        headers = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})

        async def event(payload: Any) -> None:
            text = payload if isinstance(payload, str) else json.dumps(payload)
            await send({"type": "http.response.body", "body": f"data: {text}\n\n".encode(), "more_body": True})

        await event(_chunk(model, {"role": "assistant", "content": ""}, None))
        for index, piece in enumerate(chunks):
            if behaviour.chunk_delay and index:
                await asyncio.sleep(behaviour.chunk_delay)
            await event(_chunk(model, {"content": piece}, None))
        await event(_chunk(model, {}, behaviour.finish_reason))
        if include_usage:
            prompt, completion = behaviour.usage
            usage = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
            await event({**_chunk(model, {}, None), "choices": [], "usage": usage})
        await event("[DONE]")
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    # --- lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> FakeOpenAI:
        config = uvicorn.Config(
            self, host="127.0.0.1", port=0, log_level="warning", lifespan="on", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="fake-openai", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake OpenAI server did not start")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
