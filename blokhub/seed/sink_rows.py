"""One record of a source pre-rendered for the sinks (SQL insert, JS object, spreadsheet row), computed once."""

from __future__ import annotations

from dataclasses import dataclass

from blokhub.seed.corpus_build import Ctx, Source
from blokhub.seed.corpus_sources import HOOKS, POLLS

MANY_ROWS = "js/ctx.response.data"
TODAY = "${new Date().toISOString().slice(0, 10)}"


@dataclass(frozen=True, slots=True)
class RowForms:
    """One record of a source, pre-rendered for the different sinks (computed once at import)."""

    sql: str  # INSERT with ${} placeholders
    obj: str  # js/ object literal
    arr: str  # js/ [[...]] row for spreadsheets
    cols: tuple[str, ...]


def _row_forms(src: Source) -> RowForms:
    cols = tuple(col for col, _ in src.row)
    exprs = [expr for _, expr in src.row]
    values = ", ".join(f"'${{{e}}}'" for e in exprs)
    sql = f"INSERT INTO {src.table} ({', '.join(cols)}) VALUES ({values}) ON CONFLICT DO NOTHING"
    obj = "js/({ " + ", ".join(f"{col}: {e}" for col, e in src.row) + " })"
    arr = "js/[[" + ", ".join(exprs) + "]]"
    return RowForms(sql, obj, arr, cols)


ROWS: dict[str, RowForms] = {s.key: _row_forms(s) for s in (*HOOKS, *POLLS) if s.row}


def one_or_many(c: Ctx) -> tuple[bool, RowForms | None]:
    if c.rows is not None:
        return True, None
    return False, ROWS.get(c.src.key)
