"""Placeholder until the corpus loader lands."""

from __future__ import annotations

from blokhub.config import Settings


async def seed_if_empty(settings: Settings, workflows: int) -> None:
    return None


async def seed_corpus(settings: Settings, *, seed: int, users: int, workflows: int, progress: bool) -> None:
    raise SystemExit("seeding arrives with the workflows feature")
