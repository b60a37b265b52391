"""Offline generation latency over the test prompts, and time to first streamed chunk through stream_text.

Run: .venv/bin/python bench/ai_offline.py [repetitions]. The fake OpenAI-compatible server from the tests is
started in-process on 127.0.0.1; it sends its first delta at once and then one every 20 ms.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from blokhub.ai import GenerationRequest, LLMClient, LLMConfig, generate_offline
from tests.ai.fake_openai import FakeOpenAI, stream
from tests.ai.prompts_offline import CASES


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def bench_offline(repetitions: int) -> None:
    for case in CASES:  # warm imports and regex caches
        generate_offline(GenerationRequest(prompt=case.prompt))
    timings = []
    for _ in range(repetitions):
        for case in CASES:
            started = time.perf_counter()
            generate_offline(GenerationRequest(prompt=case.prompt))
            timings.append((time.perf_counter() - started) * 1000)
    print(f"offline generation: {len(timings)} drafts ({len(CASES)} prompts x {repetitions})")
    print(
        f"  p50 {pct(timings, 50):.2f} ms  p95 {pct(timings, 95):.2f} ms  p99 {pct(timings, 99):.2f} ms  "
        f"max {max(timings):.2f} ms  mean {statistics.fmean(timings):.2f} ms"
    )


async def bench_first_chunk(rounds: int) -> None:
    server = FakeOpenAI().start()
    llm = LLMClient(LLMConfig(api_key="bench", base_url=server.base_url, model="fake-model", timeout=5))
    firsts, totals = [], []
    try:
        for _ in range(rounds):
            server.queue(stream([f"chunk {i} " for i in range(10)], chunk_delay=0.02))
            started = time.perf_counter()
            first = None
            async for _delta in llm.stream_text([{"role": "user", "content": "hi"}]):
                if first is None:
                    first = time.perf_counter() - started
            firsts.append((first or 0) * 1000)
            totals.append((time.perf_counter() - started) * 1000)
    finally:
        await llm.aclose()
        server.stop()
    print(f"stream_text through the fake server: {rounds} streams of 10 deltas, 20 ms apart")
    print(f"  first chunk p50 {pct(firsts, 50):.2f} ms  p95 {pct(firsts, 95):.2f} ms")
    print(f"  whole stream p50 {pct(totals, 50):.1f} ms  p95 {pct(totals, 95):.1f} ms")


def main() -> None:
    repetitions = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    bench_offline(repetitions)
    asyncio.run(bench_first_chunk(30))


if __name__ == "__main__":
    main()
