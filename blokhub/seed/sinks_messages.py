"""Sink builders that message people: chat, e-mail and SMS (one step each, described in words in `c.notes`)."""

from __future__ import annotations

from collections.abc import Callable

from blokhub.ai.service_catalogue import api
from blokhub.seed.corpus_build import Ctx, Step, bearer, call, env_ref, json_headers
from blokhub.seed.tables import load

_TEXTS = load("texts")

# --- chat -------------------------------------------------------------------------------------------------


def _slack(c: Ctx) -> Step:
    base = c.pick(("notify-slack", "post-to-slack", "slack-message", "send-slack-alert"))
    ch, v = c.channel, c.r()
    c.notes.append(f"posts to {ch} in Slack")
    if v < 0.45:
        body: dict[str, object] = {"channel": ch, "text": c.msg}
        if c.chance(0.3):
            body["unfurl_links"] = False
        return call(c, base, "POST", api("slack") + "/chat.postMessage", bearer(c, "SLACK_BOT_TOKEN"), body)
    if v < 0.7:
        c.env.append("SLACK_WEBHOOK_PATH")
        return call(
            c,
            base,
            "POST",
            "https://hooks.slack.com/services/${ctx.env.SLACK_WEBHOOK_PATH}",
            json_headers(),
            {"text": c.msg},
        )
    return c.step(base, "@blokjs/slack", {"token": env_ref(c, "SLACK_BOT_TOKEN"), "channel": ch, "text": c.msg})


def _discord(c: Ctx) -> Step:
    base = c.pick(("notify-discord", "post-to-discord", "discord-webhook"))
    c.notes.append("posts to a Discord channel")
    if c.chance(0.6):
        c.env.extend(("DISCORD_WEBHOOK_ID", "DISCORD_WEBHOOK_TOKEN"))
        return call(
            c,
            base,
            "POST",
            api("discord") + "/webhooks/${ctx.env.DISCORD_WEBHOOK_ID}/${ctx.env.DISCORD_WEBHOOK_TOKEN}",
            json_headers(),
            {"content": c.msg, "username": c.pick(("Blok", "Blok bot", "Alerts"))},
        )
    return c.step(base, "@blokjs/discord", {"webhookUrl": env_ref(c, "DISCORD_WEBHOOK_URL"), "content": c.msg})


def _teams(c: Ctx) -> Step:
    base = c.pick(("notify-teams", "post-to-teams", "teams-card"))
    c.notes.append("posts a card to a Microsoft Teams channel")
    if c.chance(0.6):
        c.env.append("TEAMS_WEBHOOK_URL")
        return call(
            c,
            base,
            "POST",
            "${ctx.env.TEAMS_WEBHOOK_URL}",
            json_headers(),
            {
                "@type": "MessageCard",
                "@context": "https://schema.org/extensions",
                "summary": c.subject,
                "themeColor": c.pick(("D70000", "0076D7", "2EB886")),
                "title": c.subject,
                "text": c.msg,
            },
        )
    return c.step(
        base,
        "@community/ms-teams",
        {
            "webhookUrl": env_ref(c, "TEAMS_WEBHOOK_URL"),
            "title": c.subject,
            "text": c.msg,
        },
    )


def _telegram(c: Ctx) -> Step:
    base = c.pick(("notify-telegram", "send-telegram-message", "telegram-alert"))
    c.notes.append("sends a Telegram message")
    if c.chance(0.65):
        c.env.extend(("TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID"))
        return call(
            c,
            base,
            "POST",
            api("telegram") + "/bot${ctx.env.TELEGRAM_BOT_TOKEN}/sendMessage",
            json_headers(),
            {"chat_id": "${ctx.env.TELEGRAM_CHAT_ID}", "text": c.msg, "parse_mode": "Markdown"},
        )
    return c.step(
        base,
        "@blokjs/telegram",
        {
            "botToken": env_ref(c, "TELEGRAM_BOT_TOKEN"),
            "chatId": env_ref(c, "TELEGRAM_CHAT_ID"),
            "text": c.msg,
        },
    )


def _gchat(c: Ctx) -> Step:
    c.notes.append("posts to a Google Chat space")
    c.env.append("GOOGLE_CHAT_WEBHOOK_URL")
    return call(
        c,
        c.pick(("notify-google-chat", "post-to-google-chat")),
        "POST",
        "${ctx.env.GOOGLE_CHAT_WEBHOOK_URL}",
        json_headers(),
        {"text": c.msg},
    )


def _mattermost(c: Ctx) -> Step:
    c.notes.append("posts to Mattermost")
    c.env.append("MATTERMOST_WEBHOOK_URL")
    return call(
        c,
        "notify-mattermost",
        "POST",
        "${ctx.env.MATTERMOST_WEBHOOK_URL}",
        json_headers(),
        {"text": c.msg, "channel": c.channel.lstrip("#")},
    )


# --- e-mail and SMS ---------------------------------------------------------------------------------------

_TEAM_ADDR: tuple[str, ...] = _TEXTS["team_addresses"]


def _recipient(c: Ctx) -> str:
    if c.src.email and c.rows is None and c.chance(0.45):
        c.notes.append("e-mails the customer")
        return f"${{{c.src.email}}}"
    if c.chance(0.5):
        c.notes.append("sends the team an e-mail")
        return env_ref(c, "ALERT_EMAIL_TO")
    addr = c.pick(_TEAM_ADDR)
    c.notes.append(f"e-mails {addr}")
    return addr


def _sendgrid(c: Ctx) -> Step:
    to = _recipient(c)
    return call(
        c,
        c.pick(("send-email", "sendgrid-email", "email-team")),
        "POST",
        api("sendgrid") + "/v3/mail/send",
        bearer(c, "SENDGRID_API_KEY"),
        {
            "personalizations": [{"to": [{"email": to}]}],
            "from": {"email": c.pick(("noreply@example.com", "alerts@example.org")), "name": "Blok"},
            "subject": c.subject,
            "content": [{"type": "text/plain", "value": c.msg}],
        },
    )


def _mailgun(c: Ctx) -> Step:
    to = _recipient(c)
    c.env.append("MAILGUN_BASIC_AUTH")
    return call(
        c,
        c.pick(("send-email", "mailgun-send")),
        "POST",
        api("mailgun") + "/v3/${ctx.env.MAILGUN_DOMAIN}/messages",
        {"Authorization": "Basic ${ctx.env.MAILGUN_BASIC_AUTH}", "Content-Type": "application/x-www-form-urlencoded"},
        {"from": "Blok <noreply@example.org>", "to": to, "subject": c.subject, "text": c.msg},
    )


def _postmark(c: Ctx) -> Step:
    to = _recipient(c)
    c.env.append("POSTMARK_SERVER_TOKEN")
    return call(
        c,
        "send-email",
        "POST",
        "https://api.postmarkapp.com/email",
        {"X-Postmark-Server-Token": "${ctx.env.POSTMARK_SERVER_TOKEN}", "Content-Type": "application/json"},
        {
            "From": "notifications@example.com",
            "To": to,
            "Subject": c.subject,
            "TextBody": c.msg,
            "MessageStream": "outbound",
        },
    )


def _resend(c: Ctx) -> Step:
    to = _recipient(c)
    return call(
        c,
        c.pick(("send-email", "resend-email")),
        "POST",
        "https://api.resend.com/emails",
        bearer(c, "RESEND_API_KEY"),
        {"from": "Blok <hello@example.com>", "to": [to], "subject": c.subject, "text": c.msg},
    )


def _smtp(c: Ctx) -> Step:
    to = _recipient(c)
    return c.step(
        "send-email",
        "@blokjs/send-email",
        {
            "smtp": {
                "host": env_ref(c, "SMTP_HOST"),
                "port": 587,
                "user": env_ref(c, "SMTP_USER"),
                "pass": env_ref(c, "SMTP_PASSWORD"),
            },
            "from": "robot@example.org",
            "to": to,
            "subject": c.subject,
            "text": c.msg,
        },
    )


def _twilio(c: Ctx) -> Step:
    c.notes.append("texts the on-call phone")
    if c.chance(0.65):
        c.env.extend(("TWILIO_ACCOUNT_SID", "TWILIO_BASIC_AUTH", "ONCALL_PHONE", "TWILIO_FROM_NUMBER"))
        return call(
            c,
            c.pick(("send-sms", "text-on-call", "twilio-sms")),
            "POST",
            api("twilio") + "/2010-04-01/Accounts/${ctx.env.TWILIO_ACCOUNT_SID}/Messages.json",
            {
                "Authorization": "Basic ${ctx.env.TWILIO_BASIC_AUTH}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            {"To": "${ctx.env.ONCALL_PHONE}", "From": "${ctx.env.TWILIO_FROM_NUMBER}", "Body": c.msg},
        )
    return c.step(
        "send-sms",
        "@community/twilio-sms",
        {
            "accountSid": env_ref(c, "TWILIO_ACCOUNT_SID"),
            "authToken": env_ref(c, "TWILIO_AUTH_TOKEN"),
            "from": env_ref(c, "TWILIO_FROM_NUMBER"),
            "to": env_ref(c, "ONCALL_PHONE"),
            "body": c.msg,
        },
    )


BUILDERS: dict[str, Callable[[Ctx], Step]] = {
    "slack": _slack,
    "discord": _discord,
    "teams": _teams,
    "telegram": _telegram,
    "gchat": _gchat,
    "mattermost": _mattermost,
    "sendgrid": _sendgrid,
    "mailgun": _mailgun,
    "postmark": _postmark,
    "resend": _resend,
    "smtp": _smtp,
    "twilio": _twilio,
}
