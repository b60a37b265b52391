"""Qdrant Edge shard generations on disk, so a rebuild can replace the live shard atomically.

Layout under the engine's directory (`<data_dir>/vectors`):

    CURRENT              name of the live generation (replaced with os.replace: atomic on POSIX)
    gen-v<schema>-<ns>/  one Edge shard per generation

A rebuild writes a new generation next to the live one, publishes it in CURRENT, switches the in-memory shard
under a lock, and closes and deletes the old one once the last reader that leased it has finished (closing a
shard under a running query is not safe). A crash at any point leaves CURRENT naming a complete shard; stray
directories are swept on the next open. A generation of another schema version is not opened: the engine starts
a fresh empty one and the caller's convergence check (`count()`/`all_ids()` against PostgreSQL) reindexes.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from qdrant_edge import EdgeShard

from blokhub.indexers.generations import publish_pointer, sweep

SCHEMA_VERSION = 1
_POINTER = "CURRENT"
_PREFIX = f"gen-v{SCHEMA_VERSION}-"
_STATE = "blokhub-state.json"


@dataclass(eq=False, slots=True)
class Generation:
    path: Path
    shard: EdgeShard
    users: int = 0
    retired: bool = False
    delete: bool = False  # remove the directory once closed (a replaced generation, not a shutdown)


class GenerationStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._live: Generation | None = None

    # -- directories ---------------------------------------------------------------------------------------
    def current_path(self) -> Path | None:
        try:
            name = (self.root / _POINTER).read_text().strip()
        except FileNotFoundError:
            return None
        path = self.root / name
        return path if name.startswith(_PREFIX) and (path / "edge_config.json").exists() else None

    def new_path(self) -> Path:
        # Edge creates the directory itself and refuses one that already holds segments.
        return self.root / f"{_PREFIX}{time.time_ns()}"

    def publish(self, path: Path) -> None:
        publish_pointer(self.root, _POINTER, path)

    def sweep(self, keep: Path) -> None:
        """Remove generation directories other than `keep` (left by a crash or an older schema)."""
        sweep(self.root, "gen-", keep)

    # -- the live generation -------------------------------------------------------------------------------
    def swap(self, gen: Generation) -> Generation | None:
        """Make `gen` live and retire the previous one: returned when nobody reads from it any more (the caller
        disposes of it), otherwise disposed of after the last `release`."""
        with self._lock:
            old, self._live = self._live, gen
            if old is None:
                return None
            old.retired, old.delete = True, True
            return old if old.users == 0 else None

    def clear(self) -> Generation | None:
        """Retire the live generation at shutdown, keeping its directory; returned when it can be closed now."""
        with self._lock:
            old, self._live = self._live, None
            if old is None:
                return None
            old.retired = True
            return old if old.users == 0 else None

    @property
    def live(self) -> Generation | None:
        return self._live

    def lease(self) -> Generation:
        with self._lock:
            gen = self._live
            if gen is None:
                raise RuntimeError("the vector index is not open")
            gen.users += 1
            return gen

    def release(self, gen: Generation) -> Generation | None:
        """End a lease; returns the generation when it was retired and this was its last reader (dispose of it)."""
        with self._lock:
            gen.users -= 1
            return gen if gen.retired and gen.users == 0 else None

    @staticmethod
    def dispose(gen: Generation) -> None:
        gen.shard.close()
        if gen.delete:
            shutil.rmtree(gen.path, ignore_errors=True)

    # -- our own bookkeeping beside Edge's files ---------------------------------------------------------------
    @staticmethod
    def read_unindexed(path: Path) -> int | None:
        """Points written since the generation's HNSW build, as saved at the last clean close (None: unknown).
        Edge's own `indexed_vectors_count` keeps counting replaced and deleted points, so it cannot tell."""
        try:
            return int(json.loads((path / _STATE).read_text())["unindexed_writes"])
        except (FileNotFoundError, KeyError, TypeError, ValueError):
            return None

    @staticmethod
    def write_unindexed(path: Path, count: int) -> None:
        (path / _STATE).write_text(json.dumps({"unindexed_writes": count}))

    @staticmethod
    def remove(path: Path) -> None:
        shutil.rmtree(path, ignore_errors=True)
