"""counters follow their rows

Every denormalised counter is kept by PostgreSQL itself: a row trigger moves the counter by exactly the change of the
row that fired it, so counters equal their rows under any concurrency (the application used to compute deltas from
reads that concurrent requests could both make, e.g. two "first" ratings by one account). Then every counter is
recomputed from its rows once, repairing drift that earlier races left behind.

What each counter counts (the same predicates the API lists with):
- workflows.rating_count / rating_sum: reviews rows;
- workflows.favorites_count, users.favorites_received: favorites rows (on the owner's workflows);
- workflows.comments_count: comments not deleted;
- workflows.forks_count: forks listed by /forks (public, not hidden, not deleted);
- users.workflows_count: the owner's public, unhidden, undeleted workflows;
- users.followers_count / following_count: follows rows.

Revision ID: 7c1e9a4b2d60
Revises: 5b8e2f4c1a90
Create Date: 2026-11-29 23:30:00
"""

from __future__ import annotations

from alembic import op

revision = "7c1e9a4b2d60"
down_revision = "5b8e2f4c1a90"
branch_labels = None
depends_on = None

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION bh_reviews_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE workflows SET rating_count = rating_count - 1, rating_sum = rating_sum - OLD.stars
     WHERE id = OLD.workflow_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE workflows SET rating_count = rating_count + 1, rating_sum = rating_sum + NEW.stars
     WHERE id = NEW.workflow_id;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION bh_favorites_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  wid bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.workflow_id ELSE NEW.workflow_id END;
  delta int := CASE WHEN TG_OP = 'DELETE' THEN -1 ELSE 1 END;
  owner bigint;
BEGIN
  UPDATE workflows SET favorites_count = favorites_count + delta WHERE id = wid RETURNING owner_id INTO owner;
  IF owner IS NOT NULL THEN
    UPDATE users SET favorites_received = favorites_received + delta WHERE id = owner;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION bh_follows_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r follows%ROWTYPE;
  delta int := CASE WHEN TG_OP = 'DELETE' THEN -1 ELSE 1 END;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  -- One statement for both rows: they are locked in index order, so A->B and B->A cannot deadlock.
  UPDATE users
     SET followers_count = followers_count + CASE WHEN id = r.followee_id THEN delta ELSE 0 END,
         following_count = following_count + CASE WHEN id = r.follower_id THEN delta ELSE 0 END
   WHERE id IN (r.follower_id, r.followee_id);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION bh_comments_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL THEN
    UPDATE workflows SET comments_count = comments_count - 1 WHERE id = OLD.workflow_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.deleted_at IS NULL THEN
    UPDATE workflows SET comments_count = comments_count + 1 WHERE id = NEW.workflow_id;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION bh_workflow_listed(w workflows) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT w.visibility = 'public' AND w.deleted_at IS NULL AND w.hidden_at IS NULL
$$;

CREATE OR REPLACE FUNCTION bh_workflows_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND bh_workflow_listed(OLD) THEN
    UPDATE users SET workflows_count = workflows_count - 1 WHERE id = OLD.owner_id;
    IF OLD.forked_from_id IS NOT NULL THEN
      UPDATE workflows SET forks_count = forks_count - 1 WHERE id = OLD.forked_from_id;
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND bh_workflow_listed(NEW) THEN
    UPDATE users SET workflows_count = workflows_count + 1 WHERE id = NEW.owner_id;
    IF NEW.forked_from_id IS NOT NULL THEN
      UPDATE workflows SET forks_count = forks_count + 1 WHERE id = NEW.forked_from_id;
    END IF;
  END IF;
  RETURN NULL;
END $$;
"""

TRIGGERS = r"""
CREATE TRIGGER bh_reviews_count AFTER INSERT OR DELETE OR UPDATE OF stars, workflow_id ON reviews
  FOR EACH ROW EXECUTE FUNCTION bh_reviews_count();

CREATE TRIGGER bh_favorites_count AFTER INSERT OR DELETE ON favorites
  FOR EACH ROW EXECUTE FUNCTION bh_favorites_count();

CREATE TRIGGER bh_follows_count AFTER INSERT OR DELETE ON follows
  FOR EACH ROW EXECUTE FUNCTION bh_follows_count();

CREATE TRIGGER bh_comments_count AFTER INSERT OR DELETE OR UPDATE OF deleted_at, workflow_id ON comments
  FOR EACH ROW EXECUTE FUNCTION bh_comments_count();

CREATE TRIGGER bh_workflows_count
  AFTER INSERT OR DELETE OR UPDATE OF visibility, deleted_at, hidden_at, owner_id, forked_from_id ON workflows
  FOR EACH ROW EXECUTE FUNCTION bh_workflows_count();
"""

# The repair: every counter recomputed from its rows (also what `blokhub counters-repair`-style jobs would run).
REPAIR = r"""
UPDATE workflows w SET
  rating_count = COALESCE(r.n, 0), rating_sum = COALESCE(r.s, 0),
  favorites_count = COALESCE(f.n, 0), comments_count = COALESCE(c.n, 0), forks_count = COALESCE(k.n, 0)
FROM workflows w0
LEFT JOIN (SELECT workflow_id, count(*) AS n, sum(stars) AS s FROM reviews GROUP BY 1) r ON r.workflow_id = w0.id
LEFT JOIN (SELECT workflow_id, count(*) AS n FROM favorites GROUP BY 1) f ON f.workflow_id = w0.id
LEFT JOIN (SELECT workflow_id, count(*) AS n FROM comments WHERE deleted_at IS NULL GROUP BY 1) c
  ON c.workflow_id = w0.id
LEFT JOIN (SELECT forked_from_id, count(*) AS n FROM workflows
           WHERE forked_from_id IS NOT NULL AND bh_workflow_listed(workflows) GROUP BY 1) k ON k.forked_from_id = w0.id
WHERE w.id = w0.id
  AND (w.rating_count, w.rating_sum, w.favorites_count, w.comments_count, w.forks_count)
      IS DISTINCT FROM (COALESCE(r.n, 0), COALESCE(r.s, 0), COALESCE(f.n, 0), COALESCE(c.n, 0), COALESCE(k.n, 0));

UPDATE workflows SET rating_score = 0 WHERE rating_count = 0 AND rating_score <> 0;

UPDATE users u SET
  workflows_count = COALESCE(p.n, 0), followers_count = COALESCE(fr.n, 0), following_count = COALESCE(fg.n, 0),
  favorites_received = COALESCE(fv.n, 0)
FROM users u0
LEFT JOIN (SELECT owner_id, count(*) AS n FROM workflows WHERE bh_workflow_listed(workflows) GROUP BY 1) p
  ON p.owner_id = u0.id
LEFT JOIN (SELECT followee_id, count(*) AS n FROM follows GROUP BY 1) fr ON fr.followee_id = u0.id
LEFT JOIN (SELECT follower_id, count(*) AS n FROM follows GROUP BY 1) fg ON fg.follower_id = u0.id
LEFT JOIN (SELECT w.owner_id, count(*) AS n FROM favorites f JOIN workflows w ON w.id = f.workflow_id GROUP BY 1) fv
  ON fv.owner_id = u0.id
WHERE u.id = u0.id
  AND (u.workflows_count, u.followers_count, u.following_count, u.favorites_received)
      IS DISTINCT FROM (COALESCE(p.n, 0), COALESCE(fr.n, 0), COALESCE(fg.n, 0), COALESCE(fv.n, 0));
"""


def _statements(sql: str) -> list[str]:
    """asyncpg runs one statement per call; blocks above are separated by blank lines (never inside a statement)."""
    return [part.strip() for part in sql.split("\n\n") if part.strip()]


def upgrade() -> None:
    for statement in [*_statements(FUNCTIONS), *_statements(TRIGGERS), *_statements(REPAIR)]:
        op.execute(statement)


def downgrade() -> None:
    for table in ("reviews", "favorites", "follows", "comments", "workflows"):
        op.execute(f"DROP TRIGGER IF EXISTS bh_{table}_count ON {table}")
    for fn in ("reviews", "favorites", "follows", "comments", "workflows"):
        op.execute(f"DROP FUNCTION IF EXISTS bh_{fn}_count()")
    op.execute("DROP FUNCTION IF EXISTS bh_workflow_listed(workflows)")
