"""The listed rule's three spellings (SQL expression, SQL fragment, Python predicate) agree on every kind of row."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from types import SimpleNamespace

from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from blokhub.db.models import Visibility, Workflow, listed_sql
from blokhub.runtime.resources import Resources

NOW = datetime(2026, 1, 1, tzinfo=UTC)
CASES = list(itertools.product(Visibility.ALL, (None, NOW), (None, NOW)))


async def test_expression_fragment_and_predicate_agree(resources: Resources) -> None:
    expression = Workflow.listed.expression.compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    rows = ", ".join(f"({i}, :v{i}, CAST(:d{i} AS timestamptz), CAST(:h{i} AS timestamptz))" for i in range(len(CASES)))
    params: dict[str, object] = {}
    for i, (visibility, deleted, hidden) in enumerate(CASES):
        params |= {f"v{i}": visibility, f"d{i}": deleted, f"h{i}": hidden}
    sql = text(
        f"SELECT id, ({expression}) AS by_expression, ({listed_sql()}) AS by_fragment, ({listed_sql('workflows')}) AS aliased "
        f"FROM (VALUES {rows}) AS workflows(id, visibility, deleted_at, hidden_at)"
    )
    async with resources.engine.connect() as conn:
        answers = {r.id: (r.by_expression, r.by_fragment, r.aliased) for r in await conn.execute(sql, params)}
    predicate = [Workflow.listed.fget(SimpleNamespace(visibility=v, deleted_at=d, hidden_at=h)) for v, d, h in CASES]
    assert [answers[i] for i in range(len(CASES))] == [(p, p, p) for p in predicate]
    assert predicate.count(True) == 1  # public, alive, not hidden: exactly one of the sixteen kinds of row


def test_instances_use_the_predicate() -> None:
    row = Workflow(visibility=Visibility.PUBLIC, deleted_at=None, hidden_at=None)
    assert row.listed
    row.hidden_at = NOW
    assert not row.listed
