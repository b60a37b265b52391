"""Helpers for the Blok format tests: fixture files (copied from the shared reference set), small builders."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from blokhub.blok import BlokParseError, Format, parse

FIXTURES = Path(__file__).parents[1] / "fixtures" / "blok-workflows"
VALID = sorted((FIXTURES / "valid").iterdir())
INVALID = sorted((FIXTURES / "invalid").iterdir())

BASE: dict[str, Any] = {
    "name": "Orders",
    "description": "Routes order requests",
    "version": "1.0.0",
    "trigger": {"http": {"method": "*", "path": "/:id?", "accept": "application/json"}},
    "steps": [
        {"name": "auth", "node": "@nanoservice-ts/api-call", "type": "module"},
        {"name": "route", "node": "@nanoservice-ts/if-else", "type": "module"},
        {"name": "respond", "node": "mapper", "type": "module"},
    ],
    "nodes": {
        "auth": {
            "inputs": {
                "url": "https://auth.example.com/check",
                "method": "GET",
                "headers": {"Authorization": "${ctx.request.headers.authorization}"},
            }
        },
        "route": {
            "conditions": [
                {
                    "type": "if",
                    "condition": "ctx.request.method === 'GET'",
                    "steps": [{"name": "load", "node": "postgres-query", "type": "module"}],
                },
                {"type": "else", "steps": [{"name": "reject", "node": "error", "type": "module"}]},
            ]
        },
        "respond": {"inputs": {"model": {"data": "js/ctx.response.data"}}},
        "load": {"inputs": {"host": "localhost", "query": "SELECT 1", "password": "example"}},
        "reject": {"inputs": {"message": "Method not allowed"}},
    },
}


def fmt_of(path: Path) -> Format:
    return Format(path.suffix[1:])


def base_doc() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def fastest(action: Callable[[], object], runs: int = 3) -> float:
    """Best-of-N wall time, so a busy machine does not make a safety bound flaky."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def refused(source: str | bytes, fmt: str) -> BlokParseError:
    with pytest.raises(BlokParseError) as info:
        parse(source, fmt)
    return info.value
