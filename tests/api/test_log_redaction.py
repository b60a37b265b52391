"""Secrets never reach the log: tokens in URLs (``/ws?token=``), credential headers, anything shaped like a JWT."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import httpx
import pytest

from blokhub.api import observability
from tests.conftest import Account


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    # Servers started by earlier tests (the fake OpenAI server, the fuzzer's) let uvicorn configure its own loggers
    # (own handler, no propagation, a raised level); `serve` never does (log_config=None). Log as `serve` does.
    uvicorn_loggers = [logging.getLogger(n) for n in ("uvicorn", "uvicorn.error", "uvicorn.access")]
    saved_uvicorn = [(lg.handlers[:], lg.level, lg.propagate) for lg in uvicorn_loggers]
    for lg in uvicorn_loggers:
        lg.handlers[:], lg.propagate = [], True
        lg.setLevel(logging.NOTSET)
    observability.configure("INFO")
    stream = io.StringIO()
    root.handlers[0].setStream(stream)  # type: ignore[attr-defined]
    try:
        yield stream
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        for lg, (handlers, level, propagate) in zip(uvicorn_loggers, saved_uvicorn, strict=True):
            lg.handlers[:], lg.propagate = handlers, propagate
            lg.setLevel(level)


def test_uvicorn_websocket_line_and_headers_are_redacted(log_output: io.StringIO) -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    # What uvicorn writes when a browser opens the notification socket.
    logging.getLogger("uvicorn.error").info('%s - "WebSocket %s" [accepted]', "127.0.0.1:5000", f"/ws?token={token}")
    logging.getLogger("blokhub.x").warning("headers: %s", {"authorization": f"Bearer {token}", "accept": "*/*"})
    logging.getLogger("blokhub.x").error("callback /cb?code=abc123&state=ok&password=hunter2")
    out = log_output.getvalue()
    assert token not in out and "eyJzdWIi" not in out
    assert "abc123" not in out and "hunter2" not in out
    assert "/ws?token=[redacted]" in out and "state=ok" in out and "accept" in out


async def test_access_log_redacts_query_tokens(log_output: io.StringIO, alice: Account) -> None:
    response = await alice.client.get(
        "/api/v1/workflows", params={"token": alice.access_token, "tag": "x"}, headers=alice.headers
    )
    assert response.status_code == 200
    out = log_output.getvalue()
    assert "/api/v1/workflows?token=[redacted]&tag=x" in out
    assert alice.access_token not in out


async def test_websocket_query_token_never_logged(
    log_output: io.StringIO, client: httpx.AsyncClient, alice: Account
) -> None:
    # A request whose path carries a token (e.g. a misrouted /ws) is logged without it.
    await client.get(f"/ws?token={alice.access_token}")
    assert alice.access_token not in log_output.getvalue()
