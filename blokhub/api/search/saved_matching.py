"""The saved-search consumer (its own outbox lane): tell owners about new public workflows their searches match.

Idempotent: a (saved search, workflow) pair is recorded in ``saved_search_matches`` in the same transaction as the
notification, so a redelivered event, or a workflow made private and public again, never notifies twice. It has its
own lane, so a failing index or feed consumer never re-sends notifications.

Bulk: a batch of new workflows is matched against every saved search at once. The structured filters are exact
term comparisons, evaluated here on the batch's documents; the free text needs the engine's analysis (stemming,
typos), so each distinct text is asked once, restricted to the batch's ids — not one query per saved search.
"""

from __future__ import annotations

from collections.abc import Sequence

from arq.connections import ArqRedis
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from blokhub.api.errors import Unprocessable
from blokhub.api.notifications.services import notify
from blokhub.api.search.saved import parse_filters
from blokhub.db.base import utcnow
from blokhub.db.models import OutboxEvent, SavedSearch, SavedSearchMatch, Workflow
from blokhub.indexers import builder
from blokhub.indexers.search import MAX_PER_PAGE, SearchDocument, SearchEngine, SearchFilters, SearchQuery


class NotIndexedYet(RuntimeError):
    """The index lane has not caught up with these workflows: the relay retries the batch after a back-off."""


def passes(f: SearchFilters, d: SearchDocument) -> bool:
    """The structured half of a saved search, on one document (the engine's term filters, in Python)."""
    return (
        set(f.tags) <= set(d.tags)
        and set(f.nodes) <= set(d.nodes)
        and f.trigger in (None, d.trigger)
        and f.method in (None, d.method)
        and (f.runtime is None or f.runtime in d.runtimes)
        and f.author in (None, d.author)
        and f.has_branches in (None, d.has_branches)
        and f.dialect in (None, d.dialect)
        and (f.requirements is None or f.requirements in d.requirements)
        and (f.min_rating is None or d.rating_average >= f.min_rating)
    )


async def _found(engine: SearchEngine, q: str, ids: list[int]) -> set[int]:
    out: set[int] = set()
    for start in range(0, len(ids), MAX_PER_PAGE):
        chunk = ids[start : start + MAX_PER_PAGE]
        out |= {h.id for h in (await engine.search(SearchQuery(q=q, ids=chunk, per_page=MAX_PER_PAGE))).hits}
    return out


async def _text_matches(engine: SearchEngine, texts: set[str], ids: list[int]) -> dict[str, set[int]]:
    """For each distinct text, which of ``ids`` it finds (the empty text finds them all)."""
    # This lane runs beside the index lane, not after it: wait (retry) until the index has the batch.
    if missing := sorted(set(ids) - await _found(engine, "", ids)):
        raise NotIndexedYet(f"workflows {missing} are not in the search index yet")
    out = {"": set(ids)}
    for q in sorted(texts - {""}):
        out[q] = await _found(engine, q, ids)
    return out


async def match_saved_searches(
    engine: SearchEngine, redis: ArqRedis, session: AsyncSession, events: Sequence[OutboxEvent]
) -> int:
    """Notify the owners of saved searches matching the batch's newly public workflows. Returns notifications sent."""
    ids = sorted({e.aggregate_id for e in events if e.aggregate_type == "workflow"})
    docs, _ = await builder.load(session, ids) if ids else ([], [])
    if not docs:  # none of them is public and listed (any more)
        return 0
    searches: list[tuple[SavedSearch, str, SearchFilters]] = []
    for saved in (await session.scalars(select(SavedSearch).order_by(SavedSearch.id))).all():
        try:
            searches.append(
                (saved, str(saved.query.get("q", "")).strip(), parse_filters(saved.query.get("filters", {})))
            )
        except Unprocessable:  # stored before a filter was retired: it matches nothing
            continue
    candidates = [(s, q, [d.id for d in docs if passes(f, d)]) for s, q, f in searches]
    candidates = [c for c in candidates if c[2]]
    if not candidates:
        return 0
    by_text = await _text_matches(engine, {q for _, q, _ in candidates}, [d.id for d in docs])
    pairs = [(s, wid) for s, q, wids in candidates for wid in wids if wid in by_text[q]]
    if not pairs:
        return 0
    # The dedupe key: only pairs recorded now (not by an earlier delivery) are told.
    now = utcnow()
    recorded = await session.execute(
        insert(SavedSearchMatch)
        .values([{"saved_search_id": s.id, "workflow_id": wid, "created_at": now} for s, wid in pairs])
        .on_conflict_do_nothing()
        .returning(SavedSearchMatch.saved_search_id, SavedSearchMatch.workflow_id)
    )
    new = {(int(sid), int(wid)) for sid, wid in recorded.all()}
    workflows = {
        w.id: w
        for w in await session.scalars(
            select(Workflow).options(joinedload(Workflow.owner)).where(Workflow.id.in_({wid for _, wid in new}))
        )
    }
    sent = 0
    for saved, wid in pairs:
        if (saved.id, wid) not in new:
            continue
        workflow = workflows[wid]
        await notify(
            session,
            redis,
            user_id=saved.user_id,
            kind="saved_search_match",
            actor=workflow.owner,
            workflow=workflow,
            data={"saved_search_id": saved.id, "name": saved.name},
        )
        sent += 1
    return sent
