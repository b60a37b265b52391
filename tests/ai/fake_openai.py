"""A local OpenAI-compatible server for tests: /v1/chat/completions, plain and streamed (SSE), scripted.

Raw ASGI on uvicorn in a background thread with its own event loop, so a scripted hang stalls only the server,
never the test. Each request takes the next scripted behaviour (or the default one, or what ``responder`` makes of
the request) and is recorded. It speaks the protocol a real server does: tool calls (whole, or streamed as
fragments keyed by ``index``, with ``finish_reason: "tool_calls"``), ``stream_options.include_usage``, and the 400s
a real server answers to a malformed ``response_format`` or ``tools`` list, or a ``tool`` message that answers no
call.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import deque
from collections.abc import Callable
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
    calls: list[tuple[str, str]] = field(default_factory=list)  # (function name, JSON arguments) for "tool_calls"


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


def tool_calls(*calls: tuple[str, dict[str, Any] | str], usage: tuple[int, int] = (90, 20)) -> Behaviour:
    """The model asks for tools to be run: ("search_workflows", {"query": "..."}), ..."""
    encoded = [(name, args if isinstance(args, str) else json.dumps(args)) for name, args in calls]
    return Behaviour("tool_calls", calls=encoded, finish_reason="tool_calls", usage=usage)


def _call_id(index: int) -> str:
    return f"call_fake{index}"


def _completion(model: str, behaviour: Behaviour) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": behaviour.content}
    if behaviour.kind == "tool_calls":
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": _call_id(i), "type": "function", "function": {"name": name, "arguments": args}}
                for i, (name, args) in enumerate(behaviour.calls)
            ],
        }
    usage = behaviour.usage
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": behaviour.finish_reason}],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
    }


def protocol_error(request: dict[str, Any]) -> str | None:
    """What a real server would refuse with a 400, or None."""
    response_format = request.get("response_format")
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        spec = response_format.get("json_schema")
        if not isinstance(spec, dict) or not spec.get("name") or not isinstance(spec.get("schema"), dict):
            return "response_format json_schema needs json_schema.name and json_schema.schema"
    for tool in request.get("tools") or []:
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(function, dict) or tool.get("type") != "function" or not function.get("name"):
            return "every tool needs type 'function' and function.name"
    asked: set[str] = set()
    for message in request.get("messages") or []:
        if message.get("role") == "assistant":
            asked |= {call["id"] for call in message.get("tool_calls") or []}
        if message.get("role") == "tool" and message.get("tool_call_id") not in asked:
            return "messages with role 'tool' must be a response to a preceding message with 'tool_calls'"
    return None


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
        self.responder: Callable[[dict[str, Any]], Behaviour] | None = None  # builds answers when nothing is scripted
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
        self.responder = None
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
        problem = protocol_error(request)
        if problem is not None:
            await self._json(send, 400, {"error": {"message": problem, "type": "invalid_request_error", "code": None}})
            return
        behaviour = self._next(request)
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
            await self._json(send, 200, _completion(model, behaviour))

    def _next(self, request: dict[str, Any]) -> Behaviour:
        if self.script:
            return self.script.popleft()
        return self.responder(request) if self.responder is not None else self.default

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

        if behaviour.kind == "tool_calls":
            await event(_chunk(model, {"role": "assistant", "content": None}, None))
            for i, (name, args) in enumerate(behaviour.calls):
                opening = {
                    "index": i,
                    "id": _call_id(i),
                    "type": "function",
                    "function": {"name": name, "arguments": ""},
                }
                await event(_chunk(model, {"tool_calls": [opening]}, None))
                for start in range(0, len(args), 16):  # arguments arrive in fragments, as real servers send them
                    fragment = {"index": i, "function": {"arguments": args[start : start + 16]}}
                    await event(_chunk(model, {"tool_calls": [fragment]}, None))
        else:
            await event(_chunk(model, {"role": "assistant", "content": ""}, None))
        for index, piece in enumerate(chunks if behaviour.kind != "tool_calls" else []):
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
