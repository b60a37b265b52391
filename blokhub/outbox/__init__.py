"""Transactional outbox: changes are recorded in the writer's transaction and relayed to handlers after commit.

Writers call :func:`emit` inside their transaction; whoever commits calls :func:`kick` afterwards, which enqueues
``outbox.process``. The worker (:func:`blokhub.outbox.relay.process_pending`) locks pending rows with
``FOR UPDATE SKIP LOCKED``, runs the handlers the consumer table declares for each topic and marks the rows
processed in the same transaction, so a crash mid-batch leaves them pending for the periodic re-drive. Delivery is
at-least-once: handlers must be idempotent (reload current rows by id, upsert, delete-if-exists).
"""

from blokhub.outbox.emit import emit, has_pending, kick
from blokhub.outbox.registry import Consumer, install, installed

__all__ = ["Consumer", "emit", "has_pending", "install", "installed", "kick"]
