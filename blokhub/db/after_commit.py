"""Side effects that must happen only once the transaction has committed (pushes, cache invalidation)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)

_KEY = "after_commit"


def after_commit(session: AsyncSession, fn: Callable[[], Awaitable[None]]) -> None:
    session.info.setdefault(_KEY, []).append(fn)


def discard(session: AsyncSession) -> None:
    session.info.pop(_KEY, None)


async def run(session: AsyncSession) -> None:
    for fn in session.info.pop(_KEY, []):
        try:
            await fn()
        except Exception:  # the write is committed; a failed push must not turn it into an error
            log.exception("after-commit hook failed")
