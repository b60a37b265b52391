"""Issue 2 benchmark: GET /health and authenticated GET /me throughput and latency with one server process,
cold start (`blokhub serve` until /ready) and warm restart time.

    python bench/api_baseline.py [--seconds 10] [--connections 32]

Targets on this machine: GET /me >= 1,500 req/s; warm restart <= 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _load import run_load, summarize


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(port: int) -> int:
    """How many sockets listen on `port` (one per API process of a `serve`)."""
    import psutil

    return sum(1 for c in psutil.net_connections("tcp") if c.status == psutil.CONN_LISTEN and c.laddr.port == port)


def start(data_dir: Path, port: int, processes: int = 1) -> tuple[subprocess.Popen[bytes], float]:
    """`serve` on `data_dir`, once /ready answers and (`processes` > 1) every API process listens."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(BLOKHUB_LOG_LEVEL="WARNING", BLOKHUB_SEED_ON_EMPTY="0", BLOKHUB_AI_DAILY_REQUESTS="100000")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "blokhub.cli", "serve", "--data-dir", str(data_dir), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while True:
        if proc.poll() is not None:
            raise SystemExit("serve exited during start-up")
        try:
            ready = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=0.5).status_code == 200
            if ready and (processes <= 1 or listening(port) >= processes):
                return proc, time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.02)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--restarts", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bh-bench-") as tmp:
        data_dir, port = Path(tmp) / "data", free_port()
        proc, cold = start(data_dir, port)
        print(f"cold start (fresh data dir: initdb, migrate, serve until /ready): {cold:.2f}s")
        try:
            r = httpx.post(
                f"http://127.0.0.1:{port}/api/v1/auth/register",
                json={"username": "bench", "email": "bench@example.com", "password": "load-Tester-secret-2024"},
            )
            token = r.json()["access_token"]
            health = asyncio.run(
                run_load("127.0.0.1", port, "/health", connections=args.connections, seconds=args.seconds)
            )
            print(health.line("GET /health"))
            me = asyncio.run(
                run_load(
                    "127.0.0.1",
                    port,
                    "/api/v1/me",
                    headers={"Authorization": f"Bearer {token}"},
                    connections=args.connections,
                    seconds=args.seconds,
                )
            )
            print(me.line("GET /api/v1/me (auth)"))
        finally:
            stop(proc)
        warm = []
        for _ in range(args.restarts):
            proc, seconds = start(data_dir, port)
            warm.append(seconds)
            stop(proc)
        print(f"warm restart (existing data dir until /ready): {summarize(warm)}")
        print(
            f"target: GET /me >= 1500 req/s -> {'met' if me.rps >= 1500 else 'NOT met'}; "
            f"warm restart <= 5 s -> {'met' if max(warm) <= 5 else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
