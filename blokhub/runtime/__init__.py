"""Embedded runtime: start the engines a process needs when their URLs are not configured."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from blokhub.config import Settings
from blokhub.runtime.datadir import DataDirLock, DataDirLocked, ensure_secret_key
from blokhub.runtime.postgres import EmbeddedPostgres
from blokhub.runtime.redis import EmbeddedRedis

__all__ = ["DataDirLocked", "Runtime"]

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Owns the embedded engines of one process and resolves the settings the app runs with.

    ``lock`` makes a second server on the same data dir fail fast instead of sharing (and corrupting) it.
    """

    settings: Settings
    lock: bool = True
    _stack: list[EmbeddedPostgres | EmbeddedRedis | DataDirLock] = field(default_factory=list)

    def start(self) -> Settings:
        s = self.settings
        s.data_dir.mkdir(parents=True, exist_ok=True)
        if self.lock:
            data_lock = DataDirLock(s.data_dir)
            data_lock.acquire()
            self._stack.append(data_lock)
        try:
            overrides: dict[str, str] = {}
            if s.secret_key is None:
                overrides["secret_key"] = ensure_secret_key(s.data_dir)
            if s.database_url is None:
                pg = EmbeddedPostgres(s.data_dir)
                overrides["database_url"] = pg.start()
                self._stack.append(pg)
            if s.redis_url is None:
                rd = EmbeddedRedis(s.data_dir)
                overrides["redis_url"] = rd.start()
                self._stack.append(rd)
        except BaseException:
            self.stop()
            raise
        self.settings = s.with_overrides(**overrides)
        return self.settings

    def stop(self) -> None:
        while self._stack:
            part = self._stack.pop()
            if isinstance(part, DataDirLock):
                part.release()
            else:
                part.stop()

    def __enter__(self) -> Settings:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
