"""Index generations on disk: a directory per build and a pointer file naming the live one.

Shared by the embedded search (tantivy) and vector (Qdrant Edge) stores, which swap rebuilt indexes the same way.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def publish_pointer(root: Path, pointer: str, path: Path) -> None:
    """Atomically point ``root/pointer`` at ``path`` (write a temp file, fsync, rename, fsync the directory)."""
    tmp = root / f"{pointer}.tmp"
    with open(tmp, "w") as fh:
        fh.write(path.name)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / pointer)
    fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(fd)  # make the rename itself durable
    finally:
        os.close(fd)


def sweep(root: Path, prefix: str, keep: Path) -> None:
    """Remove generation directories other than ``keep`` (left by a crash or an older schema)."""
    for child in root.iterdir():
        if child.is_dir() and child.name.startswith(prefix) and child != keep:
            shutil.rmtree(child, ignore_errors=True)
