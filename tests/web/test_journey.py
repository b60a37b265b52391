"""The journey a newcomer takes, in headless Chromium against a real server: register, search as they type (with a
typo), open a workflow, comment while its author watches the unread count change live in another browser, generate a
workflow in the chat, publish it and find it in search. Every page must load with no console error."""

from __future__ import annotations

import asyncio
import json
import re
import time

import httpx
from playwright.async_api import WebSocket, expect

from tests.api.workflow_helpers import VALID, simple
from tests.web.conftest import Browser, Watched

PASSWORD = "a-Sturdy-passphrase-42"


async def _author_with_workflows(base: str) -> int:
    """`olive` and two public workflows (one with branches), created through the API and indexed by the outbox."""
    async with httpx.AsyncClient(base_url=f"{base}/api/v1") as api:
        r = await api.post(
            "/auth/register", json={"username": "olive", "email": "olive@example.com", "password": PASSWORD}
        )
        assert r.status_code == 201, r.text
        auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
        r = await api.post("/workflows", headers=auth, json={"definition": simple(), "tags": ["slack", "stripe"]})
        assert r.status_code == 201, r.text
        slack_id: int = r.json()["id"]
        branching = json.loads(next(p for p in VALID if p.name.startswith("feedback")).read_text())
        r = await api.post("/workflows", headers=auth, json={"definition": branching, "tags": ["feedback"]})
        assert r.status_code == 201, r.text
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            hits = (await api.get("/search/workflows", params={"q": "slack"})).json()["hits"]
            if any(h["workflow"]["id"] == slack_id for h in hits):
                return slack_id
            await asyncio.sleep(0.2)
        raise AssertionError("the workflow never reached the search index")


def _greeted(page: Watched) -> asyncio.Event:
    """Set when the page's notification socket has received the server's hello: from then on the server has the
    socket subscribed, and whatever is created for its user is pushed to it."""
    greeted = asyncio.Event()

    def socket_opened(ws: WebSocket) -> None:
        ws.on("framereceived", lambda payload: '"hello"' in str(payload) and greeted.set())

    page.page.on("websocket", socket_opened)
    return greeted


async def _login(page: Watched, login: str) -> None:
    await page.page.goto("/login")
    await page.page.get_by_label("Username or email").fill(login)
    await page.page.get_by_label("Password").fill(PASSWORD)
    await page.page.get_by_role("button", name="Log in").click()
    await expect(page.page.locator(f'#nav a[href="/u/{login}"]')).to_be_attached()  # in the menu at phone width


async def test_register_search_comment_live_notification_generate_publish_find(browser: Browser) -> None:
    slack_id = await _author_with_workflows(browser.base)

    # The author is logged in elsewhere and sees no unread notification yet, once the live channel said hello.
    author = await browser.page("author")
    live = _greeted(author)
    await _login(author, "olive")
    await asyncio.wait_for(live.wait(), 10)
    unread = author.page.locator("#unread")
    await expect(unread).to_be_hidden()
    author.assert_clean("login")

    # A newcomer signs up.
    me = await browser.page("newcomer")
    await me.page.goto("/register")
    await me.page.get_by_label("Username").fill("newcomer")
    await me.page.get_by_label("Email").fill("newcomer@example.com")
    await me.page.get_by_label("Password").fill(PASSWORD)
    await me.page.get_by_role("button", name="Sign up").click()
    await expect(me.page.get_by_role("link", name="@newcomer")).to_be_visible()
    await expect(me.page).to_have_url(re.compile(r"/$"))
    me.assert_clean("register")

    # Search as you type, with a typo: results come with highlights, and the URL carries the query.
    box = me.page.get_by_role("combobox", name="Search workflows")
    await box.press_sequentially("slak", delay=40)
    card = me.page.locator("#results .card", has_text="Notify Slack on failed payment")
    await expect(card).to_be_visible()
    await expect(card.locator("mark").first).to_have_text(re.compile("slack", re.I))
    await expect(me.page).to_have_url(re.compile(r"\?q=slak$"))
    await expect(me.page.locator(".facets")).to_contain_text("stripe")
    me.assert_clean("search")

    # Open it: the flow is drawn and the source can be switched to YAML.
    await card.get_by_role("link", name=re.compile("Notify Slack")).click()
    await expect(me.page).to_have_url(re.compile(rf"/w/{slack_id}(/|$)"))
    await expect(me.page.get_by_role("heading", level=1)).to_have_text("Notify Slack on failed payment")
    await expect(me.page.locator("svg.flow .box")).to_have_count(3)  # trigger + two steps
    await me.page.get_by_role("tab", name="YAML").click()
    await expect(me.page.locator("#source-panel")).to_contain_text("post-to-slack:")
    me.assert_clean("workflow page")

    # Comment; the author sees it arrive live, without a reload: a pop-up naming who and where, the unread count
    # going up; and the notification is listed.
    await me.page.get_by_label("Add a comment").fill("Works nicely with our Stripe account, thanks!")
    await me.page.get_by_role("button", name="Post comment").click()
    await expect(me.page.locator(".comment .body", has_text="Works nicely")).to_be_visible()
    popup = author.page.locator(".toast", has_text="newcomer")
    await expect(popup).to_contain_text("“Notify Slack on failed payment”")
    await expect(unread).to_have_text("1")
    await author.page.get_by_role("link", name=re.compile("^Notifications")).click()
    await expect(author.page.locator(".notes li").first).to_contain_text("commented on")
    me.assert_clean("comment")
    author.assert_clean("notifications")

    # Generate in the chat: the answer streams in, the draft is drawn, and publishing opens the new workflow.
    await me.page.get_by_role("link", name="Generate").click()
    await me.page.get_by_label("Describe the workflow you need").fill(
        "When a Stripe payment fails, post the customer and amount to Slack"
    )
    await me.page.get_by_role("button", name="Send").click()
    await expect(me.page.locator(".msg.assistant").first).to_contain_text("Drafting")
    await expect(me.page.locator(".draft-col svg.flow")).to_be_visible(timeout=30_000)
    await expect(me.page.locator(".draft-state")).to_contain_text("valid")
    await expect(me.page).to_have_url(re.compile(r"/generate/\d+$"))
    await me.page.get_by_label("Title").fill("Quokka payment alarms")
    await me.page.get_by_label("Visibility").select_option("public")
    await me.page.get_by_role("button", name="Publish workflow").click()
    await expect(me.page.get_by_role("heading", level=1)).to_have_text("Quokka payment alarms")
    me.assert_clean("generate and publish")

    # Find it in search once the outbox has indexed it.
    await me.page.goto("/")
    box = me.page.get_by_role("combobox", name="Search workflows")
    found = me.page.locator("#results .card", has_text="Quokka payment alarms")
    deadline = time.monotonic() + 20
    while True:
        await box.fill("")
        await box.press_sequentially("quokka", delay=20)
        try:
            await expect(found).to_be_visible(timeout=1_000)
            break
        except AssertionError:
            if time.monotonic() > deadline:
                raise
    me.assert_clean("search for the published workflow")
