"""A local HTTP API for workflows to call while Blok's runner runs them: it answers every request with a JSON
echo of what it received and remembers each answer, so a test can assert the workflow's reply is what came back.
A workflow that iterates over a list in the API's answer (``ctx.response.data.results.some(...)``) gets that list,
empty, in every answer under its prefix (``shapes``), so its condition evaluates instead of throwing."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from blokhub.blok.walk import node_configs


@dataclass
class Stub:
    base: str
    calls: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    shapes: dict[str, dict[str, Any]] = field(default_factory=dict)  # path prefix -> fields added to each answer

    def shape(self, prefix: str) -> dict[str, Any]:
        return next((extra for start, extra in self.shapes.items() if prefix.startswith(start)), {})

    def answers_for(self, prefix: str) -> list[dict[str, Any]]:
        """Answers given to requests whose path starts with ``prefix`` (each workflow gets its own prefix)."""
        with self.lock:
            return [c for c in self.calls if c["path"].startswith(prefix)]


def _handler(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8") if length else ""
            try:
                body: Any = json.loads(raw) if raw else None
            except ValueError:
                body = raw
            parts = urlsplit(self.path)
            with stub.lock:
                answer = {
                    **copy.deepcopy(stub.shape(parts.path)),
                    "stub": len(stub.calls) + 1,
                    "method": self.command,
                    "path": parts.path,
                    "query": dict(parse_qsl(parts.query)),
                    "body": body,
                }
                stub.calls.append(answer)
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def stub_api() -> Iterator[Stub]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(Stub("")))
    stub = Stub(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()


def point_at(doc: dict[str, Any], base: str) -> dict[str, Any] | None:
    """A copy whose api-call URLs go to ``base`` + "/" + the original host (path and expressions kept), or None when
    a URL is not a literal http(s) URL (built by an expression, say), which the stub cannot stand in for."""
    out = copy.deepcopy(doc)
    for config in node_configs(out).values():
        inputs = config.get("inputs") if isinstance(config, dict) else None
        if not isinstance(inputs, dict) or "url" not in inputs:
            continue
        url = inputs["url"]
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return None
        rest = url.split("://", 1)[1]
        inputs["url"] = f"{base}/{rest}"
    return out
