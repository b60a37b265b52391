"""Blok's published runner as a judge: load workflows through its own loader, serve them through an HTTP trigger.

The runner and its built-in nodes are installed from the npm registry by `make test` (`npm ci` in
tests/runner/node, pinned by its package-lock.json). Its node registry is the one a project export carries: the
built-ins plus every template example node the export ships (``blokhub/blok/data/project/nodes``), which also answer
for ``type: local`` steps of the same name (NODES_PATH), as in an exported project. One Node process judges a whole
batch, so loading a few hundred workflows costs well under a second.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from blokhub.blok.project_nodes import registry_js, shipped_nodes

REPO = Path(__file__).resolve().parents[2]
NODE_DIR = REPO / "tests" / "runner" / "node"
NODE_MODULES = NODE_DIR / "node_modules"
PROJECT_TEMPLATE = REPO / "blokhub" / "blok" / "data" / "project"
TEMPLATE_NODES = PROJECT_TEMPLATE / "nodes"
SERVER = PROJECT_TEMPLATE / "server.js"
# shared/ sits beside the checkout (CI, the main checkout) or one level higher (a worktree under wt/).
SHARED_FIXTURES = next(
    (
        p / "shared" / "fixtures" / "blok-workflows"
        for p in (REPO.parent, REPO.parent.parent)
        if (p / "shared").is_dir()
    ),
    REPO.parent / "shared" / "fixtures" / "blok-workflows",
)


def unavailable() -> str | None:
    """Why the oracle cannot run here, or None."""
    if shutil.which("node") is None:
        return "Node.js is not installed (make test installs it)"
    if not (NODE_MODULES / "@nanoservice-ts" / "runner" / "package.json").is_file():
        return "Blok's runner is not installed: run `make test` (npm ci in tests/runner/node)"
    return None


@cache
def registry() -> Path:
    """A nodes.js registering the runner's built-ins and every template node the export ships (written once, removed
    when the test process exits)."""
    folder = Path(tempfile.mkdtemp(prefix="blokhub-oracle-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "nodes.js"
    path.write_text(registry_js(list(shipped_nodes().values()), str(TEMPLATE_NODES)), "utf-8")
    return path


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "NODE_PATH": str(NODE_MODULES), "CONSOLE_LOG_ACTIVE": "false"}
    env.update(extra)
    return env


@dataclass(frozen=True, slots=True)
class Verdict:
    key: str
    ok: bool
    error: str | None
    steps: int
    ran: bool | None = None  # with fire=True: whether the run finished (None: not run, it did not load)
    reply: Any = None  # ctx.response.data after the run
    run_error: str | None = None


def load_all(items: Iterable[tuple[str, str]], *, fire: bool = False) -> dict[str, Verdict]:
    """``(key, file text)`` pairs -> the runner's verdict for each, as ``Configuration.init`` gives it; with
    ``fire`` each one that loads is also run once without a request, as a schedule or manual start would."""
    return _judge([{"key": key, "text": text} for key, text in items], fire=fire)


def load_projects(projects: dict[str, Path]) -> dict[str, Verdict]:
    """Key -> an unpacked project export: the verdict on its workflow file with the project's own registry
    (nodes.js) and local nodes (nodes/), as its server.js would load it."""
    batch = []
    for key, folder in projects.items():
        (workflow,) = (folder / "workflows" / "json").glob("*.json")
        batch.append(
            {
                "key": key,
                "text": workflow.read_text("utf-8"),
                "registry": str(folder / "nodes.js"),
                "nodes_path": str(folder / "nodes"),
            }
        )
    return _judge(batch)


def _judge(batch: list[dict[str, str]], *, fire: bool = False) -> dict[str, Verdict]:
    request = {"registry": str(registry()), "nodes_path": str(TEMPLATE_NODES), "fire": fire, "items": batch}
    completed = subprocess.run(
        ["node", str(NODE_DIR / "oracle.js")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(),
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    verdicts = [
        Verdict(
            v["key"], v["ok"], v.get("error"), int(v.get("steps", 0)), v.get("ran"), v.get("reply"), v.get("run_error")
        )
        for v in json.loads(completed.stdout)
    ]
    return {v.key: v for v in verdicts}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[Any], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on port {port} after {timeout}s")


@contextmanager
def serving(workflows_dir: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """Blok's HTTP trigger (the project template's server.js) serving ``workflows_dir/json/*.json`` (with ``env``
    added to its environment: the signing secrets webhook workflows read)."""
    port = free_port()
    process = subprocess.Popen(
        ["node", str(SERVER)],
        env=_env(
            PORT=str(port),
            WORKFLOWS_PATH=str(workflows_dir),
            NODE_REGISTRY=str(registry()),
            NODES_PATH=str(TEMPLATE_NODES),
            **(env or {}),
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
