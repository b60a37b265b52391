"""The consumer table is installed at start; a process that forgot it fails at its first write, not silently."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from blokhub.outbox import install
from blokhub.wiring.consumers import CONSUMERS, SAVED_SEARCHES, VECTORS


def test_lanes_come_from_the_table() -> None:
    registry = install(CONSUMERS)  # as every entry point does at start
    assert registry.lanes_for("workflow.created") == ["main", SAVED_SEARCHES, VECTORS]
    assert registry.lanes_for("workflow.updated") == ["main", VECTORS]
    assert registry.lanes_for("user.registered") == ["main"]
    assert registry.lanes() == ["main", SAVED_SEARCHES, VECTORS]
    every_topic = {t for c in CONSUMERS for t in c.topics}
    assert all(registry.handlers_for(t, c.lane) for c in CONSUMERS for t in c.topics) and every_topic


def test_emit_without_the_table_raises() -> None:
    script = textwrap.dedent(
        """
        from sqlalchemy.ext.asyncio import AsyncSession
        from blokhub.outbox import emit
        from blokhub.outbox.registry import RegistryNotInstalled

        try:
            emit(AsyncSession(), "workflow.created", "workflow", 1)
        except RegistryNotInstalled as exc:
            print("raised:", exc)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.stdout.startswith("raised: no outbox consumer table installed"), out.stderr
