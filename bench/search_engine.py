"""Search engine benchmark: index N synthetic workflow documents into the embedded tantivy engine, then time a
query mix (1-4 words, typos, prefixes, filters, four facets) through the engine's async API.

    python bench/search_engine.py [--docs 100000] [--queries 2000] [--seed 7]
    python bench/search_engine.py --docs 1000000        # a few minutes
    python bench/search_engine.py --keep /tmp/idx        # build once, then re-run only the queries

Targets from the issue: indexing >= 2,000 documents/s; engine p95 <= 10 ms at 100k and <= 30 ms at 1M.
Figures are printed, not asserted: the machine has 2 cores and other work may be running.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import random
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path

from blokhub.indexers.search import SearchDocument, SearchFilters, SearchQuery, Sort, TantivySearchEngine

# fmt: off
SERVICES = ["slack", "github", "stripe", "postgres", "openai", "notion", "discord", "twilio", "sendgrid", "s3",
    "redis", "mongodb", "airtable", "hubspot", "salesforce", "shopify", "jira", "gitlab", "telegram", "gmail",
    "sheets", "dropbox", "mailchimp", "zendesk", "intercom", "linear", "asana", "trello", "sentry", "datadog"]
ACTIONS = ["notify", "sync", "backup", "summarize", "charge", "import", "export", "report", "alert", "digest",
    "translate", "classify", "enrich", "archive", "monitor", "schedule", "validate", "transform", "publish",
    "generate", "forward", "aggregate", "deduplicate", "refund", "invoice", "onboard", "escalate", "label"]
NOUNS = ["notifications", "payments", "issues", "orders", "customers", "invoices", "messages", "tickets", "leads",
    "reports", "events", "users", "documents", "images", "emails", "webhooks", "metrics", "logs", "tasks",
    "subscriptions", "comments", "reviews", "deployments", "releases", "alerts", "contacts", "files", "records"]
GLUE = ["to", "from", "with", "and", "for", "on", "into", "when", "every", "daily", "weekly", "new", "failed"]
TRIGGERS = ["http", "http", "http", "cron", "manual", "grpc", "mcp"]
METHODS = ["GET", "POST", "POST", "PUT", "DELETE", "*"]
# fmt: on
DAY = 86_400.0


def syllable_words(rng: random.Random, n: int) -> list[str]:
    """A long-tail vocabulary of pronounceable made-up words (the Zipfian bulk of descriptions)."""
    cons, vow = "bcdfghjklmnprstvwz", "aeiou"
    out: set[str] = set()
    while len(out) < n:
        out.add("".join(rng.choice(cons) + rng.choice(vow) for _ in range(rng.randint(2, 4))))
    return sorted(out)


class Corpus:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.qrng = random.Random(seed + 1)  # queries do not depend on how many documents were generated
        rng = self.rng
        self.vocab = syllable_words(rng, 50_000)
        self.zipf = list(itertools.accumulate(1.0 / (i + 1) ** 1.07 for i in range(len(self.vocab))))
        self.tags = (
            SERVICES
            + ACTIONS
            + NOUNS
            + [f"{w}-{v}" for w, v in zip(self.vocab[:112], self.vocab[112:224], strict=True)]
        )
        self.nodes = [f"@nanoservice-ts/{s}" for s in ("api-call", "if-else", "map", "filter", "loop", "delay")] + [
            f"{s}-{a}"
            for s in SERVICES
            for a in ("query", "send", "webhook", "upload", "list", "create", "update", "delete", "search")
        ]
        self.authors = [
            (f"user{i}", f"{rng.choice(self.vocab).title()} {rng.choice(self.vocab).title()}") for i in range(10_000)
        ]
        self.now = 1_760_000_000.0

    def doc(self, i: int) -> SearchDocument:
        rng = self.rng
        svc = rng.sample(SERVICES, rng.randint(1, 3))
        title_words = [
            rng.choice(ACTIONS),
            *svc[:2],
            rng.choice(GLUE),
            rng.choice(NOUNS),
            *rng.choices(self.vocab[:2000], k=rng.randint(0, 5)),
        ]
        desc = rng.choices(self.vocab, cum_weights=self.zipf, k=rng.randint(30, 80))
        for w in (*svc, rng.choice(ACTIONS), rng.choice(NOUNS)):
            desc.insert(rng.randrange(len(desc)), w)
        username, display = self.authors[int(rng.paretovariate(1.2)) % len(self.authors)]
        created = self.now - rng.random() * 3 * 365 * DAY
        favorites = int(rng.paretovariate(1.5)) - 1
        rated = rng.random() < 0.4
        return SearchDocument(
            id=i,
            title=" ".join(title_words).capitalize(),
            description=" ".join(desc).capitalize() + ".",
            tags=list(dict.fromkeys([*svc, *rng.sample(self.tags, rng.randint(1, 4))])),
            nodes=rng.sample(self.nodes, rng.randint(2, 7)),
            step_names=[f"{a}-{s}" for a, s in zip(rng.sample(ACTIONS, 3), rng.choices(SERVICES, k=3), strict=True)],
            author=username,
            author_name=display,
            trigger=rng.choice(TRIGGERS),
            method=rng.choice(METHODS),
            runtimes=rng.sample(["typescript", "python3"], rng.choice([1, 1, 2])),
            has_branches=rng.random() < 0.3,
            created_at=created,
            updated_at=min(self.now, created + rng.random() * 90 * DAY),
            favorites=favorites,
            forks=favorites // 3,
            views=favorites * 20 + rng.randint(0, 500),
            rating_score=round(rng.uniform(2.5, 5.0), 2) if rated else 0.0,
            rating_count=rng.randint(1, 40) if rated else 0,
            trending=rng.random() * favorites,
            popularity=favorites * 2 + rng.random(),
        )

    def batches(self, n: int, size: int) -> Iterator[list[SearchDocument]]:
        for start in range(0, n, size):
            yield [self.doc(i) for i in range(start, min(n, start + size))]

    def typo(self, word: str) -> str:
        if len(word) < 5:
            return word
        i = self.qrng.randrange(1, len(word) - 1)
        return (
            word[:i] + word[i + 1] + word[i] + word[i + 2 :] if self.qrng.random() < 0.5 else word[:i] + word[i + 1 :]
        )

    def query(self) -> SearchQuery:
        rng = self.qrng
        pool = [SERVICES, ACTIONS, NOUNS, self.vocab[:3000]]
        words = [rng.choice(rng.choice(pool)) for _ in range(rng.choice([1, 1, 2, 2, 2, 3, 3, 4]))]
        if rng.random() < 0.3:
            words = [self.typo(w) for w in words]
        if rng.random() < 0.3 and len(words[-1]) > 3:
            words[-1] = words[-1][: rng.randint(2, len(words[-1]) - 1)]  # still typing
        f = SearchFilters()
        if rng.random() < 0.3:
            f.tags = [rng.choice(SERVICES)]
        if rng.random() < 0.3:
            f.trigger = rng.choice(TRIGGERS)
        if rng.random() < 0.2:
            f.runtime = rng.choice(["typescript", "python3"])
        if rng.random() < 0.15:
            f.min_rating = 4.0
        sorts: list[Sort] = ["newest", "favorites", "top_rated", "trending"]
        sort: Sort = "relevance" if rng.random() < 0.8 else rng.choice(sorts)
        return SearchQuery(q=" ".join(words), filters=f, sort=sort, facets=["tags", "trigger", "runtime", "nodes"])


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def index_corpus(engine: TantivySearchEngine, corpus: Corpus, args: argparse.Namespace, root: Path) -> None:
    gen_seconds = 0.0

    async def source() -> AsyncIterator[list[SearchDocument]]:
        nonlocal gen_seconds
        for start in range(0, args.docs, args.batch):
            t = time.perf_counter()
            batch = [corpus.doc(i) for i in range(start, min(args.docs, start + args.batch))]
            gen_seconds += time.perf_counter() - t
            yield batch

    started = time.perf_counter()
    written = await engine.rebuild(source())
    index_seconds = time.perf_counter() - started - gen_seconds
    print(f"documents: {written:,}  (generating them took {gen_seconds:.1f}s, excluded)")
    print(
        f"indexing (rebuild, batches of {args.batch:,}): {index_seconds:.1f}s = {written / index_seconds:,.0f} docs/s"
        f"  [target >= 2,000 docs/s]"
    )
    t = time.perf_counter()
    await engine.upsert([corpus.doc(args.docs + i) for i in range(args.upsert_batch)])
    print(
        f"incremental upsert of {args.upsert_batch} docs (commit + reload): {(time.perf_counter() - t) * 1000:.0f} ms"
    )


async def run_queries(
    engine: TantivySearchEngine, queries: list[SearchQuery]
) -> tuple[list[float], list[float], list[int], int]:
    latencies, cpu, totals, dropped = [], [], [], 0
    gc.collect()
    for q in queries:
        t, c = time.perf_counter(), time.process_time()
        res = await engine.search(q)
        latencies.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        totals.append(res.total)
        dropped += res.matched_words < len(q.q.split())
    return latencies, cpu, totals, dropped


async def run(args: argparse.Namespace) -> None:
    corpus = Corpus(args.seed)
    with tempfile.TemporaryDirectory(prefix="bh-search-bench-") as tmp:
        root = Path(args.keep) if args.keep else Path(tmp) / "search"
        engine = TantivySearchEngine(root)
        await engine.open()
        if await engine.count() < args.docs:
            await index_corpus(engine, corpus, args, root)
        else:
            print(f"reusing the index in {root} ({await engine.count():,} documents)")
        size = dir_size(root)
        segments = await engine.segments()
        print(
            f"index size on disk: {size / 1e6:,.1f} MB ({size / max(args.docs, 1):,.0f} bytes/doc), {segments} segments"
        )

        queries = [corpus.query() for _ in range(args.queries + args.warmup)]
        for q in queries[: args.warmup]:
            await engine.search(q)
        target = 10 if args.docs <= 100_000 else 30
        print(
            f"queries: {args.queries:,} x {args.runs} runs (1-4 words, ~30% typos, prefixes, filters, facets "
            f"tags/trigger/runtime/nodes, 20 hits with highlights); wall = engine latency, cpu = process CPU time"
        )
        p95s = []
        for run_no in range(1, args.runs + 1):
            latencies, cpu, totals, dropped = await run_queries(engine, queries[args.warmup :])
            p95s.append(pct(latencies, 95))
            print(
                f"  run {run_no}: wall ms p50 {pct(latencies, 50):.2f}  p95 {pct(latencies, 95):.2f}  "
                f"p99 {pct(latencies, 99):.2f}  max {max(latencies):.1f} | cpu ms p50 {pct(cpu, 50):.2f}  "
                f"p95 {pct(cpu, 95):.2f}  p99 {pct(cpu, 99):.2f}  [target p95 <= {target} ms]"
            )
        print(
            f"median p95 over runs: {statistics.median(p95s):.2f} ms; median total hits {pct(totals, 50):,}; "
            f"zero-hit queries {sum(1 for x in totals if not x)}; queries that dropped words {dropped}"
        )
        t = time.perf_counter()
        for q in queries[: args.suggest]:
            await engine.suggest(q.q[:4])
        print(f"suggest: mean {(time.perf_counter() - t) * 1000 / args.suggest:.2f} ms over {args.suggest} prefixes")
        await engine.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--suggest", type=int, default=300)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--upsert-batch", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3, help="query runs; the median p95 is reported")
    parser.add_argument("--keep", help="index directory to build once and reuse (default: a temporary one)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
