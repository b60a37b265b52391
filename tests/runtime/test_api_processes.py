"""`serve` with several API processes on one port: every process answers every route with what PostgreSQL holds,
the replicas follow the owner's index writes at once, and all of them stop with the owner."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.api.workflow_helpers import simple
from tests.runtime.test_serve import BLOKHUB, _env, _free_port, _wait_ready

pytestmark = pytest.mark.slow
PASSWORD = "a-Sturdy-passphrase-42"


def _replicas(owner: subprocess.Popen[str]) -> list[psutil.Process]:
    return [p for p in psutil.Process(owner.pid).children() if "serve-replica" in " ".join(p.cmdline())]


def test_two_api_processes_share_the_port_follow_writes_and_stop_together(tmp_path: Path) -> None:
    port = _free_port()
    env = {**_env(), "BLOKHUB_API_PROCESSES": "2"}
    owner = subprocess.Popen(
        [*BLOKHUB, "serve", "--data-dir", str(tmp_path / "data"), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_ready(port, owner)
        deadline = time.monotonic() + 60
        while len(_replicas(owner)) < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        (replica,) = _replicas(owner)
        api = f"http://127.0.0.1:{port}/api/v1"
        with httpx.Client(base_url=api, timeout=30) as c:
            r = c.post("/auth/register", json={"username": "alice", "email": "a@example.com", "password": PASSWORD})
            headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
            r = c.post("/workflows", json={"definition": simple(name="zanzibar-ledger")}, headers=headers)
            assert r.status_code == 201, r.text
            wid = r.json()["id"]
        # New connections land on either process; every one of them must find it (the owner's worker indexes it
        # right after the commit; a replica's next search reloads the index).
        seen_by: set[int] = set()
        deadline = time.monotonic() + 30
        found = 0
        while found < 20 and time.monotonic() < deadline:
            with httpx.Client(base_url=api, timeout=30) as fresh:
                r = fresh.get("/search/workflows", params={"q": "zanzibar"})
                hits = [h["workflow"]["id"] for h in r.json()["hits"]]
                found = found + 1 if hits == [wid] else 0
        assert found >= 20, "a process did not see the new workflow"
        for _ in range(6):  # generous timeout: a process may first load the model to embed it on the spot
            with httpx.Client(base_url=api, timeout=180) as fresh:
                seen_by.add(int(fresh.get(f"/workflows/{wid}/similar").status_code))
        assert seen_by == {200}  # similar answers in both processes (the replica reads vectors via the owner)
        assert replica.is_running()
        # Sixteen keep-alive connections are spread over both processes (SO_REUSEPORT), not all accepted by one.
        clients = [httpx.Client(base_url=api, timeout=30) for _ in range(16)]
        try:
            assert all(c.get("/search/workflows", params={"q": "zanzibar"}).status_code == 200 for c in clients)
            held = {
                p.pid: sum(1 for c in p.net_connections("tcp") if c.laddr.port == port and c.raddr)
                for p in (psutil.Process(owner.pid), replica)
            }
            assert sum(held.values()) == 16 and min(held.values()) > 0, held
        finally:
            for c in clients:
                c.close()
    finally:
        owner.send_signal(signal.SIGTERM)
        owner.wait(60)
    assert not replica.is_running() or replica.status() == psutil.STATUS_ZOMBIE
