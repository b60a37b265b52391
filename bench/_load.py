"""A small keep-alive HTTP/1.1 load generator on raw asyncio streams.

httpx costs more CPU per request than the server under test; this client costs a few microseconds, so on a 2-core
machine the figures measure the server rather than the client.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def line(self, label: str) -> str:
        return (
            f"{label:<28} {self.rps:8.0f} req/s   p50 {self.pct(50):6.2f} ms   p95 {self.pct(95):6.2f} ms   "
            f"p99 {self.pct(99):6.2f} ms   errors {self.errors}"
        )


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length:
        await reader.readexactly(length)
    return status


async def run_load(
    host: str,
    port: int,
    path: str | list[str],
    *,
    headers: dict[str, str] | None = None,
    connections: int = 32,
    seconds: float = 10.0,
    warmup: float = 1.0,
    max_requests: int | None = None,
) -> LoadResult:
    """Keep `connections` requests in flight for `warmup` + `seconds` (only the latter measured). With a list of
    paths, requests cycle through it (a query mix); with `max_requests`, the run also ends after that many
    measured requests (a stall check wants a count, not a duration)."""
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    paths = [path] if isinstance(path, str) else path
    requests = [f"GET {p} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode() for p in paths]
    latencies: list[float] = []
    counters = {"ok": 0, "err": 0, "next": 0}
    deadline_box: dict[str, float] = {}

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while True:
                now = time.perf_counter()
                if now >= deadline_box["end"] or (max_requests is not None and len(latencies) >= max_requests):
                    return
                request = requests[counters["next"] % len(requests)]
                counters["next"] += 1
                writer.write(request)
                status = await _read_response(reader)
                done = time.perf_counter()
                if done >= deadline_box["start"]:
                    latencies.append((done - now) * 1000)
                    counters["ok" if status < 400 else "err"] += 1
        finally:
            writer.close()

    start = time.perf_counter()
    deadline_box["start"] = start + warmup
    deadline_box["end"] = start + warmup + seconds
    await asyncio.gather(*(worker() for _ in range(connections)))
    measured = min(seconds, time.perf_counter() - deadline_box["start"])
    return LoadResult(counters["ok"], counters["err"], measured, latencies)


def summarize(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f}s (runs: {', '.join(f'{v:.2f}' for v in values)})"
