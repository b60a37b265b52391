"""Every page of the app at phone width, as a moderator: it loads with no console error and no request leaving the
origin, fits the screen, passes axe-core's WCAG 2 A/AA checks, and can be used from the keyboard; the moderator hides a reported workflow from the queue;
the API docs render from local assets."""

from __future__ import annotations

import asyncio
import contextlib
import re

import httpx
from playwright.async_api import expect
from sqlalchemy import update

from blokhub.db.models import User
from blokhub.runtime.resources import Resources
from tests.web.conftest import Browser, Watched
from tests.web.test_journey import PASSWORD, _author_with_workflows, _login

PHONE = {"width": 390, "height": 844}


async def _settled(page: Watched, where: str) -> None:
    await expect(page.page.locator("main[aria-busy]")).to_have_count(0)
    await expect(page.page.get_by_role("heading", level=1)).to_be_visible()
    await page.settled()
    overflow = await page.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{where} is {overflow}px wider than a phone screen"
    page.assert_clean(where)
    await page.assert_accessible(where)


async def _docs_render(docs: Watched) -> None:
    # Generous timeouts: the document is finished on first request and Swagger UI is 1.5 MB of script to parse.
    await docs.page.goto("/schema", timeout=60_000)
    await expect(docs.page.locator(".swagger-ui .info .title")).to_contain_text("Blok Hub API", timeout=30_000)


async def test_every_page_at_phone_width_moderation_and_keyboard(browser: Browser, resources: Resources) -> None:
    docs = await browser.page("docs")
    docs_rendered = asyncio.ensure_future(_docs_render(docs))  # awaited at the end; cancelled if the tour fails first
    try:
        await _tour(browser, resources, docs_rendered, docs)
    finally:
        docs_rendered.cancel()
        with contextlib.suppress(BaseException):
            await docs_rendered


async def _tour(browser: Browser, resources: Resources, docs_rendered: asyncio.Future[None], docs: Watched) -> None:
    workflow_id = await _author_with_workflows(browser.base)
    async with httpx.AsyncClient(base_url=f"{browser.base}/api/v1") as api:
        r = await api.post("/auth/register", json={"username": "mia", "email": "mia@example.com", "password": PASSWORD})
        token = r.json()["access_token"]
        r = await api.post(
            "/reports",
            headers={"Authorization": f"Bearer {token}"},
            json={"target_type": "workflow", "target_id": workflow_id, "reason": "Posts customer data to Slack"},
        )
        assert r.status_code == 201, r.text
    async with resources.sessionmaker() as db, db.begin():
        await db.execute(update(User).where(User.username == "mia").values(role="moderator"))

    mod = await browser.page("moderator", **PHONE, bypass_csp=True)  # to inject axe-core
    await mod.page.goto("/trending")
    # Keyboard: the first Tab reaches the skip link, and focus is always visible.
    await mod.page.keyboard.press("Tab")
    focused = mod.page.locator(":focus")
    await expect(focused).to_have_text("Skip to content")
    await mod.page.keyboard.press("Tab")
    outline = await mod.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")

    await _login(mod, "mia")  # the menu collapses at phone width; the @mia link is in it
    for path in (
        "/",
        "/?q=slack&sort=newest",
        "/trending?window=day",
        "/feed",
        "/feed?rank=personal",
        "/for-you",
        "/notifications",
        "/saved",
        "/favorites",
        "/generate",
        "/u/olive",
        f"/w/{workflow_id}",
        "/moderation",
    ):
        await mod.visit(path)  # as the app's own links open it; deep links are test_serving's
        await _settled(mod, path)

    # A search with a filter is saved with typed filters, listed, and opens again as it was.
    await mod.page.goto("/?q=slack&tags=slack")
    await expect(mod.page.locator("#results .card").first).to_be_visible()
    await mod.page.get_by_role("button", name="Save this search").click()
    await expect(mod.page.locator(".toast", has_text="Saved")).to_be_visible()
    await mod.visit("/saved")
    await _settled(mod, "/saved with one search")
    await mod.page.get_by_role("link", name="slack").click()
    await expect(mod.page).to_have_url(re.compile(r"/\?q=slack&tags=slack$"))
    await expect(mod.page.get_by_role("button", name="Remove filter Tags slack")).to_be_visible()

    # The moderator hides the reported workflow from the queue; it is gone for everyone else.
    await mod.visit("/moderation")
    report = mod.page.locator(".report", has_text="Posts customer data to Slack")
    await report.get_by_role("button", name="Hide content").click()
    await expect(report).to_have_count(0)
    async with httpx.AsyncClient(base_url=f"{browser.base}/api/v1") as api:
        assert (await api.get(f"/workflows/{workflow_id}")).status_code == 404
    mod.assert_clean("moderation")

    # The menu opens and closes from the keyboard at phone width.
    menu = mod.page.get_by_role("button", name="Menu")
    await menu.focus()
    await mod.page.keyboard.press("Enter")
    await expect(menu).to_have_attribute("aria-expanded", "true")
    await expect(mod.page.get_by_role("link", name="Trending")).to_be_visible()

    # An access token about to expire is refreshed silently: the page loads and the refresh token has rotated.
    spent = await mod.page.evaluate("""() => {
      const s = JSON.parse(localStorage.getItem('blokhub.session'));
      localStorage.setItem('blokhub.session', JSON.stringify({ ...s, expires_at: Date.now() }));
      return s.refresh_token;
    }""")
    await mod.page.goto("/notifications")
    await _settled(mod, "/notifications after expiry")
    fresh = await mod.page.evaluate("JSON.parse(localStorage.getItem('blokhub.session')).refresh_token")
    assert fresh != spent

    # Logging out ends the session on the server too.
    await mod.page.get_by_role("button", name="Menu").click()
    await mod.page.get_by_role("button", name="Log out").click()
    await expect(mod.page.locator('#nav a[href="/login"]')).to_be_attached()
    await expect(mod.page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")
    async with httpx.AsyncClient(base_url=f"{browser.base}/api/v1") as api:
        r = await api.post("/auth/refresh", json={"refresh_token": fresh})
        assert r.status_code == 401, r.text
    mod.assert_clean("logout")

    # The API docs (loading in their own tab meanwhile) rendered offline: every asset came from this origin.
    await docs_rendered
    docs.assert_clean("/schema")
