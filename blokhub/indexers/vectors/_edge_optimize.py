"""Build a closed Qdrant Edge shard's HNSW index in a child process: `python _edge_optimize.py <shard dir>`.

Why a process and not a thread: qdrant-edge-py 0.9's `EdgeShard.optimize()` holds the GIL for its whole run
(measured: a 15k-point build froze every other Python thread, event loop included, for 10-20 s; 100k points take
minutes on two cores), and any call on the shard being optimized blocks until it finishes. In a child process
the build competes for CPU only, at a lower priority, while the parent keeps serving from the live generation.
It imports nothing from blokhub, so the parent can run it by file path whatever the child's sys.path.
"""

from __future__ import annotations

import contextlib
import os
import sys

from qdrant_edge import EdgeShard


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python _edge_optimize.py <shard dir>", file=sys.stderr)
        return 2
    with contextlib.suppress(OSError):
        os.nice(10)  # the API and the worker come first; the build takes what is left
    shard = EdgeShard.load(argv[1])
    try:
        shard.optimize()
    finally:
        shard.close()  # flushes: the parent loads the optimized segments from disk
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
