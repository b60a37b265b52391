"""Suggestions under the search box, in headless Chromium against a real server: they follow what is typed (an
answer to an older prefix never replaces a newer one), follow the ARIA combobox pattern, work from the keyboard
(arrows, Enter, Escape), pass axe-core's checks open at phone width, and pick a filter or open a workflow."""

from __future__ import annotations

import asyncio
import contextlib
import re
from typing import Any

from playwright.async_api import expect

from tests.web.conftest import Browser
from tests.web.test_journey import _author_with_workflows


async def test_suggestions_follow_typing_and_work_from_the_keyboard(browser: Browser) -> None:
    slack_id = await _author_with_workflows(browser.base)
    me = await browser.page("searcher", width=390, height=844, bypass_csp=True)  # a phone; axe-core is injected
    page = me.page

    # The answer for "s" is held back until the one for "st" has been painted: the late answer must not win.
    held: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    async def hold_first(route: Any) -> None:
        if "q=s&" in route.request.url or route.request.url.endswith("q=s"):
            held.set_result(route)
            return
        await route.continue_()

    await page.route(re.compile(r"/api/v1/search/suggest\?"), hold_first)
    await page.goto("/")
    box = page.get_by_role("combobox", name="Search workflows")
    listbox = page.get_by_role("listbox", name="Suggestions")
    await box.press_sequentially("s")
    slow = await asyncio.wait_for(held, 10)
    await box.press_sequentially("t")
    await expect(listbox.get_by_role("option", name=re.compile("^stripe"))).to_be_visible()
    with contextlib.suppress(Exception):  # the app may have cancelled it already
        await slow.continue_()
    await me.settled()
    await expect(listbox.get_by_role("option", name=re.compile("^stripe"))).to_be_visible()
    await expect(listbox.get_by_role("option", name=re.compile("^slack"))).to_have_count(0)
    await page.unroute(re.compile(r"/api/v1/search/suggest\?"))

    # The combobox pattern: the box says its list is open and which option is highlighted; ↓ and ↑ move (wrapping).
    await box.fill("")
    await box.press_sequentially("sla")
    tag = listbox.get_by_role("option", name=re.compile("^slack tag$"))
    workflow = listbox.get_by_role("option", name=re.compile("^Notify Slack on failed payment workflow$"))
    await expect(tag).to_be_visible()
    await expect(workflow).to_be_visible()
    await expect(box).to_have_attribute("aria-expanded", "true")
    await expect(box).to_have_attribute("aria-controls", "suggestions")
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the open list is {overflow}px wider than a phone screen"
    await me.assert_accessible("the open suggestion list")
    options = listbox.get_by_role("option")
    count = await options.count()
    await box.press("ArrowDown")
    first = options.nth(0)
    await expect(first).to_have_attribute("aria-selected", "true")
    await expect(box).to_have_attribute("aria-activedescendant", await first.get_attribute("id") or "?")
    await box.press("ArrowUp")
    await expect(options.nth(count - 1)).to_have_attribute("aria-selected", "true")
    await expect(first).to_have_attribute("aria-selected", "false")

    # Escape closes the list and keeps the text; ↓ opens it again.
    await box.press("Escape")
    await expect(listbox).to_be_hidden()
    await expect(box).to_have_attribute("aria-expanded", "false")
    await expect(box).to_have_value("sla")
    await box.press("ArrowDown")
    await expect(listbox).to_be_visible()

    # Enter on the tag filters by it; the URL says so and the filter can be removed.
    while await tag.get_attribute("aria-selected") != "true":
        await box.press("ArrowDown")
    await box.press("Enter")
    await expect(listbox).to_be_hidden()
    await expect(page).to_have_url(re.compile(r"/\?tags=slack$"))
    await expect(page.get_by_role("button", name="Remove filter Tags slack")).to_be_visible()
    await expect(page.locator("#results .card", has_text="Notify Slack on failed payment")).to_be_visible()

    # A workflow suggestion, clicked, opens that workflow.
    await box.press_sequentially("notify")
    await workflow.click()
    await expect(page).to_have_url(re.compile(rf"/w/{slack_id}$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Notify Slack on failed payment")
    me.assert_clean("suggestions")
