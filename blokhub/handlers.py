"""Imports every module that registers outbox handlers, so API and worker processes see the same set."""

from blokhub.api.auth import events as _auth_events  # noqa: F401
from blokhub.api.feed import events as _feed_events  # noqa: F401
from blokhub.indexers import sync as _search_sync  # noqa: F401
from blokhub.indexers import vector_sync as _vector_sync  # noqa: F401
