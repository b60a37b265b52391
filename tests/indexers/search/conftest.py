"""Fixtures for the search engine contract suite: a small hand-written corpus and one engine per test.

The suite runs against every available engine: tantivy always, Meilisearch when `MEILISEARCH_URL` is set
(skipped otherwise, never faked). Each test gets a fresh index (a tmp dir, or a uniquely named Meilisearch index
deleted afterwards) loaded with the corpus.
"""

from __future__ import annotations

import os
import re
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from blokhub.blok.requirements import requirements
from blokhub.indexers.search import SearchDocument, SearchEngine, TantivySearchEngine

DAY = 86_400.0
NOW = 1_760_000_000.0
NAMES = {
    "alice": "Alice Martin",
    "bob": "Bob Stone",
    "carol": "Carol Díaz",
    "dave": "Dave Okafor",
    "erin": "Erin Walsh",
}
LONG = (
    "This workflow starts with a scheduled trigger and loads every open invoice from the accounting system, "
    "groups them by customer and currency, and only then sends a Slack message to the finance channel with a "
    "summary of overdue amounts and links to each invoice for follow-up by the team."
)

# id, title, description, tags, nodes, author, trigger, method, runtimes, branches, age in days, favorites,
# rating, trending
# fmt: off
ROWS: list[tuple[Any, ...]] = [
    (1, 'Slack notifier for new GitHub issues', 'Posts a message to a Slack channel whenever an issue is opened.', ['slack', 'github', 'notifications'], ['@nanoservice-ts/api-call', 'slack-send'], 'alice', 'http', 'POST', ['typescript'], False, 10, 40, 4.6, 9.5),
    (2, 'Daily Slack digest of Stripe payments', "Collects yesterday's charges and posts a digest.", ['slack', 'stripe', 'payments'], ['stripe-list', 'slack-send'], 'bob', 'cron', None, ['python3'], False, 30, 25, 4.2, 3.1),
    (3, 'Post deploy notifications to Slack', 'Announces each production deploy with the commit list.', ['slack', 'deploy', 'notifications'], ['@nanoservice-ts/api-call', '@nanoservice-ts/if-else'], 'carol', 'http', 'POST', ['typescript'], True, 55, 31, 3.9, 4.4),
    (4, 'Stripe payment webhook to Postgres', 'Stores every payment event in a table for reporting.', ['stripe', 'payments', 'postgres'], ['postgres-query', '@nanoservice-ts/if-else'], 'dave', 'http', 'POST', ['typescript'], True, 80, 52, 4.8, 7.7),
    (5, 'Refund failed Stripe charges', 'Finds failed charges and issues refunds after review.', ['stripe', 'payments'], ['stripe-refund'], 'erin', 'manual', None, ['python3'], False, 120, 8, 3.1, 0.5),
    (6, 'GitHub release notes generator with OpenAI', 'Drafts release notes from merged pull requests.', ['github', 'openai'], ['openai-chat', 'github-list'], 'alice', 'http', 'POST', ['python3'], False, 15, 61, 4.9, 12.0),
    (7, 'Summarize GitHub pull requests', 'Writes a short summary for each pull request using a language model.', ['github', 'openai', 'ai'], ['openai-chat'], 'bob', 'http', 'GET', ['typescript'], False, 200, 17, 0.0, 1.2),
    (8, 'Postgres backup to S3', 'Dumps the database every night and uploads the archive.', ['postgres', 'backup', 's3'], ['postgres-dump', 's3-upload'], 'carol', 'cron', None, ['python3'], False, 365, 44, 4.4, 2.0),
    (9, 'Postgres query API', 'Runs a parameterised query and returns rows as JSON.', ['postgres', 'api'], ['postgres-query', '@nanoservice-ts/api-call'], 'dave', 'http', 'GET', ['typescript'], False, 400, 70, 4.0, 2.5),
    (10, 'OpenAI chatbot with memory', 'A conversational assistant that remembers the last messages.', ['openai', 'ai', 'chatbot'], ['openai-chat', 'redis-get'], 'erin', 'http', 'POST', ['typescript'], True, 5, 90, 4.7, 20.0),
    (11, 'Email notification on signup', 'Sends a welcome email when a user registers.', ['email', 'notifications'], ['sendgrid-send'], 'alice', 'http', 'POST', ['typescript'], False, 60, 12, 3.5, 0.9),
    (12, 'SMS notifications with Twilio', 'Texts on-call engineers about incidents.', ['twilio', 'notifications'], ['twilio-send'], 'bob', 'http', 'POST', ['python3'], False, 90, 9, 0.0, 0.3),
    (13, 'Discord alert for failed jobs', 'Reports failed background jobs to a Discord channel.', ['discord', 'alerts'], ['discord-send'], 'carol', 'cron', None, ['typescript'], False, 33, 14, 3.3, 1.8),
    (14, 'Weather API proxy', 'Caches forecasts from a public weather service.', ['weather', 'api'], ['@nanoservice-ts/api-call'], 'dave', 'http', 'GET', ['typescript'], False, 700, 5, 2.9, 0.1),
    (15, 'Countries GraphQL explorer', 'Looks up countries and capitals through a GraphQL endpoint.', ['countries', 'api'], ['@nanoservice-ts/api-call'], 'erin', 'http', 'GET', ['typescript', 'python3'], True, 650, 22, 4.1, 0.4),
    (16, 'Notion page sync', 'Mirrors a Notion database into a spreadsheet.', ['notion', 'sync'], ['notion-query', 'sheets-append'], 'alice', 'cron', None, ['python3'], False, 45, 19, 3.8, 1.1),
    (17, 'Airtable to Postgres import', 'Copies Airtable records into a Postgres table.', ['airtable', 'postgres'], ['airtable-list', 'postgres-query'], 'bob', 'manual', None, ['typescript'], False, 150, 11, 0.0, 0.2),
    (18, 'MCP tool server for GitHub search', 'Exposes repository search as a tool for assistants.', ['mcp', 'github'], ['github-search'], 'carol', 'mcp', '*', ['typescript'], False, 3, 28, 4.5, 15.0),
    (19, 'gRPC payment gateway', 'Authorises card payments behind a gRPC service.', ['grpc', 'payments'], ['stripe-charge'], 'dave', 'grpc', '*', ['typescript'], True, 210, 33, 4.3, 2.2),
    (20, 'Image capture and resize', 'Takes screenshots of a page and stores thumbnails.', ['images'], ['puppeteer-capture', 's3-upload'], 'erin', 'http', 'POST', ['python3'], False, 260, 6, 0.0, 0.05),
    (21, "<script>alert('x')</script> Slack helper", 'Helps with Slack formatting & escaping of <b>markup</b>.', ['slack'], ['slack-send'], 'alice', 'http', 'POST', ['typescript'], False, 2, 1, 0.0, 0.0),
    (22, 'Customer feedback sentiment with OpenAI', 'Scores feedback and stores the sentiment label.', ['openai', 'feedback'], ['openai-chat', 'postgres-query'], 'bob', 'http', 'POST', ['python3'], False, 70, 24, 3.7, 1.4),
    (23, 'Jira issue triage', 'Labels new Jira issues and assigns an owner.', ['jira', 'triage'], ['jira-update'], 'carol', 'http', 'POST', ['typescript'], True, 95, 16, 3.2, 0.7),
    (24, 'Stripe subscription dashboard', 'Charts monthly recurring revenue and churn.', ['stripe', 'dashboard'], ['stripe-list'], 'dave', 'http', 'GET', ['typescript'], False, 180, 37, 4.05, 1.6),
    (25, 'Slack standup bot', 'Asks the team for standup answers every morning.', ['slack', 'bot'], ['slack-send', '@nanoservice-ts/if-else'], 'erin', 'cron', None, ['typescript'], True, 20, 48, 4.25, 6.0),
    (26, 'Load test runner', 'Fires concurrent requests and reports latency percentiles.', ['testing'], ['@nanoservice-ts/api-call'], 'alice', 'manual', None, ['typescript'], False, 500, 3, 0.0, 0.01),
    (27, 'MongoDB change stream to Slack', 'Forwards inserted documents to a channel.', ['mongodb', 'slack'], ['mongodb-watch', 'slack-send'], 'bob', 'http', 'POST', ['typescript'], False, 130, 13, 3.6, 0.6),
    (28, 'PDF rental reports', 'Renders monthly rental reports as PDF files.', ['pdf', 'reports'], ['pdf-render'], 'carol', 'cron', None, ['python3'], False, 310, 7, 2.5, 0.15),
    (29, 'Launches by year', 'Counts rocket launches per year from a public API.', ['spacex', 'api'], ['@nanoservice-ts/api-call'], 'dave', 'http', 'GET', ['typescript'], False, 420, 10, 3.4, 0.25),
    (30, 'Workflow docs generator', 'Builds documentation pages from workflow files.', ['docs'], ['markdown-render'], 'erin', 'manual', None, ['python3'], False, 75, 15, 3.95, 0.8),
    (31, 'Notification preferences API', 'Reads and updates per-user notification settings.', ['notifications', 'api'], ['postgres-query'], 'alice', 'http', 'PUT', ['typescript'], False, 25, 20, 4.15, 1.3),
    (32, 'Payments reconciliation', 'This workflow starts with a scheduled trigger and loads every open invoice from the accounting system, groups them by customer and currency, and only then sends a Slack message to the finance channel with a summary of overdue amounts and links to each invoice for follow-up by the team.', ['payments', 'finance'], ['postgres-query', 'slack-send'], 'bob', 'cron', None, ['python3'], True, 140, 29, 4.35, 1.9),
    (33, 'GitHub stars tracker', 'Records repository stars every day.', ['github', 'analytics'], ['github-list'], 'carol', 'cron', None, ['typescript'], False, 230, 18, 3.0, 0.35),
    (34, 'Sentry errors to Linear', 'Opens Linear tickets for new Sentry errors.', ['sentry', 'linear'], ['linear-create'], 'dave', 'http', 'POST', ['typescript'], False, 12, 26, 3.85, 5.0),
    (35, 'Translate support tickets', 'Translates incoming tickets to English with OpenAI.', ['openai', 'support'], ['openai-chat'], 'erin', 'http', 'POST', ['python3'], False, 40, 21, 3.75, 2.8),
    (36, 'Shopify orders to Google Sheets', 'Appends each new order as a row.', ['shopify', 'sheets'], ['sheets-append'], 'alice', 'http', 'POST', ['typescript'], False, 160, 27, 3.45, 1.0),
    (37, 'Telegram reminder bot', 'Sends reminders at the times you choose.', ['telegram', 'bot'], ['telegram-send'], 'bob', 'cron', None, ['python3'], False, 190, 4, 0.0, 0.02),
    (38, 'Gitlab pipeline notifier', 'Reports pipeline results to the team.', ['gitlab', 'notifications'], ['gitlab-events'], 'carol', 'http', 'POST', ['typescript'], False, 8, 23, 3.55, 3.3),
    (39, 'Redis cache warmer', 'Preloads hot keys after a deploy.', ['redis', 'cache'], ['redis-set'], 'dave', 'cron', None, ['typescript'], False, 280, 2, 0.0, 0.03),
    (40, 'Zebra twin workflow', 'Identical twin used to check the popularity tie-break.', ['twins'], ['noop'], 'erin', 'manual', None, ['python3'], False, 50, 30, 0.0, 0.0),
    (41, 'Zebra twin workflow', 'Identical twin used to check the popularity tie-break.', ['twins'], ['noop'], 'erin', 'manual', None, ['python3'], False, 51, 60, 0.0, 0.0),
]
# fmt: on


def make_doc(row: tuple[Any, ...]) -> SearchDocument:
    i, title, desc, tags, nodes, author, trigger, method, runtimes, branches, age, favs, rating, trending = row
    created = NOW - age * DAY
    return SearchDocument(
        id=i,
        title=title,
        description=desc,
        tags=tags,
        nodes=nodes,
        step_names=[f"step {n}" for n in nodes],
        author=author,
        author_name=NAMES[author],
        trigger=trigger,
        method=method,
        runtimes=runtimes,
        has_branches=branches,
        created_at=created,
        updated_at=created + (age % 7) * DAY + i,
        favorites=favs,
        forks=favs // 4,
        views=favs * 10,
        rating_score=rating,
        rating_count=0 if rating == 0 else 3 + i % 5,
        trending=trending,
        popularity=float(favs * 2 + i / 100),
        # The displayed average differs from the Bayesian score (few reviews pull the score toward the mean).
        rating_average=0.0 if rating == 0 else min(5.0, max(1.0, rating + (i % 3 - 1) * 0.6)),
        dialect="v2" if i % 3 == 0 else "v1",
        requirements=requirement_values(nodes),
    )


def requirement_values(nodes: list[str]) -> list[str]:
    """What blok.requirements would say of these nodes, for the requirements facet and filter."""
    return list(
        requirements({"steps": [{"name": f"s{i}", "node": n, "type": "module"} for i, n in enumerate(nodes)]}).values
    )


@pytest.fixture(scope="session")
def corpus() -> list[SearchDocument]:
    return [make_doc(r) for r in ROWS]


MEILISEARCH_URL = os.environ.get("MEILISEARCH_URL")
ENGINES = [
    pytest.param("tantivy", id="tantivy"),
    pytest.param(
        "meilisearch",
        id="meilisearch",
        marks=[
            pytest.mark.external,
            pytest.mark.skipif(not MEILISEARCH_URL, reason="MEILISEARCH_URL is not set"),
        ],
    ),
]


async def new_engine(kind: str, tmp_path: Path) -> SearchEngine:
    if kind == "tantivy":
        engine: SearchEngine = TantivySearchEngine(tmp_path / "search")
    else:
        from blokhub.indexers.search.meilisearch_engine import MeilisearchSearchEngine

        assert MEILISEARCH_URL
        engine = MeilisearchSearchEngine(
            MEILISEARCH_URL, os.environ.get("MEILISEARCH_KEY"), index_uid=f"bh_test_{uuid.uuid4().hex[:12]}"
        )
    await engine.open()
    return engine


async def drop(engine: SearchEngine) -> None:
    from blokhub.indexers.search.meilisearch_engine import MeilisearchSearchEngine

    if isinstance(engine, MeilisearchSearchEngine):
        await engine.client.index(engine.uid).delete()
    await engine.close()


@pytest.fixture(params=ENGINES)
async def engine(
    request: pytest.FixtureRequest, tmp_path: Path, corpus: list[SearchDocument]
) -> AsyncIterator[SearchEngine]:
    eng = await new_engine(request.param, tmp_path)
    try:
        await eng.upsert(corpus)
        yield eng
    finally:
        await drop(eng)


class Corpus:
    """The corpus plus the Python oracles the contract tests compare engines against."""

    def __init__(self, docs: list[SearchDocument]) -> None:
        self.docs = docs
        self.by_id = {d.id: d for d in docs}

    @property
    def all_ids(self) -> set[int]:
        return set(self.by_id)

    def words(self, d: SearchDocument) -> set[str]:
        text = " ".join([d.title, d.description, *d.tags, *d.nodes, *d.step_names, d.author, d.author_name])
        return {w.lower() for w in re.findall(r"[^\W_]+", text)}

    def with_word(self, pred: Callable[[str], bool]) -> set[int]:
        return {d.id for d in self.docs if any(pred(w) for w in self.words(d))}

    def where(self, pred: Callable[[SearchDocument], bool]) -> set[int]:
        return {d.id for d in self.docs if pred(d)}

    def facet_counts(self, ids: set[int], facet: str) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for i in ids:
            d = self.by_id[i]
            values: list[Any] = {
                "tags": d.tags,
                "nodes": d.nodes,
                "runtime": d.runtimes,
                "trigger": [d.trigger] if d.trigger else [],
                "method": [d.method] if d.method else [],
                "author": [d.author],
                "has_branches": ["true" if d.has_branches else "false"],
                "requirements": d.requirements,
                "dialect": [d.dialect],
            }[facet]
            counts.update(set(values))
        return dict(counts)


@pytest.fixture(scope="session")
def docs(corpus: list[SearchDocument]) -> Corpus:
    return Corpus(corpus)
