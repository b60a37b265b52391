"""The demo's staff: a moderator and an admin with known names (and the demo password), so moderation can be
tried on a first `make run` without creating accounts. Documented in the README."""

from __future__ import annotations

import asyncpg

from blokhub.api.auth.passwords import hash_password

# (username, email, display name, role)
STAFF = (
    ("moderator", "moderator@blokhub.example", "Demo Moderator", "moderator"),
    ("admin", "admin@blokhub.example", "Demo Admin", "admin"),
)


async def insert_staff(conn: asyncpg.Connection, password: str) -> int:
    """Create the staff accounts that do not exist yet; returns how many were created."""
    password_hash = await hash_password(password)
    created = 0
    for username, email, name, role in STAFF:
        status = await conn.execute(
            "INSERT INTO users (username, email, display_name, bio, links, password_hash, role, created_at, updated_at)"
            " VALUES ($1, $2, $3, $4, '[]'::jsonb, $5, $6, now(), now()) ON CONFLICT DO NOTHING",
            username,
            email,
            name,
            f"The demo {role}: reviews reports, hides workflows, bans and unbans accounts.",
            password_hash,
            role,
        )
        created += int(status.rsplit(" ", 1)[-1])
    return created
