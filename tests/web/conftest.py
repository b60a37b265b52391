"""A real server on a free port and headless Chromium (Debian's, driven by Playwright) for the browser suite.

The server is the production app (`create_app`) on the test session's embedded PostgreSQL and Redis, with the
in-process worker running so the outbox feeds the search index exactly as under `blokhub serve`. Every page the test
opens is watched for console errors, uncaught exceptions and requests leaving the origin; a failing test leaves a
screenshot of each open page under `.pytest-artifacts/web/<test name>/`."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
import shutil
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright import async_api as playwright_api

from blokhub.api.app import create_app
from blokhub.api.notifications.hub import NotificationHub
from blokhub.outbox.registry import install
from blokhub.runtime.resources import Resources
from blokhub.wiring.consumers import CONSUMERS
from blokhub.workers.settings import InProcessWorker

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / ".pytest-artifacts" / "web"
# axe-core, pinned in package-lock.json and installed by `make install` (npm ci), checks pages against WCAG 2 A/AA.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@functools.cache
def _axe_source() -> str:
    return AXE.read_text()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
async def live(clean: Resources) -> AsyncIterator[str]:
    """The app served over real HTTP and WebSocket; yields its base URL. One per test (about a second): a server
    shared by the package would have its in-process worker still writing the previous test's outbox while the next
    test's tables are cleaned (deadlocks), and arq's worker cannot be reliably paused in between."""
    port = _free_port()
    registry = install(CONSUMERS)
    app = create_app(
        clean.settings, CONSUMERS, resources=clean, worker=lambda res: InProcessWorker(res, registry)
    )  # as `blokhub serve` wires it (blokhub.wiring.app), on the session's shared resources
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on"))
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    hub: NotificationHub = app.state.hub
    await asyncio.wait_for(hub.ready.wait(), 5)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


class Watched:
    """A browser page whose console errors, uncaught exceptions and off-origin requests are collected, and whose
    requests in flight are counted (so a test can wait for the page to settle instead of sleeping)."""

    def __init__(self, page: Any, name: str, base: str) -> None:
        self.page = page
        self.name = name
        self.problems: list[str] = []
        self.in_flight = 0
        self.started = 0
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)
        origin = re.compile(rf"^(?:{re.escape(base)}|{re.escape(base.replace('http', 'ws', 1))}|data:|blob:|about:)")
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text} @ {page.url}"))
        page.on("pageerror", lambda e: self.problems.append(f"uncaught: {e} @ {page.url}"))
        page.on("request", lambda r: origin.match(r.url) or self.problems.append(f"off-origin request: {r.url}"))

    def _started(self, _request: Any) -> None:
        self.in_flight += 1
        self.started += 1

    def _ended(self, _request: Any) -> None:
        self.in_flight -= 1

    async def visit(self, path: str) -> None:
        """Open `path` inside the running app, as its own links do (history API), without reloading the page."""
        await self.page.evaluate(
            "(to) => { history.pushState(null, '', to); dispatchEvent(new PopStateEvent('popstate')); }", path
        )

    async def settled(self, timeout: float = 30) -> None:
        """Wait until no request is in flight and none starts across a painted frame (the first /similar may load
        the embedding model, hence the generous timeout)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if self.in_flight <= 0:
                before = self.started
                await self.page.evaluate("() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))")
                if self.in_flight <= 0 and self.started == before:
                    return
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{self.name}: {self.in_flight} request(s) still in flight after {timeout} s")
            await asyncio.sleep(0.02)

    def assert_clean(self, where: str) -> None:
        problems, self.problems = self.problems, []
        assert not problems, f"{self.name} on {where}: {problems}"

    async def assert_accessible(self, where: str) -> None:
        """No axe-core violation of WCAG 2 A/AA or its best practices (the page's context must bypass the CSP,
        which would refuse the injected script)."""
        if not await self.page.evaluate("typeof axe === 'object'"):  # once per document, not per visit
            await self.page.add_script_tag(content=_axe_source())
        result = await self.page.evaluate(
            "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice'], resultTypes: ['violations']})"
        )
        found = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]]
        assert not found, f"{self.name} on {where}: {found}"


class Browser:
    def __init__(self, browser: Any, base: str) -> None:
        self.browser = browser
        self.base = base
        self.pages: list[Watched] = []

    async def page(self, name: str, *, width: int = 1280, height: int = 900, bypass_csp: bool = False) -> Watched:
        context = await self.browser.new_context(
            base_url=self.base, viewport={"width": width, "height": height}, bypass_csp=bypass_csp
        )
        context.set_default_timeout(10_000)
        watched = Watched(await context.new_page(), name, self.base)
        self.pages.append(watched)
        return watched


@pytest.fixture(scope="package")
async def chromium(resources: Resources) -> AsyncIterator[Any]:
    """One headless Chromium for the browser suite; every test gets fresh contexts (profiles) in it."""
    # The journey's chat and the workflow page's similar list embed text: load the model while the browser starts.
    warming = asyncio.create_task(resources.embedder.warmup())
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()
            await warming


@pytest.fixture
async def browser(chromium: Any, live: str, request: pytest.FixtureRequest) -> AsyncIterator[Browser]:
    driver = Browser(chromium, live)
    try:
        yield driver
    finally:
        report = getattr(request.node, "report_call", None)
        if report is None or report.failed:
            folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
            folder.mkdir(parents=True, exist_ok=True)
            for watched in driver.pages:
                with contextlib.suppress(Exception):
                    await watched.page.screenshot(path=str(folder / f"{watched.name}.png"), full_page=True)
        for watched in driver.pages:
            await watched.page.context.close()
