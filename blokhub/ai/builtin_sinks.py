"""Built-in steps for destinations (chat, e-mail, SMS, databases, storage, CRMs, trackers).

Used when the caller's node catalogue has nothing better. URLs are the services' real public APIs; every
credential is an environment reference.
"""

from __future__ import annotations

from collections.abc import Callable

from blokhub.ai.builtin_ops import OPS_SINKS
from blokhub.ai.builtin_stores import database, drive, mongodb, mysql, postgres, redis, s3, sheets
from blokhub.ai.service_catalogue import api
from blokhub.ai.step_draft import JSON_HEADERS, StepContext, StepDraft, api_call, bearer, env

SinkBuilder = Callable[[StepContext], StepDraft]


def slack(ctx: StepContext) -> StepDraft:
    body = {"channel": ctx.channel, "text": ctx.message}
    url = api("slack") + "/chat.postMessage"
    return api_call(
        ctx,
        "notify-slack",
        "POST",
        url,
        bearer(ctx, "SLACK_BOT_TOKEN"),
        body,
        note=f"posts to {ctx.channel} in Slack",
        service="slack",
    )


def discord(ctx: StepContext) -> StepDraft:
    url = f"{api('discord')}/webhooks/{env(ctx, 'DISCORD_WEBHOOK_ID')}/{env(ctx, 'DISCORD_WEBHOOK_TOKEN')}"
    body = {"content": ctx.message, "username": "Blok"}
    return api_call(
        ctx,
        "notify-discord",
        "POST",
        url,
        dict(JSON_HEADERS),
        body,
        note="posts to a Discord channel",
        service="discord",
    )


def teams(ctx: StepContext) -> StepDraft:
    body = {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": ctx.subject,
        "title": ctx.subject,
        "text": ctx.message,
    }
    url = env(ctx, "TEAMS_WEBHOOK_URL")
    return api_call(
        ctx,
        "notify-teams",
        "POST",
        url,
        dict(JSON_HEADERS),
        body,
        note="posts a card to Microsoft Teams",
        service="teams",
    )


def telegram(ctx: StepContext) -> StepDraft:
    url = f"{api('telegram')}/bot{env(ctx, 'TELEGRAM_BOT_TOKEN')}/sendMessage"
    body = {"chat_id": env(ctx, "TELEGRAM_CHAT_ID"), "text": ctx.message}
    return api_call(
        ctx,
        "notify-telegram",
        "POST",
        url,
        dict(JSON_HEADERS),
        body,
        note="sends a Telegram message",
        service="telegram",
    )


def recipients(ctx: StepContext) -> list[str]:
    """The addresses the user gave, or one from the environment ("email me" names nobody)."""
    return list(ctx.recipients) or [env(ctx, "ALERT_EMAIL_TO")]


def sendgrid(ctx: StepContext, service: str = "sendgrid") -> StepDraft:
    body = {
        "personalizations": [{"to": [{"email": address} for address in recipients(ctx)]}],
        "from": {"email": env(ctx, "EMAIL_FROM")},
        "subject": ctx.subject,
        "content": [{"type": "text/plain", "value": ctx.message}],
    }
    url = api("sendgrid") + "/v3/mail/send"
    return api_call(
        ctx,
        "send-email",
        "POST",
        url,
        bearer(ctx, "SENDGRID_API_KEY"),
        body,
        note="sends an e-mail through SendGrid",
        service=service,
    )


def email(ctx: StepContext) -> StepDraft:
    return sendgrid(ctx, "email")


def mailgun(ctx: StepContext) -> StepDraft:
    headers = {
        "Authorization": f"Basic {env(ctx, 'MAILGUN_BASIC_AUTH')}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    body = {
        "from": env(ctx, "EMAIL_FROM"),
        "to": ", ".join(recipients(ctx)),
        "subject": ctx.subject,
        "text": ctx.message,
    }
    url = f"{api('mailgun')}/v3/{env(ctx, 'MAILGUN_DOMAIN')}/messages"
    return api_call(
        ctx, "send-email", "POST", url, headers, body, note="sends an e-mail through Mailgun", service="mailgun"
    )


def twilio(ctx: StepContext) -> StepDraft:
    headers = {
        "Authorization": f"Basic {env(ctx, 'TWILIO_BASIC_AUTH')}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    body = {
        "From": env(ctx, "TWILIO_FROM_NUMBER"),
        "To": ctx.phone or env(ctx, "ALERT_PHONE_NUMBER"),
        "Body": ctx.message,
    }
    url = f"{api('twilio')}/2010-04-01/Accounts/{env(ctx, 'TWILIO_ACCOUNT_SID')}/Messages.json"
    return api_call(
        ctx, "send-sms", "POST", url, headers, body, note="sends a text message with Twilio", service="twilio"
    )


def hubspot(ctx: StepContext) -> StepDraft:
    props = {
        "email": f"${{{ctx.record}.email}}",
        "firstname": f"${{{ctx.record}.name}}",
        "company": f"${{{ctx.record}.company}}",
    }
    url = api("hubspot") + "/crm/v3/objects/contacts"
    return api_call(
        ctx,
        "create-hubspot-contact",
        "POST",
        url,
        bearer(ctx, "HUBSPOT_ACCESS_TOKEN"),
        {"properties": props},
        note="creates a contact in HubSpot",
        service="hubspot",
    )


def salesforce(ctx: StepContext) -> StepDraft:
    body = {
        "LastName": f"${{{ctx.record}.name}}",
        "Email": f"${{{ctx.record}.email}}",
        "Company": f"${{{ctx.record}.company}}",
    }
    url = f"https://{env(ctx, 'SALESFORCE_INSTANCE')}.my.salesforce.com/services/data/v60.0/sobjects/Lead"
    return api_call(
        ctx,
        "create-salesforce-lead",
        "POST",
        url,
        bearer(ctx, "SALESFORCE_ACCESS_TOKEN"),
        body,
        note="creates a lead in Salesforce",
        service="salesforce",
    )


def github(ctx: StepContext) -> StepDraft:
    url = f"{api('github')}/repos/{env(ctx, 'GITHUB_REPOSITORY')}/issues"
    body = {"title": ctx.subject, "body": ctx.message}
    return api_call(
        ctx,
        "create-github-issue",
        "POST",
        url,
        bearer(ctx, "GITHUB_TOKEN"),
        body,
        note="opens a GitHub issue",
        service="github",
    )


def gitlab(ctx: StepContext) -> StepDraft:
    url = f"{api('gitlab')}/v4/projects/{env(ctx, 'GITLAB_PROJECT_ID')}/issues"
    headers = {"PRIVATE-TOKEN": env(ctx, "GITLAB_TOKEN"), "Content-Type": "application/json"}
    body = {"title": ctx.subject, "description": ctx.message}
    return api_call(
        ctx, "create-gitlab-issue", "POST", url, headers, body, note="opens a GitLab issue", service="gitlab"
    )


def jira(ctx: StepContext) -> StepDraft:
    url = f"https://{env(ctx, 'JIRA_DOMAIN')}.atlassian.net/rest/api/3/issue"
    headers = {"Authorization": f"Basic {env(ctx, 'JIRA_BASIC_AUTH')}", "Content-Type": "application/json"}
    body = {
        "fields": {
            "project": {"key": ctx.project or env(ctx, "JIRA_PROJECT_KEY")},
            "issuetype": {"name": "Task"},
            "summary": ctx.subject,
            "description": ctx.message,
        }
    }
    return api_call(ctx, "create-jira-issue", "POST", url, headers, body, note="creates a Jira task", service="jira")


def stripe(ctx: StepContext) -> StepDraft:
    url = api("stripe") + "/v1/customers"
    headers = {
        "Authorization": f"Bearer {env(ctx, 'STRIPE_SECRET_KEY')}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    body = {"email": f"${{{ctx.record}.email}}", "name": f"${{{ctx.record}.name}}"}
    return api_call(
        ctx, "create-stripe-customer", "POST", url, headers, body, note="creates a Stripe customer", service="stripe"
    )


SINKS: dict[str, SinkBuilder] = {
    "slack": slack,
    "discord": discord,
    "teams": teams,
    "telegram": telegram,
    "sendgrid": sendgrid,
    "email": email,
    "mailgun": mailgun,
    "twilio": twilio,
    "postgres": postgres,
    "database": database,
    "mysql": mysql,
    "mongodb": mongodb,
    "redis": redis,
    "s3": s3,
    "sheets": sheets,
    "drive": drive,
    "hubspot": hubspot,
    "salesforce": salesforce,
    "github": github,
    "gitlab": gitlab,
    "jira": jira,
    "stripe": stripe,
    **OPS_SINKS,
}
