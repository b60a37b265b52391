"""one spelling per identity

Emails and tags are stored in their folded form (NFKC, case-folded; see blokhub.api.textforms), so one address or
one tag written with full-width letters or another case is the same value for uniqueness, login and filtering.
Existing rows are folded here; an email whose folded form another account already holds is left as it is (logged),
since merging accounts is a human decision.

Revision ID: 3b8f0d2e7a15
Revises: 7c1e9a4b2d60
Create Date: 2026-11-29 23:40:00
"""

from __future__ import annotations

import logging
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "3b8f0d2e7a15"
down_revision = "7c1e9a4b2d60"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)


def _fold(text: str) -> str:
    # A copy of blokhub.api.textforms.fold: a migration must keep doing what it did when it was written.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold()).strip()


def _tags(tags: list[str]) -> list[str]:
    out: list[str] = []
    for raw in tags:
        tag = "-".join(_fold(raw).split())[:32]
        if tag and tag not in out:
            out.append(tag)
    return out


def upgrade() -> None:
    bind = op.get_bind()
    held = {row.key for row in bind.execute(sa.text("SELECT lower(email) AS key FROM users"))}
    for row in bind.execute(sa.text("SELECT id, email FROM users ORDER BY id")).all():
        folded = _fold(row.email)
        if folded == row.email:
            continue
        if folded in held and folded != row.email.lower():
            log.warning("user %s: folded email collides with another account; left unchanged", row.id)
            continue
        bind.execute(sa.text("UPDATE users SET email = :e WHERE id = :id"), {"e": folded, "id": row.id})
        held.add(folded)
    for row in bind.execute(sa.text("SELECT id, tags FROM workflows WHERE tags <> '{}'")).all():
        folded_tags = _tags(list(row.tags))
        if folded_tags != list(row.tags):
            bind.execute(sa.text("UPDATE workflows SET tags = :t WHERE id = :id"), {"t": folded_tags, "id": row.id})


def downgrade() -> None:
    """Folding is not reversible (the original spellings are gone); nothing to undo structurally."""
