"""Index generations on disk, so a rebuild can replace the live index atomically.

Layout under the engine's directory:

    CURRENT              name of the live generation (replaced with os.replace: atomic on POSIX)
    gen-v<schema>-<ns>/  one tantivy index per generation

A rebuild writes a new generation next to the live one, publishes it in CURRENT, switches the in-memory
`Index` under a lock and deletes the old directory once the last search that leased it has finished. A crash at
any point leaves CURRENT naming a complete index; stray directories are swept on the next open. A generation of
another schema version is not opened: the engine starts a fresh empty one and the caller's convergence check
(`count()`/`all_ids()` against PostgreSQL) triggers a reindex.
"""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import tantivy

from blokhub.indexers.generations import publish_pointer, sweep

SCHEMA_VERSION = (
    6  # 3: short-prefix terms and sample buckets; 4: the dialect keyword; 5: requirements; 6: rating_average
)
_POINTER = "CURRENT"
_PREFIX = f"gen-v{SCHEMA_VERSION}-"


@dataclass(eq=False, slots=True)
class Generation:
    path: Path
    index: tantivy.Index
    users: int = 0
    retired: bool = False


class GenerationStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._live: Generation | None = None
        # Bumped on every reload and swap, under the same lock that hands out searchers, so a (searcher,
        # version) pair always belongs together: results cached under a version are those of its searcher.
        self.version = 0

    # -- directories ---------------------------------------------------------------------------------------
    def current_path(self) -> Path | None:
        try:
            name = (self.root / _POINTER).read_text().strip()
        except FileNotFoundError:
            return None
        path = self.root / name
        return path if name.startswith(_PREFIX) and (path / "meta.json").exists() else None

    def new_path(self) -> Path:
        path = self.root / f"{_PREFIX}{time.time_ns()}"
        path.mkdir(parents=True)
        return path

    def publish(self, path: Path) -> None:
        publish_pointer(self.root, _POINTER, path)

    def sweep(self, keep: Path) -> None:
        """Remove generation directories other than `keep` (left by a crash or an older schema)."""
        sweep(self.root, "gen-", keep)

    # -- the live generation -------------------------------------------------------------------------------
    def swap(self, gen: Generation) -> Generation | None:
        """Make `gen` live and retire the previous one: returned when nobody reads from it any more (the caller
        deletes it), otherwise deleted by the last `release`."""
        with self._lock:
            old, self._live = self._live, gen
            if old is None:
                return None
            self.version += 1
            old.retired = True
            return old if old.users == 0 else None

    def reload(self, gen: Generation) -> None:
        """Make the last commit visible to new searchers."""
        with self._lock:
            gen.index.reload()
            self.version += 1

    def clear(self) -> None:
        """Forget the live generation (on close) without deleting it."""
        with self._lock:
            self._live = None

    @property
    def live(self) -> Generation | None:
        return self._live

    def lease(self) -> tuple[Generation, tantivy.Searcher, int]:
        """The live generation (kept on disk until released), a searcher on it and the reader version."""
        with self._lock:
            gen = self._live
            if gen is None:
                raise RuntimeError("the search index is not open")
            gen.users += 1
            return gen, gen.index.searcher(), self.version

    def release(self, gen: Generation) -> Generation | None:
        """End a lease; returns the generation when it was retired and this was its last reader (delete it)."""
        with self._lock:
            gen.users -= 1
            return gen if gen.retired and gen.users == 0 else None

    @staticmethod
    def remove(path: Path) -> None:
        shutil.rmtree(path, ignore_errors=True)
