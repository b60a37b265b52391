"""CPU per request, by process, for the issue-17 endpoints: a figure a loaded machine does not distort much.

Throughput and latency on a 2-core machine shared with other work measure the neighbours as much as the server;
the CPU time the server's processes spend per request does not depend on them (much). This starts `serve` on a
prepared data dir (`bench/search_speed.py --data-dir DIR` prepares one), runs each endpoint's request mix for a few
seconds, and reads the CPU time (user + system) of every process of the server before and after: the API
processes (the owner and its replicas, each shown, which also shows whether the replicas share the load), the
embedded PostgreSQL and Redis. The server's idle rate (worker polls, crons), taken over two seconds just before,
is subtracted.

    python bench/request_cpu.py --data-dir /var/tmp/bh-100k [--processes 1] [--connections 4] [--seconds 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _load import run_load
from api_baseline import free_port, listening
from search_speed import query_mix


def _start(data_dir: Path, port: int, processes: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        BLOKHUB_LOG_LEVEL="WARNING",
        BLOKHUB_SEED_ON_EMPTY="0",
        BLOKHUB_AI_DAILY_REQUESTS="100000",
        BLOKHUB_API_PROCESSES=str(processes),
    )
    cmd = [sys.executable, "-m", "blokhub.cli", "serve", "--data-dir", str(data_dir), "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        if proc.poll() is not None:
            raise SystemExit("serve exited during start-up")
        try:
            ready = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=0.5).status_code == 200
            if ready and listening(port) >= processes:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.05)


def _kind(p: psutil.Process, root: int) -> str:
    try:
        name, cmd = p.name(), " ".join(p.cmdline())
    except psutil.Error:
        return "gone"
    if p.pid == root:
        return "api owner"
    if "serve-replica" in cmd:
        return f"api replica {p.pid}"
    if "postgres" in name or "postgres" in cmd:
        return "postgres"
    if "redis" in name:
        return "redis"
    return name


def _tree(root: psutil.Process, data_dir: Path) -> list[psutil.Process]:
    """The server's processes: its children, and the embedded PostgreSQL (which daemonizes) with its backends."""
    procs = [root, *root.children(recursive=True)]
    for p in psutil.process_iter(["cmdline"]):
        if f"-D {data_dir / 'postgres'}" in " ".join(p.info["cmdline"] or []):
            procs += [p, *p.children()]
    return procs


def _cpu(root: psutil.Process, data_dir: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    for p in _tree(root, data_dir):
        try:
            t = p.cpu_times()
        except psutil.Error:
            continue
        kind = _kind(p, root.pid)
        out[kind] = out.get(kind, 0.0) + t.user + t.system
    return out


async def _paths(port: int) -> tuple[dict[str, list[str]], dict[str, str]]:
    from blokhub.seed.service import DEMO_PASSWORD

    base = "/api/v1"
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}{base}", timeout=60) as c:
        page = (await c.get("/workflows", params={"limit": 100})).json()
        ids = [w["id"] for w in page["items"]]
        owner = (await c.get(f"/workflows/{ids[0]}")).json()["owner"]["username"]
        login = {"login": owner, "password": DEMO_PASSWORD}
        token = (await c.post("/auth/login", json=login)).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        for wid in ids[50:56]:
            await c.put(f"/workflows/{wid}/favorite", headers=auth)
    mix = query_mix(400)
    return {
        "search": [f"{base}/search/workflows?{urlencode(p)}" for p in mix],
        "suggest": [f"{base}/search/suggest?{urlencode({'q': p['q'][:4]})}" for p in mix],
        "similar": [f"{base}/workflows/{i}/similar" for i in ids],
        "recommendations": [f"{base}/recommendations"],
    }, auth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--processes", type=int, default=1, help="BLOKHUB_API_PROCESSES for serve")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--only", default="", help="comma list of endpoints (search,suggest,similar,recommendations)")
    args = parser.parse_args()
    port, data_dir = free_port(), args.data_dir.resolve()
    proc = _start(data_dir, port, args.processes)
    root = psutil.Process(proc.pid)
    try:
        paths, auth = asyncio.run(_paths(port))
        only = [x for x in args.only.split(",") if x] or list(paths)
        print(f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.processes} API process(es)")
        for name in only:
            headers = auth if name == "recommendations" else None
            asyncio.run(run_load("127.0.0.1", port, paths[name], headers=headers, connections=2, seconds=1, warmup=0))
            # What the server spends idle (the worker's polls, the crons) over as long, taken out of the figure.
            idle_from, t_idle = _cpu(root, data_dir), time.perf_counter()
            time.sleep(2.0)
            idle_to, t_idle = _cpu(root, data_dir), time.perf_counter() - t_idle
            idle_rate = {k: (idle_to[k] - idle_from.get(k, 0.0)) / t_idle for k in idle_to}
            before, t_load = _cpu(root, data_dir), time.perf_counter()
            r = asyncio.run(
                run_load(
                    "127.0.0.1",
                    port,
                    paths[name],
                    headers=headers,
                    connections=args.connections,
                    seconds=args.seconds,
                    warmup=0,
                )
            )
            after, t_load = _cpu(root, data_dir), time.perf_counter() - t_load
            n = max(r.requests + r.errors, 1)
            used = {k: after[k] - before.get(k, 0.0) - idle_rate.get(k, 0.0) * t_load for k in after}
            parts = {k: max(v, 0.0) * 1000 / n for k, v in used.items()}
            total = sum(parts.values())
            shown = "  ".join(f"{k} {v:.2f}" for k, v in sorted(parts.items()) if v >= 0.005)
            print(
                f"{name:<16} {r.requests:6d} req ({r.errors} err) {r.rps:6.0f} req/s p50 {r.pct(50):6.2f} ms | "
                f"CPU ms/request: total {total:.2f} = {shown}"
            )
    finally:
        proc.terminate()
        proc.wait(30)


if __name__ == "__main__":
    main()
