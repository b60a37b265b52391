"""Search engine benchmark: index N synthetic workflow documents into the embedded tantivy engine, then time a
query mix (1-4 words, typos, prefixes, filters, four facets) through the engine's async API.

    python bench/search_engine.py [--docs 100000] [--queries 2000] [--seed 7]
    python bench/search_engine.py --docs 1000000        # a few minutes

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
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from blokhub.indexers.search import SearchDocument, SearchFilters, SearchQuery, TantivySearchEngine

SERVICES = [
    "slack",
    "github",
    "stripe",
    "postgres",
    "openai",
    "notion",
    "discord",
    "twilio",
    "sendgrid",
    "s3",
    "redis",
    "mongodb",
    "airtable",
    "hubspot",
    "salesforce",
    "shopify",
    "jira",
    "gitlab",
    "telegram",
    "gmail",
    "sheets",
    "dropbox",
    "mailchimp",
    "zendesk",
    "intercom",
    "linear",
    "asana",
    "trello",
    "sentry",
    "datadog",
]
ACTIONS = [
    "notify",
    "sync",
    "backup",
    "summarize",
    "charge",
    "import",
    "export",
    "report",
    "alert",
    "digest",
    "translate",
    "classify",
    "enrich",
    "archive",
    "monitor",
    "schedule",
    "validate",
    "transform",
    "publish",
    "generate",
    "forward",
    "aggregate",
    "deduplicate",
    "refund",
    "invoice",
    "onboard",
    "escalate",
    "label",
]
NOUNS = [
    "notifications",
    "payments",
    "issues",
    "orders",
    "customers",
    "invoices",
    "messages",
    "tickets",
    "leads",
    "reports",
    "events",
    "users",
    "documents",
    "images",
    "emails",
    "webhooks",
    "metrics",
    "logs",
    "tasks",
    "subscriptions",
    "comments",
    "reviews",
    "deployments",
    "releases",
    "alerts",
    "contacts",
    "files",
    "records",
]
GLUE = ["to", "from", "with", "and", "for", "on", "into", "when", "every", "daily", "weekly", "new", "failed"]
TRIGGERS = ["http", "http", "http", "cron", "manual", "grpc", "mcp"]
METHODS = ["GET", "POST", "POST", "PUT", "DELETE", "*"]
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
        i = self.rng.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :] if self.rng.random() < 0.5 else word[:i] + word[i + 1 :]

    def query(self) -> SearchQuery:
        rng = self.rng
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
        sort = "relevance" if rng.random() < 0.8 else rng.choice(["newest", "favorites", "top_rated", "trending"])
        return SearchQuery(q=" ".join(words), filters=f, sort=sort, facets=["tags", "trigger", "runtime", "nodes"])


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def run(args: argparse.Namespace) -> None:
    corpus = Corpus(args.seed)
    with tempfile.TemporaryDirectory(prefix="bh-search-bench-") as tmp:
        engine = TantivySearchEngine(Path(tmp) / "search")
        await engine.open()

        gen_seconds = 0.0

        async def source() -> AsyncIterator[list[SearchDocument]]:
            nonlocal gen_seconds
            for batch_no in range(0, args.docs, args.batch):
                t = time.perf_counter()
                batch = [corpus.doc(i) for i in range(batch_no, min(args.docs, batch_no + args.batch))]
                gen_seconds += time.perf_counter() - t
                yield batch

        started = time.perf_counter()
        written = await engine.rebuild(source())
        wall = time.perf_counter() - started
        index_seconds = wall - gen_seconds
        print(f"documents: {written:,}  (generating them took {gen_seconds:.1f}s, excluded)")
        print(
            f"indexing (rebuild, batches of {args.batch:,}): {index_seconds:.1f}s = {written / index_seconds:,.0f} docs/s"
            f"  [target >= 2,000 docs/s]"
        )
        size = dir_size(Path(tmp) / "search")
        print(f"index size on disk: {size / 1e6:,.1f} MB ({size / max(written, 1):,.0f} bytes/doc)")

        t = time.perf_counter()
        small = [corpus.doc(args.docs + i) for i in range(args.upsert_batch)]
        await engine.upsert(small)
        print(f"incremental upsert of {len(small)} docs (commit + reload): {(time.perf_counter() - t) * 1000:.0f} ms")

        queries = [corpus.query() for _ in range(args.queries + args.warmup)]
        for q in queries[: args.warmup]:
            await engine.search(q)
        gc.collect()
        latencies, totals, dropped = [], [], 0
        for q in queries[args.warmup :]:
            t = time.perf_counter()
            res = await engine.search(q)
            latencies.append((time.perf_counter() - t) * 1000)
            totals.append(res.total)
            dropped += res.matched_words < len(q.q.split())
        target = 10 if args.docs <= 100_000 else 30
        print(
            f"queries: {len(latencies):,} (1-4 words, ~30% typos, ~30% prefixes, filters, facets tags/trigger/runtime/"
            f"nodes, 20 hits with highlights)"
        )
        print(
            f"engine latency ms: p50 {pct(latencies, 50):.2f}  p95 {pct(latencies, 95):.2f}  p99 {pct(latencies, 99):.2f}"
            f"  max {max(latencies):.2f}  mean {statistics.fmean(latencies):.2f}  [target p95 <= {target} ms]"
        )
        print(
            f"hits per query: median total {pct(totals, 50):,}; queries with zero hits "
            f"{sum(1 for x in totals if not x)}; queries that dropped words {dropped}"
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
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
