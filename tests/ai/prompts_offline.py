"""Prompts for the offline generator, with what the draft must get right.

``services`` are service keys that must show up in a step's name, node or URL (see ``SERVICE_MARKERS``);
``schedule`` is the exact cron expression for scheduled prompts, ``method`` the HTTP verb otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from evals.ai import scorer


@dataclass(frozen=True)
class Case:
    prompt: str
    trigger: str  # "http" | "cron"
    services: tuple[str, ...]
    method: str | None = None
    schedule: str | None = None
    branches: bool = False  # an if-else step is expected


# Where each service shows itself in a draft: the evaluation scorer's table (one table for both), plus "http" for a
# plain fetch of a URL the prompt gave, which is no service of the catalogue.
SERVICE_MARKERS: dict[str, tuple[str, ...]] = {**scorer.SERVICE_MARKERS, "http": ("fetch-data",)}

CASES: tuple[Case, ...] = (
    Case(
        "When someone submits the contact form, post it to Slack and save it to Postgres",
        "http",
        ("slack", "postgres"),
        method="POST",
    ),
    Case(
        "Every morning fetch the weather in London and send it to our Discord",
        "cron",
        ("weather", "discord"),
        schedule="0 8 * * *",
    ),
    Case("GET endpoint that returns the open GitHub issues of our repo", "http", ("github",), method="GET"),
    Case("Nightly, export new orders from MongoDB to an S3 bucket", "cron", ("mongodb", "s3"), schedule="0 2 * * *"),
    Case(
        "Every 5 minutes check the crypto prices and post them to Telegram",
        "cron",
        ("crypto", "telegram"),
        schedule="*/5 * * * *",
    ),
    Case(
        "Weekdays at 9 post the open Jira issues to Microsoft Teams", "cron", ("jira", "teams"), schedule="0 9 * * 1-5"
    ),
    Case(
        "When a Stripe payment comes in, if the amount is over 1000 notify Slack, otherwise log it to Google Sheets",
        "http",
        ("stripe", "slack", "sheets"),
        method="POST",
        branches=True,
    ),
    Case(
        "When a new lead signs up, create a contact in HubSpot and email the sales team",
        "http",
        ("hubspot", "email"),
        method="POST",
    ),
    Case(
        "Only big leads from the signup form should go to Salesforce",
        "http",
        ("salesforce",),
        method="POST",
        branches=True,
    ),
    Case(
        "Summarise new GitHub issues with OpenAI and post the summary to Slack",
        "http",
        ("github", "openai", "slack"),
        method="POST",
    ),
    Case("Every hour sync HubSpot contacts to a Google Sheet", "cron", ("hubspot", "sheets"), schedule="0 * * * *"),
    Case(
        "Send me an SMS with Twilio when a Shopify order over $500 is placed",
        "http",
        ("twilio", "shopify"),
        method="POST",
        branches=True,
    ),
    Case(
        "Every Monday at 8am email a report of last week's Stripe charges",
        "cron",
        ("stripe", "email"),
        schedule="0 8 * * 1",
    ),
    Case(
        "Webhook that receives GitLab merge request events and posts them to Discord",
        "http",
        ("gitlab", "discord"),
        method="POST",
    ),
    Case(
        "Receive support form submissions, classify them with AI and open a Jira ticket if it is urgent",
        "http",
        ("openai", "jira"),
        method="POST",
        branches=True,
    ),
    Case("An API endpoint that returns today's exchange rates", "http", ("rates",), method="GET"),
    Case(
        "Daily at noon fetch https://api.spacexdata.com/v4/launches/latest and store it in Redis",
        "cron",
        ("http", "redis"),
        schedule="0 12 * * *",
    ),
    Case(
        "When someone submits the feedback form, translate it with OpenAI and save it to MySQL",
        "http",
        ("openai", "mysql"),
        method="POST",
    ),
    Case(
        "Every evening post the Hacker News front page to Slack #news",
        "cron",
        ("hackernews", "slack"),
        schedule="0 18 * * *",
    ),
    Case(
        "Generate a PDF report of the orders table in Postgres, as a GET endpoint",
        "http",
        ("postgres", "pdf"),
        method="GET",
    ),
    Case(
        "When a PayPal payment is received, save it to MongoDB and send a Telegram message",
        "http",
        ("paypal", "mongodb", "telegram"),
        method="POST",
    ),
    Case(
        "Back up our Postgres customers table to Google Drive every night",
        "cron",
        ("postgres", "drive"),
        schedule="0 2 * * *",
    ),
    Case(
        "When a GitHub release is published, announce it on Discord and Teams",
        "http",
        ("github", "discord", "teams"),
        method="POST",
    ),
    Case(
        "Check the weather in Tokyo every 30 minutes and text me with Twilio if it rains",
        "cron",
        ("weather", "twilio"),
        schedule="*/30 * * * *",
        branches=True,
    ),
    Case(
        "POST endpoint that stores newsletter signups in Postgres and sends a welcome email with SendGrid",
        "http",
        ("postgres", "sendgrid"),
        method="POST",
    ),
    Case(
        "When someone books a demo through the booking form, add them to Salesforce and ping #sales on Slack",
        "http",
        ("salesforce", "slack"),
        method="POST",
    ),
    Case(
        "Every Friday at 5pm send the open pull requests from GitHub to Slack",
        "cron",
        ("github", "slack"),
        schedule="0 17 * * 5",
    ),
    Case(
        "Log every incoming Stripe invoice event to S3 and to Postgres",
        "http",
        ("stripe", "s3", "postgres"),
        method="POST",
    ),
    Case(
        "When a Shopify order comes in, check the country and notify Slack",
        "http",
        ("shopify", "slack"),
        method="POST",
        branches=True,
    ),
    Case(
        "Monthly, email a summary of Salesforce leads created today using OpenAI",
        "cron",
        ("salesforce", "openai", "email"),
        schedule="0 9 1 * *",
    ),
    Case("A GET endpoint that looks up an order by id in MongoDB", "http", ("mongodb",), method="GET"),
    Case("Mailgun email to support when the registration form is submitted", "http", ("mailgun",), method="POST"),
    Case(
        "Every weekday at 7:30 am post Open-Meteo forecast for Paris to Telegram",
        "cron",
        ("weather", "telegram"),
        schedule="30 7 * * 1-5",
    ),
    Case(
        "Use the Python runtime to fetch https://api.github.com/repos/deskree-inc/blok and return it",
        "http",
        ("http",),
        method="GET",
    ),
    Case(
        "Whenever a new HubSpot deal is created with a value over 10k, create a Jira task",
        "http",
        ("hubspot", "jira"),
        method="POST",
        branches=True,
    ),
    Case(
        "Hourly, read rows from Google Sheets and insert them into MySQL",
        "cron",
        ("sheets", "mysql"),
        schedule="0 * * * *",
    ),
)
