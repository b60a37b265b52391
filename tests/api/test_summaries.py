"""Search hits and suggestions are hydrated by one bare query (no ORM); its summaries must be the ORM's exactly,
and it must apply the listed rule."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from blokhub.api.workflows.presenters import summary_of
from blokhub.api.workflows.summaries import listed_ids, listed_summaries
from blokhub.db.models import User, Workflow
from blokhub.runtime.resources import Resources
from tests.api.workflow_helpers import simple
from tests.conftest import Account

W = "/api/v1/workflows"


async def test_bare_summaries_equal_the_orm_ones_and_only_listed_come_back(
    alice: Account, bob: Account, clean: Resources
) -> None:
    plain = (await alice.post(W, json={"definition": simple(name="plain-one"), "tags": ["slack"]})).json()["id"]
    rated = (await alice.post(W, json={"definition": simple(name="rated-one")})).json()["id"]
    await bob.put(f"{W}/{rated}/rating", json={"stars": 4, "review": "fine"})
    await bob.put(f"{W}/{rated}/favorite")
    fork = (await bob.post(f"{W}/{plain}/fork")).json()["id"]
    private = (await alice.post(W, json={"definition": simple(name="private-one"), "visibility": "private"})).json()[
        "id"
    ]
    hidden = (await alice.post(W, json={"definition": simple(name="hidden-one")})).json()["id"]
    async with clean.sessionmaker() as db, db.begin():
        await db.execute(update(Workflow).where(Workflow.id == hidden).values(hidden_at=Workflow.created_at))
    ids = [plain, rated, fork, private, hidden, 10**9]

    bare = await listed_summaries(clean.bare_pg, ids)
    async with clean.read_sessionmaker() as db:
        rows = (
            await db.scalars(select(Workflow).options(joinedload(Workflow.owner)).where(Workflow.id.in_(ids)))
        ).all()
    orm = {w.id: summary_of(w) for w in rows if w.id in (plain, rated, fork)}
    assert set(bare) == {plain, rated, fork} == await listed_ids(clean.bare_pg, ids)
    assert bare == orm
    assert bare[fork].forked_from is not None and bare[rated].stats.rating.count == 1
    assert bare[rated].stats.favorites == 1

    bob_id = await clean_user_id(clean, "bob")
    # For bob's recommendations: not his own fork, not the one he favorited.
    assert set(await listed_summaries(clean.bare_pg, ids, not_for_user=bob_id)) == {plain}


async def clean_user_id(clean: Resources, username: str) -> int:
    async with clean.read_sessionmaker() as db:
        return int(await db.scalar(select(User.id).where(User.username == username)) or 0)
