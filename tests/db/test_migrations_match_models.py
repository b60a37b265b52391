"""The models and the migrations describe the same schema: autogenerate against the migrated database finds nothing."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from blokhub.db import models  # noqa: F401  (registers every table on the metadata)
from blokhub.db.base import Base
from blokhub.runtime.resources import Resources


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": False})
    return list(compare_metadata(context, Base.metadata))


async def test_autogenerate_finds_no_difference(resources: Resources) -> None:
    async with resources.engine.connect() as conn:
        differences = await conn.run_sync(_differences)
    assert differences == [], "models and migrations disagree; add a migration:\n" + "\n".join(map(str, differences))
