"""Issue 7 benchmark over HTTP: offline generation latency (POST /ai/generate) and chat time to first SSE event
(POST /ai/chat), against a real `blokhub serve` with no API key (offline generator).

    python bench/ai.py [--samples 100]

Targets: offline p95 <= 300 ms; first SSE event <= 200 ms. `bench/ai_offline.py` measures the generator alone and
the first streamed chunk from an OpenAI-compatible server through the client.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_baseline import free_port, start, stop
from search import line

PROMPTS = [
    "When someone submits the contact form, check the country and post big leads to Slack",
    "Every morning at 8 fetch the weather for Berlin and email it to me",
    "GET endpoint that returns the latest GitHub issues from Postgres",
    "When a Stripe payment fails, notify the billing channel on Discord",
    "Nightly backup of the orders collection in MongoDB to S3",
    "Summarise new Zendesk tickets with OpenAI and post them to Teams",
]


async def measure(port: int, samples: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=60) as c:
        r = await c.post(
            "/auth/register",
            json={"username": "aibench", "email": "ai@example.com", "password": "ai-Bench-secret-2024"},
        )
        h = {"Authorization": f"Bearer {r.json()['access_token']}"}
        await c.post("/ai/generate", json={"prompt": PROMPTS[0]}, headers=h)  # loads the embedding model once
        generate, first_event, full_chat = [], [], []
        for i in range(samples):
            prompt = PROMPTS[i % len(PROMPTS)]
            t = time.perf_counter()
            r = await c.post("/ai/generate", json={"prompt": prompt}, headers=h)
            generate.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200 and r.json()["valid"], r.text
            t = time.perf_counter()
            async with c.stream("POST", "/ai/chat", json={"message": prompt}, headers=h) as stream:
                first = None
                async for chunk in stream.aiter_text():
                    if first is None and "event:" in chunk:
                        first = (time.perf_counter() - t) * 1000
                full_chat.append((time.perf_counter() - t) * 1000)
            first_event.append(first or float("nan"))
        print(line("POST /ai/generate (offline)", generate))
        print(line("POST /ai/chat first SSE event", first_event))
        print(line("POST /ai/chat whole stream", full_chat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bh-ai-") as tmp:
        port = free_port()
        proc, _ = start(Path(tmp) / "data", port)
        try:
            asyncio.run(measure(port, args.samples))
        finally:
            stop(proc)


if __name__ == "__main__":
    main()
