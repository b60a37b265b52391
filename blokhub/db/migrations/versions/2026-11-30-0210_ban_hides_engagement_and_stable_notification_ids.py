"""ban hides engagement; stable notification ids

A ban removes what the user made from every surface, and every counter a user sees agrees with what is listed, so
the ban is copied onto each row the user wrote (as it already is onto their workflows, `owner_banned_at`) and the
counter triggers count only rows that are shown:

* comments.author_banned_at: `comments_count` counts comments that are not deleted, not hidden by a moderator and
  not by a banned author (the ones every reader sees with their words);
* reviews.author_banned_at: `rating_count`/`rating_sum` (and so the score) leave out a banned user's reviews;
* favorites.author_banned_at: `favorites_count` and the owner's `favorites_received` leave out a banned user's;
* follows.follower_banned_at / followee_banned_at: followers/following count a follow while neither side is banned
  (the follower lists already leave banned accounts out).

The state lives on the row, so a ban's UPDATE and a concurrent moderator action on the same row serialise on the
row lock and the trigger sees both. Every counter is recomputed from its rows once with the new predicates.

Notifications are listed by the time of their latest event (a group rises to the top when it grows) instead of by
id, so a group keeps the id of its first notification: `(user_id, created_at DESC, id DESC)` replaces
`(user_id, id DESC)`.

Revision ID: b4e7c2a9d130
Revises: 7c3d9e1f2a40
Create Date: 2026-11-30 02:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b4e7c2a9d130"
down_revision = "7c3d9e1f2a40"
branch_labels = None
depends_on = None

SHOWN_COMMENT = "{r}.deleted_at IS NULL AND {r}.hidden_at IS NULL AND {r}.author_banned_at IS NULL"
SHOWN_FOLLOW = "{r}.follower_banned_at IS NULL AND {r}.followee_banned_at IS NULL"
SHOWN_BY = "{r}.author_banned_at IS NULL"
# What the functions of `counters_follow_their_rows` counted (for the downgrade).
OLD_SHOWN = {"comment": "{r}.deleted_at IS NULL", "follow": "TRUE", "by": "TRUE"}
NEW_SHOWN = {"comment": SHOWN_COMMENT, "follow": SHOWN_FOLLOW, "by": SHOWN_BY}


def _functions(shown: dict[str, str]) -> list[str]:
    comment, follow, by = shown["comment"], shown["follow"], shown["by"]
    return [
        rf"""
CREATE OR REPLACE FUNCTION bh_reviews_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND {by.format(r="OLD")} THEN
    UPDATE workflows SET rating_count = rating_count - 1, rating_sum = rating_sum - OLD.stars
     WHERE id = OLD.workflow_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND {by.format(r="NEW")} THEN
    UPDATE workflows SET rating_count = rating_count + 1, rating_sum = rating_sum + NEW.stars
     WHERE id = NEW.workflow_id;
  END IF;
  RETURN NULL;
END $$""",
        rf"""
CREATE OR REPLACE FUNCTION bh_favorites_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  owner bigint;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND {by.format(r="OLD")} THEN
    UPDATE workflows SET favorites_count = favorites_count - 1 WHERE id = OLD.workflow_id
      RETURNING owner_id INTO owner;
    IF owner IS NOT NULL THEN
      UPDATE users SET favorites_received = favorites_received - 1 WHERE id = owner;
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND {by.format(r="NEW")} THEN
    UPDATE workflows SET favorites_count = favorites_count + 1 WHERE id = NEW.workflow_id
      RETURNING owner_id INTO owner;
    IF owner IS NOT NULL THEN
      UPDATE users SET favorites_received = favorites_received + 1 WHERE id = owner;
    END IF;
  END IF;
  RETURN NULL;
END $$""",
        rf"""
CREATE OR REPLACE FUNCTION bh_follows_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta int := 0;
  r follows%ROWTYPE;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND {follow.format(r="OLD")} THEN
    delta := delta - 1; r := OLD;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND {follow.format(r="NEW")} THEN
    delta := delta + 1; r := NEW;
  END IF;
  IF delta <> 0 THEN
    -- One statement for both rows: they are locked in index order, so A->B and B->A cannot deadlock.
    UPDATE users
       SET followers_count = followers_count + CASE WHEN id = r.followee_id THEN delta ELSE 0 END,
           following_count = following_count + CASE WHEN id = r.follower_id THEN delta ELSE 0 END
     WHERE id IN (r.follower_id, r.followee_id);
  END IF;
  RETURN NULL;
END $$""",
        rf"""
CREATE OR REPLACE FUNCTION bh_comments_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND {comment.format(r="OLD")} THEN
    UPDATE workflows SET comments_count = comments_count - 1 WHERE id = OLD.workflow_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND {comment.format(r="NEW")} THEN
    UPDATE workflows SET comments_count = comments_count + 1 WHERE id = NEW.workflow_id;
  END IF;
  RETURN NULL;
END $$""",
    ]


NEW_TRIGGERS = {
    "reviews": "INSERT OR DELETE OR UPDATE OF stars, workflow_id, author_banned_at",
    "favorites": "INSERT OR DELETE OR UPDATE OF author_banned_at",
    "follows": "INSERT OR DELETE OR UPDATE OF follower_banned_at, followee_banned_at",
    "comments": "INSERT OR DELETE OR UPDATE OF deleted_at, hidden_at, workflow_id, author_banned_at",
}
OLD_TRIGGERS = {
    "reviews": "INSERT OR DELETE OR UPDATE OF stars, workflow_id",
    "favorites": "INSERT OR DELETE",
    "follows": "INSERT OR DELETE",
    "comments": "INSERT OR DELETE OR UPDATE OF deleted_at, workflow_id",
}

REPAIR = [
    f"""
UPDATE workflows w SET
  rating_count = COALESCE(r.n, 0), rating_sum = COALESCE(r.s, 0),
  favorites_count = COALESCE(f.n, 0), comments_count = COALESCE(c.n, 0)
FROM workflows w0
LEFT JOIN (SELECT workflow_id, count(*) AS n, sum(stars) AS s FROM reviews WHERE author_banned_at IS NULL
           GROUP BY 1) r ON r.workflow_id = w0.id
LEFT JOIN (SELECT workflow_id, count(*) AS n FROM favorites WHERE author_banned_at IS NULL GROUP BY 1) f
  ON f.workflow_id = w0.id
LEFT JOIN (SELECT workflow_id, count(*) AS n FROM comments c WHERE {SHOWN_COMMENT.format(r="c")} GROUP BY 1) c
  ON c.workflow_id = w0.id
WHERE w.id = w0.id
  AND (w.rating_count, w.rating_sum, w.favorites_count, w.comments_count)
      IS DISTINCT FROM (COALESCE(r.n, 0), COALESCE(r.s, 0), COALESCE(f.n, 0), COALESCE(c.n, 0))""",
    "UPDATE workflows SET rating_score = 0 WHERE rating_count = 0 AND rating_score <> 0",
    f"""
UPDATE users u SET
  followers_count = COALESCE(fr.n, 0), following_count = COALESCE(fg.n, 0), favorites_received = COALESCE(fv.n, 0)
FROM users u0
LEFT JOIN (SELECT followee_id, count(*) AS n FROM follows f WHERE {SHOWN_FOLLOW.format(r="f")} GROUP BY 1) fr
  ON fr.followee_id = u0.id
LEFT JOIN (SELECT follower_id, count(*) AS n FROM follows f WHERE {SHOWN_FOLLOW.format(r="f")} GROUP BY 1) fg
  ON fg.follower_id = u0.id
LEFT JOIN (SELECT w.owner_id, count(*) AS n FROM favorites f JOIN workflows w ON w.id = f.workflow_id
           WHERE f.author_banned_at IS NULL GROUP BY 1) fv ON fv.owner_id = u0.id
WHERE u.id = u0.id
  AND (u.followers_count, u.following_count, u.favorites_received)
      IS DISTINCT FROM (COALESCE(fr.n, 0), COALESCE(fg.n, 0), COALESCE(fv.n, 0))""",
]

MARK_BANNED = [
    "UPDATE comments t SET author_banned_at = u.banned_at FROM users u "
    "WHERE u.id = t.author_id AND u.banned_at IS NOT NULL",
    "UPDATE reviews t SET author_banned_at = u.banned_at FROM users u "
    "WHERE u.id = t.user_id AND u.banned_at IS NOT NULL",
    "UPDATE favorites t SET author_banned_at = u.banned_at FROM users u "
    "WHERE u.id = t.user_id AND u.banned_at IS NOT NULL",
    "UPDATE follows t SET follower_banned_at = u.banned_at FROM users u "
    "WHERE u.id = t.follower_id AND u.banned_at IS NOT NULL",
    "UPDATE follows t SET followee_banned_at = u.banned_at FROM users u "
    "WHERE u.id = t.followee_id AND u.banned_at IS NOT NULL",
]

COLUMNS = [
    ("comments", "author_banned_at"),
    ("reviews", "author_banned_at"),
    ("favorites", "author_banned_at"),
    ("follows", "follower_banned_at"),
    ("follows", "followee_banned_at"),
]


def _triggers(events: dict[str, str]) -> list[str]:
    out = []
    for table, on in events.items():
        out.append(f"DROP TRIGGER IF EXISTS bh_{table}_count ON {table}")
        out.append(
            f"CREATE TRIGGER bh_{table}_count AFTER {on} ON {table} FOR EACH ROW EXECUTE FUNCTION bh_{table}_count()"
        )
    return out


def upgrade() -> None:
    for table, column in COLUMNS:
        op.add_column(table, sa.Column(column, sa.DateTime(timezone=True), nullable=True))
    for statement in [*_functions(NEW_SHOWN), *_triggers(NEW_TRIGGERS), *MARK_BANNED, *REPAIR]:
        op.execute(statement)
    op.drop_index("ix_notifications_user_id", table_name="notifications")
    op.create_index(
        "ix_notifications_user_created",
        "notifications",
        ["user_id", sa.text("created_at DESC"), sa.text("id DESC")],
    )


def downgrade() -> None:
    op.drop_index("ix_notifications_user_created", table_name="notifications")
    op.create_index("ix_notifications_user_id", "notifications", ["user_id", sa.text("id DESC")])
    for statement in [*_functions(OLD_SHOWN), *_triggers(OLD_TRIGGERS)]:
        op.execute(statement)
    for table, column in COLUMNS:
        op.drop_column(table, column)
