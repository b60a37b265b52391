"""`blokhub serve` as a user runs it: a real process, real embedded engines, signals and restarts."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

pytestmark = pytest.mark.slow
BLOKHUB = [sys.executable, "-m", "blokhub.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(BLOKHUB_LOG_LEVEL="WARNING", BLOKHUB_SEED_ON_EMPTY="0")
    return env


def _serve(data_dir: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*BLOKHUB, "serve", "--data-dir", str(data_dir), "--port", str(port)],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_ready(port: int, proc: subprocess.Popen[str], timeout: float = 90) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited early: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("serve did not become ready")


def _postgres_running(data_dir: Path) -> bool:
    for proc in psutil.process_iter(attrs=["name", "cmdline"]):
        if proc.info["name"] == "postgres" and str(data_dir) in " ".join(proc.info["cmdline"] or []):
            return True
    return False


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "data"


def test_serve_persists_refuses_a_second_server_and_stops_cleanly(data_dir: Path) -> None:
    port = _free_port()
    first = _serve(data_dir, port)
    try:
        _wait_ready(port, first)
        base = f"http://127.0.0.1:{port}/api/v1"
        r = httpx.post(
            f"{base}/auth/register",
            json={"username": "persist", "email": "p@example.com", "password": "durable-Secret-2024"},
        )
        assert r.status_code == 201, r.text

        second = subprocess.run(
            [*BLOKHUB, "serve", "--data-dir", str(data_dir), "--port", str(_free_port())],
            env=_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode != 0
        assert "already in use" in second.stderr and "--data-dir" in second.stderr
        assert httpx.get(f"http://127.0.0.1:{port}/ready").status_code == 200  # the first one is unharmed

        first.send_signal(signal.SIGTERM)
        assert first.wait(30) == 0
        assert not _postgres_running(data_dir)
        assert not (data_dir / "redis" / "redis.sock").exists()
    finally:
        if first.poll() is None:
            first.kill()

    again = _serve(data_dir, port)
    try:
        _wait_ready(port, again)
        r = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/auth/login", json={"login": "persist", "password": "durable-Secret-2024"}
        )
        assert r.status_code == 200, r.text
        again.send_signal(signal.SIGINT)
        assert again.wait(30) == 0
    finally:
        if again.poll() is None:
            again.kill()


def test_cli_user_create_and_promote(data_dir: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*BLOKHUB, *args, "--data-dir", str(data_dir)], env=_env(), capture_output=True, text=True, timeout=120
        )

    created = run(
        "user", "create", "root_admin", "root@example.com", "--password", "admin-Password-2024", "--role", "admin"
    )
    assert created.returncode == 0, created.stderr
    assert "created admin root_admin" in created.stdout
    again = run("user", "create", "root_admin", "x@example.com", "--password", "admin-Password-2024")
    assert again.returncode != 0 and "already registered" in again.stderr
    weak = run("user", "create", "weakling", "w@example.com", "--password", "password123")
    assert weak.returncode != 0 and "common" in weak.stderr
    promoted = run("user", "promote", "root_admin", "--role", "moderator")
    assert promoted.returncode == 0 and "now moderator" in promoted.stdout
    missing = run("user", "promote", "ghost")
    assert missing.returncode != 0 and "No user named" in missing.stderr
    assert run("migrate").returncode == 0


def test_help_everywhere() -> None:
    for args in [
        [],
        ["serve"],
        ["worker"],
        ["migrate"],
        ["seed"],
        ["reindex"],
        ["user"],
        ["user", "create"],
        ["user", "promote"],
    ]:
        out = subprocess.run([*BLOKHUB, *args, "--help"], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0 and "Usage:" in out.stdout, args


def test_cli_seed_then_reindex(data_dir: Path) -> None:
    seeded = subprocess.run(
        [*BLOKHUB, "seed", "--users", "15", "--workflows", "60", "--data-dir", str(data_dir)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert seeded.returncode == 0, seeded.stderr
    assert "seeded 15 users and 60 workflows" in seeded.stderr
    again = subprocess.run(
        [*BLOKHUB, "reindex", "--data-dir", str(data_dir)], env=_env(), capture_output=True, text=True, timeout=180
    )
    assert again.returncode == 0, again.stderr
    indexed = int(again.stderr.split("indexed ")[1].split(" workflows")[0].replace(",", ""))
    assert 40 <= indexed <= 60  # the public ones


def test_seed_with_deferred_vectors_then_serve_fills_them_in_the_background(data_dir: Path) -> None:
    seeded = subprocess.run(
        [*BLOKHUB, "seed", "--users", "10", "--workflows", "30", "--defer-vectors", "--data-dir", str(data_dir)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert seeded.returncode == 0, seeded.stderr
    assert "embedded in the background" in seeded.stderr and "embedded " not in seeded.stderr.split("seeded")[0]
    port = _free_port()
    proc = _serve(data_dir, port)
    try:
        _wait_ready(port, proc)
        api = f"http://127.0.0.1:{port}/api/v1"
        assert httpx.get(f"{api}/search/workflows", params={"q": ""}).json()["total"] > 0  # keywords: at once
        wid = httpx.get(f"{api}/workflows", params={"limit": 1}).json()["items"][0]["id"]
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:  # vectors: once the background job has embedded them
            items = httpx.get(f"{api}/workflows/{wid}/similar", timeout=30).json()["items"]
            if items:
                break
            time.sleep(1)
        assert items, "the deferred vectors were never filled"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)


def test_cli_user_commands_work_while_serve_runs(data_dir: Path) -> None:
    """Issue 13.2: `blokhub user ...` does not need the data-dir lock when a server runs: it uses its database."""
    port = _free_port()
    server = _serve(data_dir, port)
    try:
        _wait_ready(port, server)
        base = f"http://127.0.0.1:{port}/api/v1"
        password = "durable-Secret-2024"
        r = httpx.post(
            f"{base}/auth/register", json={"username": "ops", "email": "o@example.com", "password": password}
        )
        assert r.status_code == 201, r.text

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [*BLOKHUB, "user", *args, "--data-dir", str(data_dir)],
                env=_env(),
                capture_output=True,
                text=True,
                timeout=120,
            )

        promoted = run("promote", "ops", "--role", "admin")
        assert promoted.returncode == 0 and "now admin" in promoted.stdout, promoted.stderr
        created = run("create", "helper", "h@example.com", "--password", password, "--role", "moderator")
        assert created.returncode == 0, created.stderr

        def login(name: str) -> httpx.Response:
            return httpx.post(f"{base}/auth/login", json={"login": name, "password": password})

        token = login("ops").json()["access_token"]
        me = httpx.get(f"{base}/me", headers={"Authorization": f"Bearer {token}"}).json()
        assert me["role"] == "admin"
        assert login("helper").status_code == 200
        assert run("ban", "helper").returncode == 0
        assert login("helper").status_code in (401, 403)
        assert run("unban", "helper").returncode == 0
        assert login("helper").status_code == 200
        assert run("demote", "ops").returncode == 0
        assert run("ban", "ghost").returncode != 0
        server.send_signal(signal.SIGTERM)
        assert server.wait(30) == 0
        stderr = server.stderr.read() if server.stderr else ""
        assert stderr.count("Blok Hub on http://") == 1  # printed once, when listening
    finally:
        if server.poll() is None:
            server.kill()


def test_serve_on_a_busy_port_says_so_at_once(data_dir: Path) -> None:
    """Issue 13.12: the port is checked before engines start; the message says how to choose another."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = subprocess.run(
            [*BLOKHUB, "serve", "--data-dir", str(data_dir), "--port", str(port)],
            env=_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert out.returncode != 0
    # "At once" means before any engine starts: no PostgreSQL cluster, no Redis was created for this failed start.
    assert not (data_dir / "postgres").exists() and not (data_dir / "redis").exists()
    assert "already in use" in out.stderr and "--port" in out.stderr and "BLOKHUB_PORT" in out.stderr
    assert "Blok Hub on" not in out.stderr and "Errno" not in out.stderr
    assert not (data_dir / "postgres").exists()  # no engine was started
