"""Reads the demo corpus's data files (``seed/data/*.json``, shipped as package data) into immutable tables.

JSON arrays become tuples, so the generators index into the same shapes whatever file a table comes from, and
nothing a workflow builder does can change a table for the next workflow.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


@cache
def load(name: str) -> dict[str, Any]:
    """The tables of ``data/<name>.json``, keyed by table name (read once; callers must not change them)."""
    text = resources.files("blokhub.seed").joinpath(f"data/{name}.json").read_text(encoding="utf-8")
    tables: dict[str, Any] = _frozen(json.loads(text))
    return tables
