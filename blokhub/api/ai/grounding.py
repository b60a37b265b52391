"""What generation is grounded on: the closest public workflows (by meaning) and the node catalogue of the corpus."""

from __future__ import annotations

import logging
import time

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.ai import GroundingExample, NodeInfo
from blokhub.api.workflows.access import listed_for
from blokhub.db.models import Workflow, listed_sql
from blokhub.indexers.vectors import Embedder, VectorEngine

log = logging.getLogger(__name__)

EXAMPLES = 3
CATALOGUE_SIZE = 120
CATALOGUE_TTL = 600.0
_catalogue: tuple[float, list[NodeInfo]] | None = None

_NODES = text(f"""
SELECT node, count(*) AS n FROM workflows, jsonb_array_elements_text(facts->'nodes') AS node
WHERE {listed_sql()}
GROUP BY node ORDER BY n DESC LIMIT :limit
""")


async def catalogue(db: AsyncSession) -> list[NodeInfo]:
    """Node packages seen in public workflows, most used first (cached per process for ten minutes)."""
    global _catalogue
    if _catalogue is not None and time.monotonic() - _catalogue[0] < CATALOGUE_TTL:
        return _catalogue[1]
    rows = (await db.execute(_NODES, {"limit": CATALOGUE_SIZE})).all()
    nodes = [NodeInfo(name=name, count=int(n)) for name, n in rows]
    _catalogue = (time.monotonic(), nodes)
    return nodes


async def examples(db: AsyncSession, vectors: VectorEngine, embedder: Embedder, prompt: str) -> list[GroundingExample]:
    """The public workflows closest in meaning to the prompt. Without vectors, generation still works ungrounded."""
    try:
        vector = await embedder.embed_one(prompt)
        hits = await vectors.search(vector, EXAMPLES * 2)
    except Exception as exc:
        log.warning("grounding unavailable: %s", exc)
        return []
    ids = [h.id for h in hits]
    if not ids:
        return []
    rows = {w.id: w for w in (await db.scalars(select(Workflow).where(Workflow.id.in_(ids), listed_for(None)))).all()}
    return [GroundingExample(id=i, title=rows[i].title, definition=rows[i].definition) for i in ids if i in rows][
        :EXAMPLES
    ]
