"""Issue 5 benchmark: seed N workflows with `blokhub seed`'s loader, rebuild the index from PostgreSQL, then report
indexing throughput (documents/s, no embeddings), engine latency and end-to-end HTTP latency p50/p95/p99 for a mix
of one- to four-word queries with typos, filters and four facets, and the index size on disk.

    python bench/search.py [--workflows 100000] [--queries 400]

Targets: engine p95 <= 10 ms at 100k (<= 30 ms at 1M); HTTP p95 <= 25 ms at 100k; indexing >= 2,000 documents/s.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_baseline import free_port, start, stop

from blokhub.config import Settings
from blokhub.db.migrate import upgrade
from blokhub.indexers.reindex import reindex
from blokhub.indexers.search import SearchFilters, SearchQuery
from blokhub.runtime import Runtime
from blokhub.runtime.resources import Resources
from blokhub.seed.service import seed_corpus

WORDS = [
    "slack",
    "stripe",
    "github",
    "postgres",
    "notify",
    "payment",
    "sync",
    "email",
    "openai",
    "summary",
    "webhook",
    "invoice",
    "hubspot",
    "discord",
    "report",
    "daily",
    "orders",
    "shopify",
    "sheets",
    "alert",
    "contacts",
    "s3",
]
TYPOS = {
    "slack": "slak",
    "stripe": "strpie",
    "github": "githbu",
    "postgres": "postgre",
    "notify": "notfy",
    "payment": "paymnet",
    "invoice": "invoce",
    "shopify": "shopfy",
    "summary": "sumary",
}
FACETS = ["tags", "trigger", "runtime", "nodes"]


def queries(n: int, seed: int = 7) -> list[dict[str, str]]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        words = rnd.sample(WORDS, rnd.randint(1, 4))
        words = [TYPOS.get(w, w) if rnd.random() < 0.25 else w for w in words]
        if rnd.random() < 0.3:  # search-as-you-type: a half-typed last word
            words[-1] = words[-1][: max(2, len(words[-1]) // 2)]
        params = {"q": " ".join(words), "facets": ",".join(FACETS)}
        if rnd.random() < 0.3:
            params["trigger"] = rnd.choice(["http", "cron"])
        if rnd.random() < 0.2:
            params["runtime"] = "python3"
        out.append(params)
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def line(label: str, values: list[float]) -> str:
    return f"{label:<32} p50 {pct(values, 50):7.2f} ms   p95 {pct(values, 95):7.2f} ms   p99 {pct(values, 99):7.2f} ms"


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


async def prepare_and_measure_engine(settings: Settings, workflows: int, mix: list[dict[str, str]]) -> None:
    resources = Resources.open(settings)
    await upgrade(resources.engine)
    report = await seed_corpus(settings, seed=42, users=max(50, workflows // 20), workflows=workflows, progress=True)
    print(f"seeded {report.workflows:,} workflows in {report.seconds:.1f}s")
    await resources.search.open()
    try:
        written, seconds = await reindex(resources.read_sessionmaker, resources.search, progress=True)
        print(
            f"indexing (rebuild from PostgreSQL, no embeddings): {written:,} docs in {seconds:.1f}s "
            f"-> {written / seconds:,.0f} docs/s"
        )
        print(f"index size on disk: {dir_size(settings.data_dir / 'search') / 1e6:,.1f} MB")
        times = []
        for params in mix:
            query = SearchQuery(
                q=params["q"],
                facets=FACETS,  # type: ignore[arg-type]
                filters=SearchFilters(trigger=params.get("trigger"), runtime=params.get("runtime")),
            )
            t = time.perf_counter()
            await resources.search.search(query)
            times.append((time.perf_counter() - t) * 1000)
        print(line(f"engine search ({len(mix)} queries)", times))
    finally:
        await resources.close()


async def measure_http(port: int, mix: list[dict[str, str]]) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=30) as c:
        for params in mix[:20]:  # warm-up
            await c.get("/search/workflows", params=params)
        times, server = [], []
        for params in mix:
            t = time.perf_counter()
            r = await c.get("/search/workflows", params=params)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, r.text
            server.append(r.json()["took_ms"])
        print(line("HTTP /search/workflows", times))
        print(line("  of which server (took_ms)", server))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workflows", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    mix = queries(args.queries)
    with tempfile.TemporaryDirectory(prefix="bh-search-") as tmp:
        data_dir = Path(tmp) / "data"
        with Runtime(Settings(data_dir=data_dir, log_level="WARNING")) as settings:
            asyncio.run(prepare_and_measure_engine(settings, args.workflows, mix))
        port = free_port()
        proc, _ = start(data_dir, port)
        try:
            asyncio.run(measure_http(port, mix))
        finally:
            stop(proc)


if __name__ == "__main__":
    main()
