"""The ``blokhub`` command line."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click

from blokhub.config import Settings

T = TypeVar("T")

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where embedded engines keep their data [env BLOKHUB_DATA_DIR; default ./.blokhub].",
)


def _settings(data_dir: Path | None, **overrides: Any) -> Settings:
    return Settings.from_env(data_dir=data_dir, **overrides)


def _configure_logging(settings: Settings) -> None:
    from blokhub.api.observability import configure

    configure(settings.log_level, settings.log_json)


def _with_runtime(settings: Settings, fn: Callable[[Settings], Coroutine[Any, Any, T]], *, lock: bool = True) -> T:
    """Start embedded engines as needed, install the outbox consumer table, run ``fn`` with the resolved settings,
    stop the engines again. (Imports here are deferred so ``blokhub --help`` stays fast.)"""
    from blokhub.outbox.registry import install
    from blokhub.runtime import DataDirLocked, Runtime
    from blokhub.wiring.consumers import CONSUMERS

    install(CONSUMERS)

    runtime = Runtime(settings, lock=lock and (settings.embedded_database or settings.embedded_redis))
    try:
        resolved = runtime.start()
    except DataDirLocked as exc:
        raise click.ClickException(str(exc)) from None
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            return runner.run(fn(resolved))
    finally:
        runtime.stop()


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed (it comes with litestar[standard]): markedly cheaper socket I/O than asyncio's loop."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        return None
    return uvloop.new_event_loop


async def _reindex(settings: Settings, *, progress: bool, vectors: bool = True) -> tuple[int, float]:
    """Rebuild the search index (and, unless told not to, the vector index) from PostgreSQL."""
    from blokhub.indexers.reindex import reindex, reindex_vectors
    from blokhub.runtime.resources import Resources

    resources = Resources.open(settings)
    try:
        await resources.start()
        written, seconds = await reindex(resources.read_sessionmaker, resources.search, progress=progress)
        if vectors:
            embedded, embed_seconds = await reindex_vectors(
                resources.read_sessionmaker,
                resources.sessionmaker,
                resources.vectors,
                resources.embedder,
                progress=progress,
            )
            click.echo(f"embedded {embedded:,} workflows in {embed_seconds:.1f}s", err=True)
        return written, seconds
    finally:
        await resources.close()


async def _rebuild_if_empty(settings: Settings) -> None:
    """A keyword index that lost its files (new data dir, schema change) is rebuilt before serving, not left empty
    (seconds for 100k workflows). Re-embedding takes longer (~100 workflows/s), so an empty vector index is filled
    by a background job (`vectors.fill`) that the worker picks up once the server runs."""
    from sqlalchemy import func, select

    from blokhub.indexers import builder
    from blokhub.runtime.resources import Resources
    from blokhub.workers.tasks import VECTORS_FILL

    resources = Resources.open(settings)
    try:
        await resources.start()
        async with resources.read_sessionmaker() as db:
            searchable = int(await db.scalar(select(func.count()).where(builder.searchable())) or 0)
        search_empty = searchable > 0 and await resources.search.count() == 0
        vectors_empty = searchable > 0 and await resources.vectors.count() == 0
        if vectors_empty:
            # A fixed job id: restarts while it is queued or running do not start a second one.
            await resources.redis.enqueue_job(VECTORS_FILL, _job_id=VECTORS_FILL)
    finally:
        await resources.close()
    if search_empty:
        click.echo(f"the search index is empty while {searchable:,} workflows are searchable: rebuilding", err=True)
        await _reindex(settings, progress=True, vectors=False)
    if vectors_empty:
        click.echo(
            f"the vector index is empty: embedding {searchable:,} workflows in the background (~{searchable // 100 + 1}s);"
            " similar, recommendations and hybrid search answer once it is done",
            err=True,
        )


async def _migrate(settings: Settings) -> None:
    from blokhub.db.migrate import upgrade
    from blokhub.db.session import create_engine

    engine = create_engine(settings)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def _graceful_server_class() -> Any:
    import contextlib
    import signal
    import threading

    import uvicorn

    class GracefulServer(uvicorn.Server):
        """uvicorn re-raises SIGTERM/SIGINT after its own shutdown, which would kill the process before the
        embedded PostgreSQL and Redis are stopped; here the signal only starts a graceful shutdown."""

        @contextlib.contextmanager
        def capture_signals(self) -> Any:
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            # loop.add_signal_handler wakes uvloop at once; a plain signal.signal handler may wait for other I/O.
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, self.handle_exit, sig, None)
            try:
                yield
            finally:
                for sig in (signal.SIGINT, signal.SIGTERM):
                    loop.remove_signal_handler(sig)

    return GracefulServer


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="blokhub")
def main() -> None:
    """Blok Hub: find, share and generate Blok workflows.

    With no DATABASE_URL / REDIS_URL set, commands start embedded PostgreSQL and Redis inside the data dir.
    """


@main.command()
@click.option("--host", default=None, help="Interface to listen on [env BLOKHUB_HOST; default 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port to listen on [env BLOKHUB_PORT; default 8000].")
@data_dir_option
@click.option("--no-seed", is_flag=True, help="Do not load demo data into an empty database.")
def serve(host: str | None, port: int | None, data_dir: Path | None, no_seed: bool) -> None:
    """Serve the API (plus an in-process worker in embedded mode). Migrates first; Ctrl-C stops cleanly."""
    settings = _settings(data_dir, host=host, port=port)
    _configure_logging(settings)

    async def run(resolved: Settings) -> None:
        import uvicorn

        from blokhub.wiring.app import build_app

        await _migrate(resolved)
        if resolved.seed_on_empty and not no_seed:
            from blokhub.seed.service import seed_if_empty

            if await seed_if_empty(resolved, resolved.seed_on_empty):
                await _reindex(resolved, progress=True)
        await _rebuild_if_empty(resolved)
        config = uvicorn.Config(
            build_app(resolved),
            host=resolved.host,
            port=resolved.port,
            log_config=None,
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=5,
            # The app resolves forwarded addresses itself, from BLOKHUB_TRUSTED_PROXIES only (uvicorn would
            # otherwise believe X-Forwarded-For from any local peer).
            proxy_headers=False,
        )
        click.echo(f"Blok Hub on http://{resolved.host}:{resolved.port}  (API docs: /schema)", err=True)
        await _graceful_server_class()(config).serve()

    _with_runtime(settings, run)


@main.command()
@data_dir_option
def worker(data_dir: Path | None) -> None:
    """Run a standalone arq worker (scaled mode: needs DATABASE_URL and REDIS_URL)."""
    settings = _settings(data_dir)
    _configure_logging(settings)
    if settings.embedded_database or settings.embedded_redis:
        raise click.ClickException(
            "A standalone worker needs DATABASE_URL and REDIS_URL; with embedded engines `blokhub serve` "
            "already runs the worker in-process."
        )
    from blokhub.runtime.datadir import ensure_secret_key
    from blokhub.wiring.worker import run_standalone

    run_standalone(settings.with_overrides(secret_key=settings.secret_key or ensure_secret_key(settings.data_dir)))


@main.command()
@data_dir_option
def migrate(data_dir: Path | None) -> None:
    """Apply database migrations up to the newest."""
    settings = _settings(data_dir)
    _configure_logging(settings)
    _with_runtime(settings, _migrate)
    click.echo("database is up to date", err=True)


@main.group()
def user() -> None:
    """Manage accounts from the command line."""


@user.command("create")
@click.argument("username")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Account password.")
@click.option("--role", type=click.Choice(["user", "moderator", "admin"]), default="user", show_default=True)
@data_dir_option
def user_create(username: str, email: str, password: str, role: str, data_dir: Path | None) -> None:
    """Create an account (optionally a moderator or admin)."""
    from blokhub.api.accounts_admin import create_user

    settings = _settings(data_dir)

    async def run(resolved: Settings) -> str:
        await _migrate(resolved)
        return await create_user(resolved, username=username, email=email, password=password, role=role)

    try:
        click.echo(_with_runtime(settings, run))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@user.command("promote")
@click.argument("username")
@click.option("--role", type=click.Choice(["user", "moderator", "admin"]), default="moderator", show_default=True)
@data_dir_option
def user_promote(username: str, role: str, data_dir: Path | None) -> None:
    """Change an account's role (default: moderator)."""
    from blokhub.api.accounts_admin import set_role

    settings = _settings(data_dir)
    try:
        click.echo(_with_runtime(settings, lambda s: set_role(s, username, role)))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@click.option(
    "--seed", "seed_value", type=int, default=42, show_default=True, help="Random seed (same seed, same data)."
)
@click.option("--users", type=int, default=50, show_default=True, help="How many users to create.")
@click.option("--workflows", type=int, default=300, show_default=True, help="How many workflows to create.")
@data_dir_option
def seed(seed_value: int, users: int, workflows: int, data_dir: Path | None) -> None:
    """Load a deterministic demo corpus of users and workflows (bulk inserts, progress bar)."""
    from blokhub.seed.service import DEMO_PASSWORD, seed_corpus

    settings = _settings(data_dir)
    _configure_logging(settings)

    async def run(resolved: Settings) -> str:
        await _migrate(resolved)
        report = await seed_corpus(resolved, seed=seed_value, users=users, workflows=workflows, progress=True)
        indexed, _ = await _reindex(resolved, progress=True)
        return (
            f"seeded {report.users:,} users and {report.workflows:,} workflows in {report.seconds:.1f}s; "
            f"{indexed:,} public workflows indexed. Demo accounts log in with password {DEMO_PASSWORD!r}."
        )

    click.echo(_with_runtime(settings, run), err=True)


@main.command()
@data_dir_option
@click.option("--search-only", is_flag=True, help="Rebuild the keyword index only (skip re-embedding).")
def reindex(data_dir: Path | None, search_only: bool) -> None:
    """Rebuild the search and vector indexes from PostgreSQL; both keep answering from the old index until the swap."""
    settings = _settings(data_dir)
    _configure_logging(settings)

    async def run(resolved: Settings) -> tuple[int, float]:
        await _migrate(resolved)
        return await _reindex(resolved, progress=True, vectors=not search_only)

    written, seconds = _with_runtime(settings, run)
    click.echo(
        f"indexed {written:,} workflows in {seconds:.1f}s ({written / max(seconds, 1e-9):,.0f} docs/s)", err=True
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
