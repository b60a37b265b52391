"""Built-in steps for data stores: SQL and document databases, caches, object storage, spreadsheets."""

from __future__ import annotations

from urllib.parse import quote

from blokhub.ai.named_values import bucket, sheet_name
from blokhub.ai.service_catalogue import api
from blokhub.ai.step_draft import StepContext, StepDraft, api_call, bearer, env, payload


def _sql_json(ctx: StepContext) -> str:
    # The record goes in as one JSON value with quotes doubled: ${} splices text, so this keeps SQL intact.
    return f"${{JSON.stringify({ctx.record}).replace(/'/g, \"''\")}}"


def postgres(ctx: StepContext, service: str = "postgres") -> StepDraft:
    if ctx.delete:  # a DELETE endpoint: the record named by the path goes
        key = "${String(ctx.request.params.id).replace(/'/g, \"''\")}"
        query = f"DELETE FROM {ctx.table} WHERE id = '{key}'"
    elif ctx.many:
        query = f"INSERT INTO {ctx.table} (payload) SELECT * FROM jsonb_array_elements('{_sql_json(ctx)}'::jsonb)"
    else:
        query = f"INSERT INTO {ctx.table} (payload, received_at) VALUES ('{_sql_json(ctx)}'::jsonb, now())"
    inputs = {
        "host": env(ctx, "PG_HOST"),
        "port": 5432,
        "database": env(ctx, "PG_DATABASE"),
        "user": env(ctx, "PG_USER"),
        "password": env(ctx, "PG_PASSWORD"),
        "query": query,
    }
    note = f"saves it to the `{ctx.table}` table in PostgreSQL"
    base = "delete-from-postgres" if ctx.delete else "save-to-postgres"
    return StepDraft(base, "postgres-query", inputs, set_var=True, note=note, service=service)


def database(ctx: StepContext) -> StepDraft:
    return postgres(ctx, "database")


def mysql(ctx: StepContext) -> StepDraft:
    query = f"INSERT INTO {ctx.table} (payload, received_at) VALUES ('{_sql_json(ctx)}', NOW())"
    inputs = {
        "host": env(ctx, "MYSQL_HOST"),
        "user": env(ctx, "MYSQL_USER"),
        "password": env(ctx, "MYSQL_PASSWORD"),
        "database": env(ctx, "MYSQL_DATABASE"),
        "query": query,
    }
    note = f"saves it to the `{ctx.table}` table in MySQL"
    return StepDraft("save-to-mysql", "@community/mysql-query", inputs, set_var=True, note=note, service="mysql")


def mongodb(ctx: StepContext) -> StepDraft:
    inputs = {"collection": ctx.table, "data": payload(ctx)}
    note = f"stores it in the `{ctx.table}` collection in MongoDB"
    return StepDraft("save-to-mongodb", "mongo-query", inputs, set_var=True, note=note, service="mongodb")


def redis(ctx: StepContext) -> StepDraft:
    inputs = {
        "url": env(ctx, "REDIS_URL"),
        "command": "SET",
        "key": f"{ctx.table}:${{ctx.id}}",
        "value": f"js/JSON.stringify({ctx.record})",
        "ttl": 86400,
    }
    return StepDraft(
        "cache-in-redis", "@blokjs/redis", inputs, set_var=True, note="caches it in Redis for a day", service="redis"
    )


def s3(ctx: StepContext) -> StepDraft:
    inputs = {
        "bucket": bucket(ctx.said) or env(ctx, "S3_BUCKET"),  # the bucket the user named, else from the environment
        "key": f"{ctx.table.replace('_', '-')}/${{new Date().toISOString().slice(0, 10)}}/${{ctx.id}}.json",
        "body": f"js/JSON.stringify({ctx.record})",
        "contentType": "application/json",
        "region": env(ctx, "AWS_REGION"),
    }
    named = bucket(ctx.said)
    note = f"archives a JSON copy in the S3 bucket {named}" if named else "archives a JSON copy in S3"
    return StepDraft("upload-to-s3", "@blokjs/s3", inputs, set_var=True, note=note, service="s3")


def sheets(ctx: StepContext) -> StepDraft:
    values = (
        f"js/{ctx.record}.map(r => Object.values(r))"
        if ctx.many
        else f"js/[[new Date().toISOString(), JSON.stringify({ctx.record})]]"
    )
    tab = quote(sheet_name(ctx.said) or "Sheet1", safe=" ")  # "the Google Sheet called Sales 2026": the tab rows go to
    url = f"{api('sheets')}/v4/spreadsheets/{env(ctx, 'GOOGLE_SHEET_ID')}/values/{tab}!A1:append?valueInputOption=USER_ENTERED"
    return api_call(
        ctx,
        "append-to-sheet",
        "POST",
        url,
        bearer(ctx, "GOOGLE_ACCESS_TOKEN"),
        {"values": values},
        note=f"appends a row to the {sheet_name(ctx.said)} tab of a Google Sheet"
        if sheet_name(ctx.said)
        else "appends a row to a Google Sheet",
        service="sheets",
    )


def drive(ctx: StepContext) -> StepDraft:
    url = api("drive") + "/upload/drive/v3/files?uploadType=media"
    return api_call(
        ctx,
        "upload-to-drive",
        "POST",
        url,
        bearer(ctx, "GOOGLE_ACCESS_TOKEN"),
        # Fetched rows are a list, and Blok's api-call refuses an array body: the file holds them under "rows".
        {"rows": payload(ctx)} if ctx.many else payload(ctx),
        note="saves a file to Google Drive",
        service="drive",
    )
