"""Reaching the engines of a server that already runs on a data dir, and checking a port before starting any.

Administrative commands (``blokhub user ...``) must work while ``serve`` holds the data-dir lock: instead of
starting a second PostgreSQL on the same files, they connect to the running one, whose socket directory and port
PostgreSQL itself records in ``postmaster.pid``.
"""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path
from urllib.parse import quote

from blokhub.runtime.postgres import DATABASE_NAME


def running_database_url(data_dir: Path) -> str | None:
    """The asyncpg URL of the embedded PostgreSQL running on ``data_dir``, or None when none runs."""
    try:
        lines = (data_dir / "postgres" / "postmaster.pid").read_text().splitlines()
        pid, port, socket_dir = int(lines[0]), int(lines[3]), lines[4].strip()
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None  # a stale file from a crash
    except PermissionError:
        pass  # alive, another user's
    if not socket_dir or not (Path(socket_dir) / f".s.PGSQL.{port}").exists():
        return None
    return f"postgresql+asyncpg://postgres@/{DATABASE_NAME}?host={quote(socket_dir)}&port={port}"


def running_redis_url(data_dir: Path) -> str | None:
    """The embedded Redis of a server running on ``data_dir`` (its usual socket), or None."""
    sock = data_dir / "redis" / "redis.sock"
    return f"unix://{sock}" if sock.exists() else None


def port_problem(host: str, port: int) -> str | None:
    """Why ``serve`` could not listen on host:port (checked before starting engines), or None when it can."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is no conflict
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (
                    f"Port {port} on {host} is already in use (another Blok Hub, or another program). "
                    f"Choose another port: `blokhub serve --port {port + 1}` or `BLOKHUB_PORT={port + 1} make run`."
                )
            if exc.errno == errno.EACCES:
                return f"Not allowed to listen on port {port}: use a port above 1024, e.g. `--port 8000`."
            return f"Cannot listen on {host}:{port}: {exc.strerror}. Choose another with --host / --port."
    return None
