"""Sink builders that store records: databases, file storage, spreadsheets and docs."""

from __future__ import annotations

from collections.abc import Callable

from blokhub.ai.service_catalogue import api
from blokhub.seed.corpus_build import Ctx, Step, bearer, call, env_ref, pg_conn
from blokhub.seed.sink_rows import MANY_ROWS, TODAY, one_or_many

# --- databases --------------------------------------------------------------------------------------------

_DBS = ("app", "analytics", "warehouse", "crm", "ops")


def _postgres(c: Ctx) -> Step:
    many, rf = one_or_many(c)
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
    many, rf = one_or_many(c)
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
    many, rf = one_or_many(c)
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
    many, rf = one_or_many(c)
    key = f"{c.src.table}:{TODAY}" if many else f"{c.src.table}:${{{c.src.row[0][1]}}}" if c.src.row else "latest"
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
    many, rf = one_or_many(c)
    c.notes.append(f"inserts into the `{c.src.table}` table in Supabase")
    c.env.append("SUPABASE_SERVICE_KEY")
    # Many rows go through a Postgres function taking them as one JSON object: a bulk insert's body is an array,
    # which Blok's api-call refuses.
    target = f"rpc/insert_{c.src.table}" if many else c.src.table
    return call(
        c,
        "insert-supabase",
        "POST",
        f"https://${{ctx.env.SUPABASE_PROJECT_REF}}.supabase.co/rest/v1/{target}",
        {
            "apikey": "${ctx.env.SUPABASE_SERVICE_KEY}",
            "Authorization": "Bearer ${ctx.env.SUPABASE_SERVICE_KEY}",
            "Content-Type": "application/json",
            "Prefer": "resolution=merge-duplicates",
        },
        {"rows": MANY_ROWS} if many else (rf.obj if rf else "js/ctx.request.body"),
    )


def _bigquery(c: Ctx) -> Step:
    many, rf = one_or_many(c)
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


def _document(c: Ctx) -> dict[str, str]:
    """The JSON file an api-call upload sends: an object, which the node serialises itself (Blok's api-call refuses
    a string or array body, so `_payload`'s JSON.stringify text would fail the step)."""
    if c.rows is not None:
        return {"rows": "js/ctx.response.data"}
    if c.src.kind == "poll":
        return {"data": "js/" + (c.src.text[15:-1] if c.src.text.startswith("JSON.stringify(") else "ctx.vars")}
    return {"data": "js/ctx.request.body"}


def _s3(c: Ctx) -> Step:
    folder = c.src.table.replace("_", "-")
    c.notes.append("archives a JSON copy in S3")
    inputs = {
        "bucket": env_ref(c, "S3_BUCKET"),
        "key": f"{folder}/{TODAY}/${{Date.now()}}.json",
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
        _document(c),
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
        _document(c),
    )


# --- spreadsheets & docs ----------------------------------------------------------------------------------


def _sheets(c: Ctx) -> Step:
    many, rf = one_or_many(c)
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
    many, rf = one_or_many(c)
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


BUILDERS: dict[str, Callable[[Ctx], Step]] = {
    "postgres": _postgres,
    "mysql": _mysql,
    "mongodb": _mongo,
    "redis": _redis,
    "supabase": _supabase,
    "bigquery": _bigquery,
    "s3": _s3,
    "gdrive": _gdrive,
    "dropbox": _dropbox,
    "sheets": _sheets,
    "airtable": _airtable,
    "notion": _notion,
}
