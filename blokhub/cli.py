"""The ``blokhub`` command line."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click

from blokhub import replicas
from blokhub.config import Settings
from blokhub.wiring import startup

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


def _run(fn: Callable[[Settings], Coroutine[Any, Any, T]], settings: Settings) -> T:
    with asyncio.Runner(loop_factory=startup.loop_factory()) as runner:
        return runner.run(fn(settings))


def _with_runtime(
    settings: Settings, fn: Callable[[Settings], Coroutine[Any, Any, T]], *, lock: bool = True, attach: bool = False
) -> T:
    """Start embedded engines as needed, install the outbox consumer table, run ``fn`` with the resolved settings,
    stop the engines again. With ``attach`` (commands that only need the database), a data dir held by a running
    server is no obstacle: ``fn`` runs against that server's PostgreSQL. (Imports here are deferred so
    ``blokhub --help`` stays fast.)"""
    from blokhub.outbox.registry import install
    from blokhub.runtime import DataDirLocked, Runtime
    from blokhub.runtime.attach import running_database_url, running_redis_url
    from blokhub.wiring.consumers import CONSUMERS

    install(CONSUMERS)

    runtime = Runtime(settings, lock=lock and (settings.embedded_database or settings.embedded_redis))
    try:
        resolved = runtime.start()
    except DataDirLocked as exc:
        url = running_database_url(settings.data_dir) if attach and settings.embedded_database else None
        if url is None:
            raise click.ClickException(str(exc)) from None
        redis_url = settings.redis_url or running_redis_url(settings.data_dir)
        return _run(fn, settings.with_overrides(database_url=url, redis_url=redis_url))
    try:
        return _run(fn, resolved)
    finally:
        runtime.stop()


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
    from blokhub.runtime.attach import port_problem

    settings = _settings(data_dir, host=host, port=port)
    _configure_logging(settings)
    # Before ~10 s of starting engines: a busy port is said at once, with how to choose another.
    if (problem := port_problem(settings.host, settings.port)) is not None:
        raise click.ClickException(problem)

    async def run(resolved: Settings) -> None:
        import uvicorn

        from blokhub.wiring.app import build_app

        await startup.migrate(resolved)
        if resolved.seed_on_empty and not no_seed:
            from blokhub.seed.service import seed_if_empty

            if await seed_if_empty(resolved, resolved.seed_on_empty):
                await startup.reindex(resolved, progress=True)
        await startup.rebuild_if_empty(resolved)
        processes = replicas.process_count(resolved)
        sock = replicas.listen(resolved.host, resolved.port)
        config = uvicorn.Config(
            build_app(resolved, index_role="owner" if processes > 1 else "alone"),
            log_config=None,
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=5,
            # The app resolves forwarded addresses itself, from BLOKHUB_TRUSTED_PROXIES only (uvicorn would
            # otherwise believe X-Forwarded-For from any local peer).
            proxy_headers=False,
        )
        server = startup.graceful_server_class()(config)
        server.on_listening = lambda: click.echo(  # the banner only once it really listens
            f"Blok Hub on http://{resolved.host}:{resolved.port}  (API docs: /schema; {processes} API processes)",
            err=True,
        )
        started: list[subprocess.Popen[bytes]] = []

        async def when_started() -> None:
            await startup.settle_heap_when_started(server)
            # Replicas start once this process owns the indexes and answers their vector reads.
            started.extend(replicas.start_replicas(resolved, sock, processes - 1))

        after = asyncio.create_task(when_started())
        try:
            await server.serve(sockets=[sock])
        finally:
            after.cancel()
            replicas.stop_replicas(started)
            sock.close()

    _with_runtime(settings, run)


@main.command("serve-replica", hidden=True)
@click.option("--host", required=True, help="The address `serve` listens on.")
@click.option("--port", type=int, required=True, help="The port `serve` listens on (shared: SO_REUSEPORT).")
@click.option("--parent", type=int, required=True, help="The owning `serve` process; exit when it is gone.")
def serve_replica(host: str, port: int, parent: int) -> None:
    """One of `serve`'s extra API processes (started by `serve`, not by hand): see blokhub/replicas.py."""
    settings = _settings(None)
    _configure_logging(settings)

    async def run(resolved: Settings) -> None:
        import uvicorn

        from blokhub.wiring.app import build_app

        config = uvicorn.Config(
            build_app(resolved, index_role="follower"),
            log_config=None,
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=5,
        )
        server = startup.graceful_server_class()(config)
        tasks = [
            asyncio.create_task(startup.settle_heap_when_started(server)),
            asyncio.create_task(replicas.exit_with_parent(server, parent)),
        ]
        try:
            await server.serve(sockets=[replicas.listen(host, port, replica=True)])
        finally:
            for task in tasks:
                task.cancel()

    _with_runtime(settings, run, lock=False)


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
    _with_runtime(settings, startup.migrate)
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
        await startup.migrate(resolved)
        return await create_user(resolved, username=username, email=email, password=password, role=role)

    try:
        click.echo(_with_runtime(settings, run, attach=True))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


def _account_command(settings: Settings, fn: Callable[[Settings], Coroutine[Any, Any, str]]) -> None:
    try:
        click.echo(_with_runtime(settings, fn, attach=True))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@user.command("promote")
@click.argument("username")
@click.option("--role", type=click.Choice(["user", "moderator", "admin"]), default="moderator", show_default=True)
@data_dir_option
def user_promote(username: str, role: str, data_dir: Path | None) -> None:
    """Change an account's role (default: moderator). Works while `serve` runs."""
    from blokhub.api.accounts_admin import set_role

    _account_command(_settings(data_dir), lambda s: set_role(s, username, role))


@user.command("demote")
@click.argument("username")
@data_dir_option
def user_demote(username: str, data_dir: Path | None) -> None:
    """Make an account a plain user again. Works while `serve` runs."""
    from blokhub.api.accounts_admin import set_role

    _account_command(_settings(data_dir), lambda s: set_role(s, username, "user"))


@user.command("ban")
@click.argument("username")
@data_dir_option
def user_ban(username: str, data_dir: Path | None) -> None:
    """Ban an account: sessions end, everything it made leaves every surface. Works while `serve` runs."""
    from blokhub.api.accounts_admin import set_banned

    _account_command(_settings(data_dir), lambda s: set_banned(s, username, True))


@user.command("unban")
@click.argument("username")
@data_dir_option
def user_unban(username: str, data_dir: Path | None) -> None:
    """Lift a ban: what the account made is back. Works while `serve` runs."""
    from blokhub.api.accounts_admin import set_banned

    _account_command(_settings(data_dir), lambda s: set_banned(s, username, False))


@main.command()
@click.option(
    "--seed", "seed_value", type=int, default=42, show_default=True, help="Random seed (same seed, same data)."
)
@click.option("--users", type=int, default=50, show_default=True, help="How many users to create.")
@click.option("--workflows", type=int, default=300, show_default=True, help="How many workflows to create.")
@click.option(
    "--defer-vectors",
    is_flag=True,
    help="Index keywords now, embed later: the next `serve` fills the vector index in the background.",
)
@click.option(
    "--no-history",
    is_flag=True,
    help="Only the corpus: no follows, favorites, reviews, comments or views (benchmarks).",
)
@data_dir_option
def seed(
    seed_value: int, users: int, workflows: int, defer_vectors: bool, no_history: bool, data_dir: Path | None
) -> None:
    """Load the deterministic demo (bulk inserts, progress bar): users and workflows with forks, the staff accounts,
    and four weeks of history (follows, favorites, reviews, comments, views) with trending and scores computed,
    the same demo `serve` loads into an empty database."""
    from blokhub.seed.service import DEMO_PASSWORD, seed_demo

    settings = _settings(data_dir)
    _configure_logging(settings)

    async def run(resolved: Settings) -> str:
        await startup.migrate(resolved)
        report = await seed_demo(
            resolved, seed=seed_value, users=users, workflows=workflows, history=not no_history, progress=True
        )
        indexed, _ = await startup.reindex(resolved, progress=True, vectors=not defer_vectors)
        history = ""
        if report.history is not None:
            h = report.history
            history = (
                f" History: {h.follows:,} follows, {h.favorites:,} favorites, {h.reviews:,} reviews, "
                f"{h.comments:,} comments, {h.view_days:,} daily view counts; trending and scores computed."
            )
        deferred = ""
        if defer_vectors:
            await startup.enqueue_vector_fill(resolved)
            deferred = " Vectors are embedded in the background by the next `blokhub serve`."
        return (
            f"seeded {report.users:,} users and {report.workflows:,} workflows in {report.seconds:.1f}s; "
            f"{indexed:,} public workflows indexed.{history}{deferred} Demo accounts (and `moderator`, `admin`) log "
            f"in with password {DEMO_PASSWORD!r}."
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
        await startup.migrate(resolved)
        return await startup.reindex(resolved, progress=True, vectors=not search_only)

    written, seconds = _with_runtime(settings, run)
    click.echo(
        f"indexed {written:,} workflows in {seconds:.1f}s ({written / max(seconds, 1e-9):,.0f} docs/s)", err=True
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
