"""Destinations for generated workflows: chat, e-mail, SMS, databases, storage, spreadsheets, CRMs, trackers.

Each sink builder adds one step to the workflow being assembled (`Ctx`) and records, in words, what it did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from blokhub.ai.service_catalogue import api
from blokhub.seed.corpus_build import Ctx, Source, Step, bearer, call, env_ref, json_headers, pg_conn
from blokhub.seed.corpus_sources import HOOKS, POLLS

MANY_ROWS = "js/ctx.response.data"
_TODAY = "${new Date().toISOString().slice(0, 10)}"


@dataclass(frozen=True, slots=True)
class RowForms:
    """One record of a source, pre-rendered for the different sinks (computed once at import)."""

    sql: str  # INSERT with ${} placeholders
    obj: str  # js/ object literal
    arr: str  # js/ [[...]] row for spreadsheets
    cols: tuple[str, ...]


def _row_forms(src: Source) -> RowForms:
    cols = tuple(col for col, _ in src.row)
    exprs = [expr for _, expr in src.row]
    values = ", ".join(f"'${{{e}}}'" for e in exprs)
    sql = f"INSERT INTO {src.table} ({', '.join(cols)}) VALUES ({values}) ON CONFLICT DO NOTHING"
    obj = "js/({ " + ", ".join(f"{col}: {e}" for col, e in src.row) + " })"
    arr = "js/[[" + ", ".join(exprs) + "]]"
    return RowForms(sql, obj, arr, cols)


ROWS: dict[str, RowForms] = {s.key: _row_forms(s) for s in (*HOOKS, *POLLS) if s.row}


@dataclass(frozen=True, slots=True)
class Sink:
    key: str
    name: str  # as written in titles: "Slack", "Postgres"
    cat: str  # chat | email | sms | db | storage | sheet | crm | tracker | incident | analytics
    tags: tuple[str, ...]
    build: Callable[[Ctx], Step]
    needs_email: bool = False


def _one_or_many(c: Ctx) -> tuple[bool, RowForms | None]:
    if c.rows is not None:
        return True, None
    return False, ROWS.get(c.src.key)


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

_TEAM_ADDR = (
    "ops@example.com",
    "finance@example.com",
    "team@example.org",
    "alerts@example.net",
    "support@example.com",
    "founders@example.org",
    "sales@example.com",
)


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


# --- databases --------------------------------------------------------------------------------------------

_DBS = ("app", "analytics", "warehouse", "crm", "ops")


def _postgres(c: Ctx) -> Step:
    many, rf = _one_or_many(c)
    table = c.src.table
    base = c.pick((f"save-{table.replace('_', '-')}", "insert-rows", "save-to-postgres", "store-record"))
    c.notes.append(f"stores the data in the `{table}` table in Postgres")
    if c.chance(0.6):
        inputs = pg_conn(c, c.pick(_DBS))
        if many:
            inputs["query"] = (
                f"INSERT INTO {table} SELECT * FROM json_populate_recordset(NULL::{table}, "
                "'${JSON.stringify(ctx.response.data)}') ON CONFLICT DO NOTHING"
            )
        else:
            assert rf is not None
            inputs["query"] = rf.sql
        return c.step(base, "postgres-query", inputs)
    inputs2: dict[str, object] = {"connectionString": env_ref(c, "DATABASE_URL"), "table": table}
    if many:
        inputs2["rows"] = MANY_ROWS
        inputs2["onConflict"] = "do-nothing"
    else:
        assert rf is not None
        inputs2["row"] = rf.obj
    return c.step(base, "@blokjs/postgres", inputs2)


def _mysql(c: Ctx) -> Step:
    many, rf = _one_or_many(c)
    table = c.src.table
    c.notes.append(f"writes to the `{table}` table in MySQL")
    c.env.extend(("MYSQL_HOST", "MYSQL_USER", "MYSQL_PASSWORD"))
    if many:
        query = f"INSERT IGNORE INTO {table} SELECT * FROM JSON_TABLE('${{JSON.stringify(ctx.response.data)}}', '$[*]')"
    else:
        assert rf is not None
        query = rf.sql.replace(" ON CONFLICT DO NOTHING", "")
    return c.step(
        c.pick(("save-to-mysql", "insert-mysql")),
        "@community/mysql-query",
        {
            "host": "${ctx.env.MYSQL_HOST}",
            "user": "${ctx.env.MYSQL_USER}",
            "password": "${ctx.env.MYSQL_PASSWORD}",
            "database": c.pick(_DBS),
            "query": query,
        },
    )


def _mongo(c: Ctx) -> Step:
    many, rf = _one_or_many(c)
    coll = c.src.table
    c.notes.append(f"saves a document to the `{coll}` collection in MongoDB")
    data = MANY_ROWS if many else (rf.obj if rf else "js/ctx.request.body")
    if c.chance(0.55):
        return c.step(c.pick(("save-to-mongo", "insert-document")), "mongo-query", {"collection": coll, "data": data})
    return c.step(
        c.pick(("save-to-mongo", "mongo-insert")),
        "@blokjs/mongodb",
        {
            "uri": env_ref(c, "MONGODB_URI"),
            "database": c.pick(_DBS),
            "collection": coll,
            "operation": "insertMany" if many else "insertOne",
            "documents" if many else "document": data,
        },
    )


def _redis(c: Ctx) -> Step:
    many, rf = _one_or_many(c)
    key = f"{c.src.table}:{_TODAY}" if many else f"{c.src.table}:${{{c.src.row[0][1]}}}" if c.src.row else "latest"
    value = MANY_ROWS if many else (rf.obj if rf else "js/ctx.request.body")
    c.notes.append("caches the result in Redis")
    if c.chance(0.5):
        return c.step("cache-result", "memory-storage", {"action": "set", "key": key, "value": value})
    return c.step(
        c.pick(("cache-in-redis", "redis-set")),
        "@blokjs/redis",
        {
            "url": env_ref(c, "REDIS_URL"),
            "command": "SET",
            "key": key,
            "value": "js/JSON.stringify(" + value[3:] + ")",
            "ttl": c.pick((3600, 86400, 604800)),
        },
    )


def _supabase(c: Ctx) -> Step:
    many, rf = _one_or_many(c)
    c.notes.append(f"inserts into the `{c.src.table}` table in Supabase")
    c.env.append("SUPABASE_SERVICE_KEY")
    return call(
        c,
        "insert-supabase",
        "POST",
        f"https://${{ctx.env.SUPABASE_PROJECT_REF}}.supabase.co/rest/v1/{c.src.table}",
        {
            "apikey": "${ctx.env.SUPABASE_SERVICE_KEY}",
            "Authorization": "Bearer ${ctx.env.SUPABASE_SERVICE_KEY}",
            "Content-Type": "application/json",
            "Prefer": "resolution=merge-duplicates",
        },
        MANY_ROWS if many else (rf.obj if rf else "js/ctx.request.body"),
    )


def _bigquery(c: Ctx) -> Step:
    many, rf = _one_or_many(c)
    c.notes.append("streams rows into BigQuery")
    rows = (
        "js/ctx.response.data.map(json => ({ json }))"
        if many
        else ("js/[{ json: " + (rf.obj[4:-1] if rf else "ctx.request.body") + " }]")
    )
    return call(
        c,
        "insert-bigquery",
        "POST",
        "https://bigquery.googleapis.com/bigquery/v2/projects/${ctx.env.GCP_PROJECT}/datasets/"
        f"{c.pick(('analytics', 'raw', 'events'))}/tables/{c.src.table}/insertAll",
        bearer(c, "GOOGLE_ACCESS_TOKEN"),
        {"rows": rows, "skipInvalidRows": True},
    )


# --- storage ----------------------------------------------------------------------------------------------


def _payload(c: Ctx) -> str:
    if c.rows is not None:
        return "js/JSON.stringify(ctx.response.data, null, 2)"
    if c.src.kind == "poll":
        return f"js/JSON.stringify({c.src.text[15:-1] if c.src.text.startswith('JSON.stringify(') else 'ctx.vars'})"
    return "js/JSON.stringify(ctx.request.body)"


def _s3(c: Ctx) -> Step:
    folder = c.src.table.replace("_", "-")
    c.notes.append("archives a JSON copy in S3")
    inputs = {
        "bucket": env_ref(c, "S3_BUCKET"),
        "key": f"{folder}/{_TODAY}/${{Date.now()}}.json",
        "body": _payload(c),
        "contentType": "application/json",
        "region": env_ref(c, "AWS_REGION"),
    }
    return c.step(
        c.pick(("upload-to-s3", "archive-s3", "s3-put")), c.pick(("@blokjs/s3", "@community/aws-s3-upload")), inputs
    )


def _gdrive(c: Ctx) -> Step:
    c.notes.append("saves a file to Google Drive")
    return call(
        c,
        c.pick(("upload-to-drive", "save-to-google-drive")),
        "POST",
        api("drive") + "/upload/drive/v3/files?uploadType=media",
        bearer(c, "GOOGLE_ACCESS_TOKEN"),
        _payload(c),
    )


def _dropbox(c: Ctx) -> Step:
    c.notes.append("uploads a file to Dropbox")
    c.env.append("DROPBOX_ACCESS_TOKEN")
    folder = c.src.table.replace("_", "-")
    return call(
        c,
        c.pick(("upload-to-dropbox", "dropbox-backup")),
        "POST",
        "https://content.dropboxapi.com/2/files/upload",
        {
            "Authorization": "Bearer ${ctx.env.DROPBOX_ACCESS_TOKEN}",
            "Content-Type": "application/octet-stream",
            "Dropbox-API-Arg": f"js/JSON.stringify({{ path: '/Backups/{folder}/' + Date.now() + '.json', "
            "mode: 'add', autorename: true })",
        },
        _payload(c),
    )


# --- spreadsheets & docs ----------------------------------------------------------------------------------


def _sheets(c: Ctx) -> Step:
    many, rf = _one_or_many(c)
    tab = c.pick(("Sheet1", "Log", "Data", c.src.table.replace("_", " ").title().replace(" ", "")))
    c.notes.append("appends a row to a Google Sheet")
    values = (
        "js/ctx.response.data.map(r => Object.values(r))"
        if many
        else (rf.arr if rf else "js/[[new Date().toISOString(), JSON.stringify(ctx.request.body)]]")
    )
    return call(
        c,
        c.pick(("append-to-sheet", "log-to-google-sheets", "add-sheet-row")),
        "POST",
        f"{api('sheets')}/v4/spreadsheets/${{ctx.env.GOOGLE_SHEET_ID}}/values/{tab}!A1:append"
        "?valueInputOption=USER_ENTERED",
        bearer(c, "GOOGLE_ACCESS_TOKEN"),
        {"values": values},
    )


def _airtable(c: Ctx) -> Step:
    many, rf = _one_or_many(c)
    table = c.src.table.replace("_", " ").title()
    c.notes.append(f"adds a record to the {table} table in Airtable")
    records = (
        "js/ctx.response.data.slice(0, 10).map(fields => ({ fields }))"
        if many
        else ("js/[{ fields: " + (rf.obj[4:-1] if rf else "ctx.request.body") + " }]")
    )
    return call(
        c,
        c.pick(("create-airtable-record", "add-to-airtable")),
        "POST",
        f"https://api.airtable.com/v0/${{ctx.env.AIRTABLE_BASE_ID}}/{table.replace(' ', '%20')}",
        bearer(c, "AIRTABLE_TOKEN"),
        {"records": records, "typecast": True},
    )


def _notion(c: Ctx) -> Step:
    c.notes.append("creates a page in a Notion database")
    h = bearer(c, "NOTION_TOKEN")
    h["Notion-Version"] = "2022-06-28"
    c.env.append("NOTION_DATABASE_ID")
    return call(
        c,
        c.pick(("create-notion-page", "add-to-notion")),
        "POST",
        "https://api.notion.com/v1/pages",
        h,
        {
            "parent": {"database_id": "${ctx.env.NOTION_DATABASE_ID}"},
            "properties": {
                "Name": {"title": [{"text": {"content": c.subject}}]},
                "Status": {"status": {"name": c.pick(("New", "Inbox", "To do"))}},
            },
            "children": [
                {"object": "block", "type": "paragraph", "paragraph": {"rich_text": [{"text": {"content": c.msg}}]}}
            ],
        },
    )


# --- CRM --------------------------------------------------------------------------------------------------


def _email_expr(c: Ctx) -> str:
    return f"${{{c.src.email}}}" if c.src.email else "${ctx.request.body.email}"


def _hubspot(c: Ctx) -> Step:
    c.notes.append("creates or updates the contact in HubSpot")
    if c.rows is not None or c.chance(0.35):
        return c.step(
            c.pick(("sync-hubspot", "upsert-hubspot-contacts")),
            "@community/hubspot-sync",
            {
                "token": env_ref(c, "HUBSPOT_ACCESS_TOKEN"),
                "object": "contacts",
                "idProperty": "email",
                "records": MANY_ROWS if c.rows is not None else f"js/[{{ email: {c.src.email} }}]",
            },
        )
    return call(
        c,
        c.pick(("create-hubspot-contact", "add-to-hubspot")),
        "POST",
        api("hubspot") + "/crm/v3/objects/contacts",
        bearer(c, "HUBSPOT_ACCESS_TOKEN"),
        {
            "properties": {
                "email": _email_expr(c),
                "lifecyclestage": c.pick(("lead", "subscriber", "customer")),
                "hs_lead_status": "NEW",
            }
        },
    )


def _name_expr(c: Ctx) -> str:
    for col, expr in c.src.row:
        if "name" in col:
            return f"${{{expr}}}"
    return "Unknown"


def _salesforce(c: Ctx) -> Step:
    c.notes.append("creates a lead in Salesforce")
    return call(
        c,
        c.pick(("create-salesforce-lead", "add-lead")),
        "POST",
        "https://${ctx.env.SALESFORCE_INSTANCE}.my.salesforce.com/services/data/v60.0/sobjects/Lead",
        bearer(c, "SALESFORCE_ACCESS_TOKEN"),
        {
            "LastName": _name_expr(c),
            "Email": _email_expr(c),
            "Company": c.pick(("n/a", "Unknown", "Web lead")),
            "LeadSource": c.pick(("Web", "Webinar", "Partner")),
        },
    )


def _pipedrive(c: Ctx) -> Step:
    c.notes.append("adds the person to Pipedrive")
    c.env.append("PIPEDRIVE_API_TOKEN")
    return call(
        c,
        c.pick(("create-pipedrive-person", "add-to-pipedrive")),
        "POST",
        "https://api.pipedrive.com/v1/persons?api_token=${ctx.env.PIPEDRIVE_API_TOKEN}",
        json_headers(),
        {"name": _name_expr(c), "email": [{"value": _email_expr(c), "primary": True}]},
    )


# --- trackers & incidents ---------------------------------------------------------------------------------


def _jira(c: Ctx) -> Step:
    project = c.pick(("OPS", "SUP", "ENG", "BUG", "CS", "FIN"))
    c.notes.append(f"opens a ticket in the {project} Jira project")
    c.env.append("JIRA_BASIC_AUTH")
    return call(
        c,
        c.pick(("create-jira-issue", "open-jira-ticket")),
        "POST",
        "https://${ctx.env.JIRA_DOMAIN}.atlassian.net/rest/api/3/issue",
        {"Authorization": "Basic ${ctx.env.JIRA_BASIC_AUTH}", "Content-Type": "application/json"},
        {
            "fields": {
                "project": {"key": project},
                "summary": c.subject,
                "issuetype": {"name": c.pick(("Task", "Bug", "Story"))},
                "labels": [c.src.tags[0], "automated"],
            }
        },
    )


def _github_issue(c: Ctx) -> Step:
    c.notes.append("files a GitHub issue")
    h = bearer(c, "GITHUB_TOKEN")
    h["Accept"] = "application/vnd.github+json"
    return call(
        c,
        c.pick(("create-github-issue", "open-issue")),
        "POST",
        api("github") + "/repos/${ctx.env.GITHUB_REPOSITORY}/issues",
        h,
        {"title": c.subject, "body": c.msg, "labels": [c.pick(("triage", "bug", "automated", "ops"))]},
    )


def _linear(c: Ctx) -> Step:
    c.notes.append("creates a Linear issue")
    c.env.extend(("LINEAR_API_KEY", "LINEAR_TEAM_ID"))
    return call(
        c,
        c.pick(("create-linear-issue", "linear-issue")),
        "POST",
        "https://api.linear.app/graphql",
        {"Authorization": "${ctx.env.LINEAR_API_KEY}", "Content-Type": "application/json"},
        {
            "query": "mutation IssueCreate($input: IssueCreateInput!) "
            "{ issueCreate(input: $input) { success issue { identifier url } } }",
            "variables": {"input": {"teamId": "${ctx.env.LINEAR_TEAM_ID}", "title": c.subject, "description": c.msg}},
        },
    )


def _trello(c: Ctx) -> Step:
    c.notes.append("adds a card to a Trello board")
    c.env.extend(("TRELLO_API_KEY", "TRELLO_TOKEN"))
    return call(
        c,
        c.pick(("create-trello-card", "add-trello-card")),
        "POST",
        "https://api.trello.com/1/cards?idList=${ctx.env.TRELLO_LIST_ID}&key=${ctx.env.TRELLO_API_KEY}"
        "&token=${ctx.env.TRELLO_TOKEN}",
        json_headers(),
        {"name": c.subject, "desc": c.msg, "pos": "top"},
    )


def _asana(c: Ctx) -> Step:
    c.notes.append("creates an Asana task")
    return call(
        c,
        c.pick(("create-asana-task", "asana-task")),
        "POST",
        "https://app.asana.com/api/1.0/tasks",
        bearer(c, "ASANA_TOKEN"),
        {"data": {"name": c.subject, "notes": c.msg, "projects": ["${ctx.env.ASANA_PROJECT_GID}"]}},
    )


def _pagerduty(c: Ctx) -> Step:
    c.notes.append("pages the on-call engineer through PagerDuty")
    c.env.append("PAGERDUTY_ROUTING_KEY")
    return call(
        c,
        c.pick(("page-on-call", "trigger-pagerduty")),
        "POST",
        "https://events.pagerduty.com/v2/enqueue",
        json_headers(),
        {
            "routing_key": "${ctx.env.PAGERDUTY_ROUTING_KEY}",
            "event_action": "trigger",
            "payload": {"summary": c.subject, "source": "blok", "severity": c.pick(("critical", "error", "warning"))},
        },
    )


def _opsgenie(c: Ctx) -> Step:
    c.notes.append("raises an Opsgenie alert")
    c.env.append("OPSGENIE_API_KEY")
    return call(
        c,
        "create-opsgenie-alert",
        "POST",
        "https://api.opsgenie.com/v2/alerts",
        {"Authorization": "GenieKey ${ctx.env.OPSGENIE_API_KEY}", "Content-Type": "application/json"},
        {"message": c.subject, "description": c.msg, "priority": c.pick(("P1", "P2", "P3"))},
    )


# --- analytics --------------------------------------------------------------------------------------------


def _distinct_id(c: Ctx) -> str:
    if c.src.email and c.rows is None:
        return f"${{{c.src.email}}}"
    return "${ctx.id}"


def _mixpanel(c: Ctx) -> Step:
    c.notes.append("tracks an event in Mixpanel")
    c.env.append("MIXPANEL_TOKEN")
    return call(
        c,
        c.pick(("track-mixpanel", "mixpanel-event")),
        "POST",
        "https://api.mixpanel.com/track",
        json_headers(),
        [
            {
                "event": c.src.event,
                "properties": {"token": "${ctx.env.MIXPANEL_TOKEN}", "distinct_id": _distinct_id(c), "source": "blok"},
            }
        ],
    )


def _segment(c: Ctx) -> Step:
    c.notes.append("sends a Segment track call")
    c.env.append("SEGMENT_WRITE_KEY_B64")
    return call(
        c,
        c.pick(("track-segment", "segment-track")),
        "POST",
        "https://api.segment.io/v1/track",
        {"Authorization": "Basic ${ctx.env.SEGMENT_WRITE_KEY_B64}", "Content-Type": "application/json"},
        {"userId": _distinct_id(c), "event": c.src.event, "properties": {"via": "blok"}},
    )


def _posthog(c: Ctx) -> Step:
    c.notes.append("captures a PostHog event")
    c.env.append("POSTHOG_PROJECT_KEY")
    return call(
        c,
        c.pick(("capture-posthog", "posthog-event")),
        "POST",
        "https://us.i.posthog.com/capture/",
        json_headers(),
        {"api_key": "${ctx.env.POSTHOG_PROJECT_KEY}", "event": c.src.event.lower(), "distinct_id": _distinct_id(c)},
    )


SINKS: tuple[Sink, ...] = (
    Sink("slack", "Slack", "chat", ("slack", "notifications"), _slack),
    Sink("discord", "Discord", "chat", ("discord", "notifications"), _discord),
    Sink("teams", "Microsoft Teams", "chat", ("microsoft-teams", "notifications"), _teams),
    Sink("telegram", "Telegram", "chat", ("telegram", "notifications"), _telegram),
    Sink("gchat", "Google Chat", "chat", ("google-chat", "notifications"), _gchat),
    Sink("mattermost", "Mattermost", "chat", ("mattermost", "notifications"), _mattermost),
    Sink("sendgrid", "SendGrid", "email", ("sendgrid", "email"), _sendgrid),
    Sink("mailgun", "Mailgun", "email", ("mailgun", "email"), _mailgun),
    Sink("postmark", "Postmark", "email", ("postmark", "email"), _postmark),
    Sink("resend", "Resend", "email", ("resend", "email"), _resend),
    Sink("smtp", "email", "email", ("email", "smtp"), _smtp),
    Sink("twilio", "Twilio SMS", "sms", ("twilio", "sms"), _twilio),
    Sink("postgres", "Postgres", "db", ("postgres", "database"), _postgres),
    Sink("mysql", "MySQL", "db", ("mysql", "database"), _mysql),
    Sink("mongodb", "MongoDB", "db", ("mongodb", "database"), _mongo),
    Sink("redis", "Redis", "db", ("redis", "cache"), _redis),
    Sink("supabase", "Supabase", "db", ("supabase", "database"), _supabase),
    Sink("bigquery", "BigQuery", "db", ("bigquery", "data-warehouse"), _bigquery),
    Sink("s3", "S3", "storage", ("s3", "aws", "storage"), _s3),
    Sink("gdrive", "Google Drive", "storage", ("google-drive", "storage"), _gdrive),
    Sink("dropbox", "Dropbox", "storage", ("dropbox", "storage"), _dropbox),
    Sink("sheets", "Google Sheets", "sheet", ("google-sheets", "spreadsheets"), _sheets),
    Sink("airtable", "Airtable", "sheet", ("airtable", "no-code"), _airtable),
    Sink("notion", "Notion", "sheet", ("notion", "productivity"), _notion),
    Sink("hubspot", "HubSpot", "crm", ("hubspot", "crm"), _hubspot, needs_email=True),
    Sink("salesforce", "Salesforce", "crm", ("salesforce", "crm"), _salesforce, needs_email=True),
    Sink("pipedrive", "Pipedrive", "crm", ("pipedrive", "crm"), _pipedrive, needs_email=True),
    Sink("jira", "Jira", "tracker", ("jira", "project-management"), _jira),
    Sink("github", "GitHub", "tracker", ("github", "issues"), _github_issue),
    Sink("linear", "Linear", "tracker", ("linear", "project-management"), _linear),
    Sink("trello", "Trello", "tracker", ("trello", "project-management"), _trello),
    Sink("asana", "Asana", "tracker", ("asana", "project-management"), _asana),
    Sink("pagerduty", "PagerDuty", "incident", ("pagerduty", "incidents"), _pagerduty),
    Sink("opsgenie", "Opsgenie", "incident", ("opsgenie", "incidents"), _opsgenie),
    Sink("mixpanel", "Mixpanel", "analytics", ("mixpanel", "analytics"), _mixpanel),
    Sink("segment", "Segment", "analytics", ("segment", "analytics"), _segment),
    Sink("posthog", "PostHog", "analytics", ("posthog", "analytics"), _posthog),
)
