"""The data directory: where embedded engines live, and the lock that keeps two servers off it."""

from __future__ import annotations

import fcntl
import os
import secrets
from pathlib import Path


class DataDirLocked(RuntimeError):
    """Another Blok Hub process already serves this data directory."""


class DataDirLock:
    """An exclusive, non-blocking ``flock`` on ``<data_dir>/blokhub.lock``.

    The kernel drops the lock when the process dies, so a crash never leaves a stale lock behind.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "blokhub.lock"
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise DataDirLocked(
                f"The data directory {self.path.parent} is already in use by another Blok Hub process "
                f"(pid {holder}). Stop it first, or start this one with a different --data-dir."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def ensure_secret_key(data_dir: Path) -> str:
    """Return the signing key kept in the data dir, creating it on first use (so tokens survive restarts)."""
    path = data_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
