"""Several API processes on one port (`serve` uses every core).

One process, the one `serve` starts, owns everything with a single writer: the data-dir lock, embedded PostgreSQL
and Redis, the in-process worker, the tantivy writer and the Qdrant Edge shard. It listens first, then starts
replicas that listen on the same port (SO_REUSEPORT: the kernel hands each new connection to one of them). A replica runs the
same app without a worker: it follows the keyword index read-only (reloading after each of the owner's commits)
and reads vectors through the owner; every write still goes to PostgreSQL, and visibility is still decided there.
Replicas exit when the owner does (they watch their parent), so the lock stays honest: whoever holds it is the only
parent of processes touching the data dir.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from typing import Any

from blokhub.config import Settings

MAX_AUTO_PROCESSES = 4


def process_count(settings: Settings) -> int:
    """`api_processes`, or one per core (at most MAX_AUTO_PROCESSES) when it is 0."""
    if settings.api_processes > 0:
        return settings.api_processes
    return max(1, min(os.cpu_count() or 1, MAX_AUTO_PROCESSES))


def listen(host: str, port: int, *, replica: bool = False) -> socket.socket:
    """A listening socket in the port's SO_REUSEPORT group: the owner binds it first, each replica binds its own.

    With one socket shared by every process, whichever process woke first accepted every pending connection
    (asyncio and uvloop accept in a loop until the backlog is empty): under the benchmark's 16 keep-alive
    connections all 16 landed on the owner and the replica sat idle. With a socket per process in one
    SO_REUSEPORT group, the kernel spreads new connections over them by a hash of the addresses."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    if not replica:
        # The port must be free, not merely shareable: a second `serve` (another SO_REUSEPORT group member of
        # the same user) must fail as before instead of taking half of this one's connections.
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
            port = probe.getsockname()[1]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    if not replica:
        sock.listen(2048)
    # A replica's socket joins the group only when the server listens on it, once its app has started: a
    # connection hashed to a replica still starting would otherwise wait in its backlog for seconds.
    return sock


def start_replicas(settings: Settings, sock: socket.socket, count: int) -> list[subprocess.Popen[bytes]]:
    """Start `count` replicas listening beside `sock` (same address, same port), configured with the owner's
    resolved servers and key."""
    assert settings.database_url and settings.redis_url and settings.secret_key
    env = dict(os.environ)
    env.update(
        BLOKHUB_DATA_DIR=str(settings.data_dir),
        DATABASE_URL=settings.database_url,
        REDIS_URL=settings.redis_url,
        BLOKHUB_SECRET_KEY=settings.secret_key,
        BLOKHUB_IN_PROCESS_WORKER="false",
        BLOKHUB_SEED_ON_EMPTY="0",
    )
    host, port = sock.getsockname()[:2]
    cmd = [sys.executable, "-m", "blokhub.cli", "serve-replica", "--host", host, "--port", str(port)]
    return [subprocess.Popen([*cmd, "--parent", str(os.getpid())], env=env) for _ in range(count)]


def stop_replicas(replicas: list[subprocess.Popen[bytes]], timeout: float = 10.0) -> None:
    for proc in replicas:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in replicas:
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def exit_with_parent(server: Any, parent: int) -> None:
    """Replica: shut down gracefully when the owner is gone (re-parented), however it ended."""
    while os.getppid() == parent:  # noqa: ASYNC110  (no event tells a process its parent died)
        await asyncio.sleep(0.5)
    server.should_exit = True
