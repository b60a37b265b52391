"""Garbage-collector settings for a long-running server.

Profiled (issue 17): the ~6-second stalls of 140-340 ms inside searches were CPython's full (generation 2)
collections. A started server holds a few hundred thousand long-lived objects (modules, SQLAlchemy mappers,
Litestar's handler graph, tantivy/torch wrappers) and every full pass walked all of them, triggered about every
6 s by the garbage a busy request loop allocates. Freezing the start-up heap moves those objects to a permanent
generation the collector never scans again, so a full pass only walks what was allocated since; a larger first
threshold makes young collections rarer (the request path's garbage is mostly acyclic and freed by refcounting).
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 20_000  # CPython's default is 700 allocations


def settle_after_startup() -> None:
    """Collect once, then freeze every surviving object (call when the server is up and its engines are open)."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
