"""A batch of AI drafts from the offline generator (the default with no key): the suite's own prompts and the
evaluation set's, through ``blokhub.ai.generate`` as the product calls it (no model, no grounding corpus)."""

from __future__ import annotations

import asyncio
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from blokhub.ai import GenerationError, GenerationRequest, GroundingExample, generate
from tests.ai.prompts_offline import CASES

EVAL_PROMPTS = Path(__file__).resolve().parents[2] / "evals" / "ai" / "prompts.yaml"


def prompts() -> list[str]:
    found = [case.prompt for case in CASES]
    if EVAL_PROMPTS.is_file():
        found += [case["prompt"] for case in yaml.safe_load(EVAL_PROMPTS.read_text("utf-8"))]
    return list(dict.fromkeys(found))


async def _nothing(query: str) -> list[GroundingExample]:
    return []


async def _drafts() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for index, prompt in enumerate(prompts()):
        try:
            result = await generate(GenerationRequest(prompt=prompt), llm=None, search=_nothing)
        except GenerationError:  # a prompt the generator refuses (and says why) makes no draft
            continue
        out[f"draft-{index}"] = result.workflow
    return out


@cache
def offline_drafts() -> dict[str, dict[str, Any]]:
    """Key -> draft, one per prompt (cached: the generator is deterministic)."""
    return asyncio.run(_drafts())
