"""The AI evaluation set (evals/ai): accuracy per category for first drafts and follow-up edits.

    python bench/ai_eval.py [--provider offline|openai|fake] [--verbose] [--only ID_PREFIX]

offline: the rule-based generator (no key). openai: any OpenAI-compatible server from OPENAI_BASE_URL,
OPENAI_API_KEY and OPENAI_MODEL. fake: the test suite's OpenAI-compatible server (tests/ai/fake_openai.py), whose
"model" answers with the offline generator's draft after a search tool call, and breaks every fifth first answer
so the repair round runs too - it measures the protocol path (json_schema, tool calls, repairs), not a model.
Targets offline: >= 95% of prompts and >= 90% of edits fully right, 100% valid, 0 data-flow failures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from blokhub.ai import LLMClient, LLMConfig
from evals.ai.run import load_set, run_edits, run_prompts


def _client(provider: str, base_url: str | None = None) -> LLMClient | None:
    if provider == "offline":
        return None
    if provider == "fake":
        return LLMClient(LLMConfig(api_key="fake", base_url=base_url, model="fake-model", timeout=10.0))
    key = os.environ.get("OPENAI_API_KEY")
    if not key:
        raise SystemExit("--provider openai needs OPENAI_API_KEY (and OPENAI_BASE_URL / OPENAI_MODEL if not OpenAI)")
    model = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")
    return LLMClient(LLMConfig(api_key=key, base_url=os.environ.get("OPENAI_BASE_URL"), model=model, timeout=60.0))


async def main(provider: str, verbose: bool, only: str | None) -> int:
    server = None
    if provider == "fake":
        from tests.ai.fake_model import offline_model
        from tests.ai.fake_openai import FakeOpenAI

        server = FakeOpenAI().start()
        server.responder = offline_model()
    llm = _client(provider, server.base_url if server else None)
    prompts = [c for c in load_set("prompts") if only is None or c["id"].startswith(only)]
    edits = [c for c in load_set("edits") if only is None or c["id"].startswith(only)]
    started = time.perf_counter()
    try:
        reports = [await run_prompts(prompts, llm), await run_edits(edits, llm)]
    finally:
        if llm is not None:
            await llm.aclose()
        if server is not None:
            server.stop()
    print(f"provider {provider}: {len(prompts)} prompts, {len(edits)} edits in {time.perf_counter() - started:.1f} s")
    for report in reports:
        for line in report.lines(verbose):
            print(line)
    if llm is not None:
        print(f"model requests {llm.attempts}, tokens {llm.usage.total_tokens}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--provider", choices=["offline", "openai", "fake"], default="offline")
    parser.add_argument("--verbose", action="store_true", help="list every failure")
    parser.add_argument("--only", help="run only the cases whose id starts with this")
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.provider, args.verbose, args.only)))
