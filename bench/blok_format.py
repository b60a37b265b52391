"""Throughput of the Blok format library: parse + validate (+ facts) per document on one core.

Run: python bench/blok_format.py [--seconds 2] [--count 400]
Generates its own realistic workflows (5-15 steps, some if-else branches, ${}/js/ expressions, URLs, SQL);
also times the fixtures in tests/fixtures/blok-workflows/valid (or $BLOK_FIXTURES).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from blokhub.blok import analyze, export, load_schema

FIXTURES = Path(
    os.environ.get(
        "BLOK_FIXTURES", Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "blok-workflows" / "valid"
    )
)
_NODES = [
    "@nanoservice-ts/api-call",
    "mapper",
    "postgres-query",
    "array-map",
    "openai",
    "memory-storage",
    "generate-pdf",
    "api_call",
    "error",
    "base64-pdf",
]
_HOSTS = [
    "api.example.com",
    "countriesnow.space",
    "catfact.ninja",
    "ll.thespacedevs.com",
    "hooks.internal.io",
]


def _inputs(rng: random.Random, node: str) -> dict[str, Any]:
    if node in ("@nanoservice-ts/api-call", "api_call"):
        return {
            "url": f"https://{rng.choice(_HOSTS)}/v{rng.randint(1, 3)}/items/${{ctx.request.params.id}}",
            "method": rng.choice(["GET", "POST"]),
            "headers": {
                "Content-Type": "application/json",
                "Authorization": "js/`Bearer ${process.env.API_TOKEN}`",
            },
            "responseType": "application/json",
        }
    if node == "postgres-query":
        return {
            "host": "localhost",
            "port": 5432,
            "database": "dvdrental",
            "user": "postgres",
            "password": "js/process.env.PGPASSWORD",
            "query": "SELECT id, title FROM film WHERE rating = '${ctx.request.query.rating}' LIMIT "
            + str(rng.randint(5, 100)),
        }
    if node == "openai":
        return {
            "system": [f"Instruction line {i}: answer briefly and cite sources." for i in range(rng.randint(2, 8))],
            "prompt": ["${ctx.request.body.prompt}"],
            "cache_key": "${ctx.request.query.q}",
        }
    if node == "memory-storage":
        return {
            "action": rng.choice(["get", "set", "get-all"]),
            "key": "${ctx.request.params.id}",
            "value": "js/ctx.request.body",
        }
    return {
        "model": {
            "data": "js/ctx.response.data",
            "total": "${ctx.response.data.total}",
            "ok": True,
            "ratio": rng.random(),
        }
    }


def _step(rng: random.Random, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    node = rng.choice(_NODES)
    step: dict[str, Any] = {
        "name": name,
        "node": node,
        "type": "runtime.python3" if node in ("api_call", "generate-pdf") else "module",
    }
    if rng.random() < 0.2:
        step["set_var"] = True
    return step, {"inputs": _inputs(rng, node)}


def generate(rng: random.Random, index: int) -> dict[str, Any]:
    total = rng.randint(5, 15)
    nodes: dict[str, Any] = {}
    steps: list[dict[str, Any]] = []
    made = 0
    while made < total:
        if rng.random() < 0.15 and total - made >= 3:
            branch_name = f"route-{made}"
            conditions = []
            for b in range(rng.randint(2, 3)):
                inner = []
                for _ in range(rng.randint(1, 2)):
                    step, config = _step(rng, f"s{made}-{b}-{len(inner)}")
                    nodes[step["name"]] = config
                    inner.append(step)
                    made += 1
                conditions.append({"type": "if", "condition": f'ctx.request.params.fn === "f{b}"', "steps": inner})
            conditions[-1] = {"type": "else", "steps": conditions[-1]["steps"]}
            steps.append({"name": branch_name, "node": "@nanoservice-ts/if-else", "type": "module"})
            nodes[branch_name] = {"conditions": conditions}
            made += 1
        else:
            step, config = _step(rng, f"step-{made}")
            steps.append(step)
            nodes[step["name"]] = config
            made += 1
    return {
        "name": f"Generated workflow {index}",
        "description": "Benchmark document",
        "version": "1.0.0",
        "trigger": {
            "http": {
                "method": rng.choice(["GET", "POST", "*"]),
                "path": rng.choice(["/", "/:id", "/:fn?/:id?"]),
                "accept": "application/json",
            }
        },
        "steps": steps,
        "nodes": nodes,
    }


def run(name: str, sources: list[tuple[str, str]], seconds: float) -> None:
    timings: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for source, fmt in sources:
            started = time.perf_counter()
            _, result = analyze(source, fmt)
            timings.append(time.perf_counter() - started)
            assert result.valid and result.facts is not None
    rate = len(timings) / sum(timings)
    q = statistics.quantiles(timings, n=100)
    print(
        f"{name:<28} {len(sources):>5} docs  {rate:>9,.0f} docs/s   p50 {q[49] * 1e6:7.0f} us   "
        f"p99 {q[98] * 1e6:7.0f} us"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--count", type=int, default=400)
    args = parser.parse_args()
    rng = random.Random(1234)
    docs = [generate(rng, i) for i in range(args.count)]
    print("parse + validate + facts, one core")
    if FIXTURES.is_dir():
        fixtures = [(p.read_text("utf-8"), p.suffix[1:]) for p in sorted(FIXTURES.iterdir())]
        run("fixtures (mixed formats)", fixtures, args.seconds)
    else:
        print(f"fixtures: skipped ({FIXTURES} not found)")
    for fmt in ("json", "yaml", "toml"):
        run(f"generated {fmt}", [(export(doc, fmt), fmt) for doc in docs], args.seconds)
    try:
        from jsonschema import Draft202012Validator
    except ImportError:
        return
    validator = Draft202012Validator(load_schema())
    started = time.perf_counter()
    for doc in docs:
        validator.is_valid(doc)
    elapsed = time.perf_counter() - started
    print(f"(reference) jsonschema Draft202012 is_valid alone on generated docs: {len(docs) / elapsed:,.0f} docs/s")


if __name__ == "__main__":
    main()
