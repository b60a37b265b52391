"""The offline generator gives the same drafts in every process: nothing depends on set or hash order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import hashlib, json
from blokhub.ai import GenerationError, GenerationRequest, generate_offline
from evals.ai.run import load

digest = hashlib.sha256()
for case in load("edits.yaml"):
    base = generate_offline(GenerationRequest(prompt=case["base"])).workflow
    for message in [*case.get("before", []), case["edit"]]:
        try:
            result = generate_offline(GenerationRequest(prompt=message, current=base))
        except GenerationError as exc:
            digest.update(exc.code.encode())
            break
        base = result.workflow
        digest.update(json.dumps([result.workflow, result.explanation], sort_keys=True).encode())
print(digest.hexdigest())
"""


def _digest(seed: str) -> str:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=root, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout.strip()


def test_edits_do_not_depend_on_hash_order() -> None:
    assert _digest("1") == _digest("2")
