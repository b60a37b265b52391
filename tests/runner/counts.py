"""Blok's runner load and run counts by origin: `python -m tests.runner.counts` (from the repository root).

Each origin is judged as written and as the project export writes it (``GET /workflows/{id}/project.zip``: names
rewritten for the published runner, the template nodes it uses shipped); see ``tests/runner/judge.py`` for what
"load", "run" and "answered as written" mean. The runner suite asserts the same figures' invariants.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from blokhub.blok import BlokConversionError, export, parse
from blokhub.blok.project import build_project
from blokhub.blok.requirements import dialect_of
from blokhub.blok.to_v1 import to_v1
from blokhub.seed.corpus import generate_workflows
from tests.runner.drafts import offline_drafts
from tests.runner.judge import Tally, judge
from tests.runner.oracle import unavailable

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "blok-workflows"
DEMO_SEED, DEMO_SAMPLE, DEMO_USERS = 20260811, 300, 40


def project_workflow(doc: dict[str, Any]) -> dict[str, Any]:
    """The workflow file of the project export. The export takes v1 only (422 `project_needs_v1`), so a v2 document
    goes through its v1 export first, as its README tells a user to; one v1 cannot express stays as written (the
    runner refuses it as v2)."""
    if dialect_of(doc) == "v2":
        try:
            doc = to_v1(doc)
        except BlokConversionError:
            return doc
    written: dict[str, Any] = json.loads(build_project(doc, name="w", title="w").files["workflows/json/w.json"])
    return written


def v1_fixtures() -> dict[str, dict[str, Any]]:
    files = sorted(p for p in (FIXTURES / "valid").iterdir() if p.suffix in (".json", ".yaml", ".toml"))
    return {p.name: parse(p.read_bytes(), p.suffix.lstrip(".")).document for p in files}


def v2_fixtures() -> dict[str, dict[str, Any]]:
    files = sorted((FIXTURES / "v2").glob("*.json")) + sorted((FIXTURES / "v2-fork").glob("*.json"))
    return {f"{p.parent.name}/{p.name}": json.loads(p.read_text("utf-8")) for p in files}


def v2_as_v1(docs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The v2 files v1 can express, converted (the rest are refused by the conversion with a reason)."""
    out: dict[str, dict[str, Any]] = {}
    for key, doc in docs.items():
        try:
            out[key] = to_v1(doc)
        except BlokConversionError:
            continue
    return out


def exports(docs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every v1 fixture exported as JSON, YAML and TOML and read back, as a user re-importing a download would."""
    return {f"{key}->{fmt}": parse(export(doc, fmt), fmt).document for key, doc in docs.items() for fmt in FORMATS}


FORMATS = ("json", "yaml", "toml")


def all_tallies() -> list[Tally]:
    v1 = v1_fixtures()
    v2 = v2_fixtures()
    converted = v2_as_v1(v2)
    demo = {f"demo-{w.index}": w.definition for w in generate_workflows(DEMO_SEED, DEMO_SAMPLE, DEMO_USERS)}
    drafts = offline_drafts()
    return [
        judge("v1 fixtures, as written", v1),
        judge("v1 fixtures, project export", {k: project_workflow(d) for k, d in v1.items()}),
        judge("v2 fixtures, as written", v2, run=False),
        judge(
            f"v2 fixtures converted to v1 ({len(converted)}/{len(v2)}), project export",
            {k: project_workflow(d) for k, d in converted.items()},
        ),
        judge("exports (json/yaml/toml, read back), as written", exports(v1)),
        judge(f"demo sample ({DEMO_SAMPLE}, seed {DEMO_SEED}), as written", demo),
        judge("demo sample, project export", {k: project_workflow(d) for k, d in demo.items()}),
        judge("AI drafts (offline generator), as written", drafts),
        judge("AI drafts, project export", {k: project_workflow(d) for k, d in drafts.items()}),
    ]


def main() -> int:
    reason = unavailable()
    if reason is not None:
        print(reason, file=sys.stderr)
        return 1
    started = time.monotonic()
    tallies = all_tallies()
    for tally in tallies:
        print(tally.line())
        for key, problem in sorted(tally.problems.items()):
            print(f"  PROBLEM {key}: {problem}")
    print(f"({time.monotonic() - started:.1f} s)")
    return 1 if any(t.problems for t in tallies) else 0


if __name__ == "__main__":
    raise SystemExit(main())
