"""`visible_to` (SQLAlchemy expression) and `visible_sql` (its spelling for bare statements) agree on every kind of
row, for every kind of viewer: anonymous, the owner, someone else, a moderator."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from blokhub.api.workflows.access import visible_sql, visible_to
from blokhub.db.models import Visibility
from blokhub.runtime.resources import Resources

NOW = datetime(2026, 1, 1, tzinfo=UTC)
OWNER = 1
ROWS = list(itertools.product(Visibility.ALL, (None, NOW), (None, NOW), (None, NOW)))
VIEWERS: list[Any] = [
    None,
    SimpleNamespace(id=OWNER, is_moderator=False),
    SimpleNamespace(id=2, is_moderator=False),
    SimpleNamespace(id=2, is_moderator=True),
]


async def test_expression_and_fragment_agree(resources: Resources) -> None:
    rows = ", ".join(
        f"({i}, {OWNER}, :v{i}, CAST(:d{i} AS timestamptz), CAST(:h{i} AS timestamptz), CAST(:b{i} AS timestamptz))"
        for i in range(len(ROWS))
    )
    params: dict[str, object] = {}
    for i, (visibility, deleted, hidden, banned) in enumerate(ROWS):
        params |= {f"v{i}": visibility, f"d{i}": deleted, f"h{i}": hidden, f"b{i}": banned}
    values = f"(VALUES {rows}) AS workflows(id, owner_id, visibility, deleted_at, hidden_at, owner_banned_at)"
    seen = []
    async with resources.engine.connect() as conn:
        for viewer in VIEWERS:
            expression = visible_to(viewer).compile(
                dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
            )
            moderator = "true" if viewer is not None and viewer.is_moderator else "false"
            viewer_id = str(viewer.id) if viewer is not None else "NULL::bigint"
            fragment = visible_sql("workflows", moderator=moderator, viewer=viewer_id)
            sql = text(f"SELECT id, ({expression}) AS a, coalesce(({fragment}), false) AS b FROM {values}")
            answers = [(r.a, r.b) for r in await conn.execute(sql, params)]
            assert [a for a, _ in answers] == [b for _, b in answers], viewer
            seen.append(sum(a for a, _ in answers))
    # anonymous and someone else: shared, alive, not hidden, owner not banned; the owner and a moderator: alive
    assert seen == [2, 16, 2, 16]
