"""Issue 6 benchmark: embedding throughput and full reindex time including embeddings, then /similar,
/recommendations and hybrid search latency p50/p95 over HTTP.

    python bench/discovery.py [--workflows 100000] [--samples 200] [--data-dir DIR]

With `--data-dir`, the prepared data (seeded, indexed, embedded) is kept there and reused by the next run, so the
latency part can be re-measured without re-embedding.

Targets: >= 100 documents/s embedded (PyTorch, this CPU); /similar and /recommendations p95 <= 15 ms;
hybrid search p95 <= 40 ms. At 100,000 workflows the embedding pass alone takes a while (~100-200 docs/s on 2 cores);
`--workflows 20000` gives the latency figures faster.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_baseline import free_port, start, stop
from search import line

from blokhub.config import Settings
from blokhub.db.migrate import upgrade
from blokhub.indexers.reindex import reindex, reindex_vectors
from blokhub.runtime import Runtime
from blokhub.runtime.resources import Resources
from blokhub.seed.service import DEMO_PASSWORD, seed_corpus

QUERIES = [
    "notify my team when a payment fails",
    "back up the database every night",
    "summarise new issues",
    "send a welcome email to new users",
    "alert on failed deploys",
    "sync contacts to the crm",
    "post new orders to a chat channel",
    "weekly sales report as pdf",
]


async def prepare(settings: Settings, workflows: int) -> None:
    resources = Resources.open(settings)
    await upgrade(resources.engine)
    report = await seed_corpus(settings, seed=42, users=max(50, workflows // 20), workflows=workflows, progress=True)
    print(f"seeded {report.workflows:,} workflows in {report.seconds:.1f}s")
    await resources.start()
    try:
        written, seconds = await reindex(resources.read_sessionmaker, resources.search, progress=True)
        print(f"keyword index: {written:,} docs in {seconds:.1f}s")
        resources.embedder.load()
        embedded, seconds = await reindex_vectors(*_vector_parts(resources), progress=True)
        print(
            f"embedding + vector index (cold cache, PyTorch CPU): {embedded:,} docs in {seconds:.1f}s "
            f"-> {embedded / seconds:,.0f} docs/s"
        )
        _, warm = await reindex_vectors(*_vector_parts(resources))
        print(f"full vector reindex again (warm embedding cache): {warm:.1f}s")
    finally:
        await resources.close()


def _vector_parts(resources: Resources) -> tuple[Any, Any, Any, Any]:
    return resources.read_sessionmaker, resources.sessionmaker, resources.vectors, resources.embedder


async def measure(port: int, samples: int) -> None:
    rnd = random.Random(3)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=60) as c:
        page = (await c.get("/workflows", params={"limit": 100})).json()["items"]
        ids = [w["id"] for w in page]
        username = page[0]["owner"]["username"]
        token = (await c.post("/auth/login", json={"login": username, "password": DEMO_PASSWORD})).json()[
            "access_token"
        ]
        h = {"Authorization": f"Bearer {token}"}
        for wid in ids[:5]:
            await c.put(f"/workflows/{wid}/favorite", headers=h)
        await c.get("/search/workflows", params={"q": QUERIES[0], "semantic_ratio": 0.5})  # loads the model
        for label, call in [
            ("GET /workflows/{id}/similar", lambda: c.get(f"/workflows/{rnd.choice(ids)}/similar")),
            ("GET /recommendations", lambda: c.get("/recommendations", headers=h)),
            (
                "hybrid search (ratio 0.5)",
                lambda: c.get(
                    "/search/workflows",
                    params={"q": rnd.choice(QUERIES), "semantic_ratio": 0.5, "facets": "tags,trigger"},
                ),
            ),
        ]:
            for _ in range(max(20, samples // 4)):  # warm-up, untimed: caches, pages of the index, start-up jobs
                await call()
            times = []
            for _ in range(samples):
                t = time.perf_counter()
                r = await call()
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, r.text
            print(line(label, times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workflows", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--data-dir", type=Path, default=None, help="keep the prepared data here and reuse it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bh-discovery-") as tmp:
        data_dir = (args.data_dir or Path(tmp) / "data").resolve()
        prepared = data_dir / "bench-prepared"
        if prepared.exists():
            print(f"reusing the data prepared in {data_dir} ({prepared.read_text().strip()} workflows)")
        else:
            with Runtime(Settings(data_dir=data_dir, log_level="WARNING")) as settings:
                asyncio.run(prepare(settings, args.workflows))
            prepared.write_text(str(args.workflows))
        port = free_port()
        proc, _ = start(data_dir, port)
        try:
            asyncio.run(measure(port, args.samples))
        finally:
            stop(proc)


if __name__ == "__main__":
    main()
