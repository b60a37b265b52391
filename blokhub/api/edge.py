"""The edge guard: text PostgreSQL cannot store (or that no honest client sends) is refused before any handler runs.

One layer for every route, present and future: the path, every query parameter and every string (and key) of a JSON
body are checked here, so no handler, service or background job ever sees a NUL. PostgreSQL refuses NUL in ``text``
and ``jsonb``; letting one through meant a 500 at best and, at worst, a row that poisons a later job (a search query
drained into the analytics table every 30 s, failing forever).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Receive,
    ReceiveMessage,
    Scope,
    Send,
)

from blokhub.api.errors import error_body

# NUL is what PostgreSQL cannot store; the other C0 controls (and DEL) are refused too, except the three whitespace
# characters text legitimately carries. Paths and query strings are one-line values: no controls at all.
# The classes are also what the published schema says on every request-side string (``TEXT_RULES``).
BODY_REFUSED = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
LINE_REFUSED = r"[\x00-\x1f\x7f]"
_BODY_FORBIDDEN = re.compile(BODY_REFUSED)
_LINE_FORBIDDEN = re.compile(LINE_REFUSED)
# Only an escape can put a C0 control into valid JSON (raw ones make it malformed), but DEL may also come raw: skip the
# walk when neither is there.
_JSON_ESCAPE = re.compile(rb"\\u00[01][0-9a-fA-F]|\\u007[fF]|\x7f")


class Refused(Exception):
    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(message)
        self.pointer, self.message = pointer, message


def _check_line(value: str, pointer: str) -> None:
    if _LINE_FORBIDDEN.search(value):
        raise Refused(pointer, "control characters (such as NUL) are not allowed")


def _walk(value: Any, pointer: str) -> None:
    if isinstance(value, str):
        if _BODY_FORBIDDEN.search(value):
            raise Refused(pointer, "control characters (such as NUL) are not allowed")
    elif isinstance(value, dict):
        for key, item in value.items():
            part = str(key).replace("~", "~0").replace("/", "~1")
            if _BODY_FORBIDDEN.search(str(key)):
                raise Refused(f"{pointer}/{part}", "control characters (such as NUL) are not allowed in keys")
            _walk(item, f"{pointer}/{part}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{pointer}/{index}")


def check_value(value: Any, pointer: str = "") -> None:
    """Refuse unstorable characters anywhere in a decoded value (a parsed YAML/TOML/multipart import, say)."""
    _walk(value, pointer)


def check_path_and_query(scope: Scope) -> None:
    _check_line(str(scope.get("path", "")), "path")
    raw = scope.get("query_string", b"")
    if not raw:
        return
    try:
        pairs = parse_qsl(raw.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise Refused("query", "the query string is not valid UTF-8") from None
    for key, value in pairs:
        _check_line(key, f"query/{key}")
        _check_line(value, f"query/{key}")


def check_body(content_type: str, body: bytes) -> None:
    """JSON bodies are walked; other text bodies (YAML, TOML, multipart) must not carry a raw NUL."""
    if "json" in content_type:
        if not _JSON_ESCAPE.search(body):
            return
        try:
            decoded = msgspec.json.decode(body)
        except (msgspec.DecodeError, RecursionError):
            return  # malformed JSON is the decoder's to report (400 invalid_json)
        _walk(decoded, "")
    elif b"\x00" in body:
        raise Refused("", "the body contains a NUL character")


def _content_type(scope: Scope) -> str:
    for key, value in scope.get("headers", []):
        if key == b"content-type":
            return str(value.decode("latin-1").lower())
    return ""


async def _refuse(send: Send, refused: Refused) -> None:
    body = msgspec.json.encode(
        error_body(
            "invalid_character",
            f"The request carries characters that cannot be stored: {refused.message}.",
            [{"pointer": refused.pointer, "message": refused.message}],
        )
    )
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": 422,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    }
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(start)
    await send(end)


async def _buffer(receive: Receive, limit: int) -> tuple[list[ReceiveMessage], bool]:
    """Read the request body up to ``limit`` bytes; True when all of it was read."""
    messages: list[ReceiveMessage] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, False
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            return messages, True
        if size > limit:
            return messages, False


def _joined(messages: list[ReceiveMessage]) -> bytes:
    parts: list[bytes] = []
    for message in messages:
        if message["type"] == "http.request":
            parts.append(message.get("body", b""))
    return b"".join(parts)


def edge_guard_middleware(max_body_bytes: int) -> Any:
    """ASGI middleware factory; bodies larger than ``max_body_bytes`` pass through for Litestar to refuse (413)."""

    def middleware(app: ASGIApp) -> ASGIApp:
        async def guard(scope: Scope, receive: Receive, send: Send) -> None:
            kind = str(scope["type"])
            if kind not in ("http", "websocket"):
                await app(scope, receive, send)
                return
            try:
                check_path_and_query(scope)
            except Refused as refused:
                if kind == "http":
                    await _refuse(send, refused)
                else:
                    await send({"type": "websocket.close", "code": 1008, "reason": "invalid characters"})
                return
            if kind != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
                await app(scope, receive, send)
                return
            # Buffer the body (bounded), check it, then replay it to the app unchanged.
            messages, complete = await _buffer(receive, max_body_bytes)
            if complete:
                try:
                    check_body(_content_type(scope), _joined(messages))
                except Refused as refused:
                    await _refuse(send, refused)
                    return

            async def replay() -> ReceiveMessage:
                return messages.pop(0) if messages else await receive()

            await app(scope, replay, send)

        return guard

    return middleware
