"""Built-in steps for incident tools, help desks and work trackers: PagerDuty, Opsgenie, Zendesk, Linear, Notion,
Airtable, and reading a CSV file from S3. Real public APIs; every credential is an environment reference."""

from __future__ import annotations

from blokhub.ai.builtin_sources import CORE_SOURCES, DATA, Fetched, SourceBuilder
from blokhub.ai.service_catalogue import api
from blokhub.ai.step_draft import JSON_HEADERS, StepContext, StepDraft, api_call, bearer, env


def pagerduty(ctx: StepContext) -> StepDraft:
    body = {
        "routing_key": env(ctx, "PAGERDUTY_ROUTING_KEY"),
        "event_action": "trigger",
        "payload": {"summary": ctx.subject, "source": "blok", "severity": "critical", "custom_details": ctx.message},
    }
    url = api("pagerduty") + "/v2/enqueue"
    return api_call(
        ctx, "trigger-pagerduty-incident", "POST", url, dict(JSON_HEADERS), body, note="", service="pagerduty"
    )


def opsgenie(ctx: StepContext) -> StepDraft:
    headers = {"Authorization": f"GenieKey {env(ctx, 'OPSGENIE_API_KEY')}", "Content-Type": "application/json"}
    body = {"message": ctx.subject, "description": ctx.message, "priority": "P1", "source": "blok"}
    url = api("opsgenie") + "/v2/alerts"
    return api_call(ctx, "create-opsgenie-alert", "POST", url, headers, body, note="", service="opsgenie")


def _zendesk_base(ctx: StepContext) -> tuple[str, dict[str, str]]:
    headers = {"Authorization": f"Basic {env(ctx, 'ZENDESK_BASIC_AUTH')}", "Content-Type": "application/json"}
    return f"https://{env(ctx, 'ZENDESK_SUBDOMAIN')}.zendesk.com/api/v2", headers


def zendesk(ctx: StepContext) -> StepDraft:
    base, headers = _zendesk_base(ctx)
    body = {"ticket": {"subject": ctx.subject, "comment": {"body": ctx.message}}}
    return api_call(
        ctx, "create-zendesk-ticket", "POST", f"{base}/tickets.json", headers, body, note="", service="zendesk"
    )


def zendesk_source(ctx: StepContext, _: str) -> Fetched:
    base, headers = _zendesk_base(ctx)
    url = f"{base}/search.json?query=type:ticket%20status<solved"
    step = api_call(ctx, "list-zendesk-tickets", "GET", url, headers, note="", service="zendesk", set_var=False)
    return Fetched(step, f"{DATA}.results", f"${{{DATA}.results.length}} open Zendesk tickets")


def linear(ctx: StepContext) -> StepDraft:
    headers = {"Authorization": env(ctx, "LINEAR_API_KEY"), "Content-Type": "application/json"}
    mutation = "mutation($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { id url } } }"
    variables = {"input": {"teamId": env(ctx, "LINEAR_TEAM_ID"), "title": ctx.subject, "description": ctx.message}}
    url = api("linear") + "/graphql"
    body = {"query": mutation, "variables": variables}
    return api_call(ctx, "create-linear-issue", "POST", url, headers, body, note="", service="linear")


def linear_source(ctx: StepContext, _: str) -> Fetched:
    headers = {"Authorization": env(ctx, "LINEAR_API_KEY"), "Content-Type": "application/json"}
    query = '{ issues(filter: {state: {type: {nin: ["completed", "canceled"]}}}, first: 50) { nodes { identifier title url } } }'
    step = api_call(
        ctx, "list-linear-issues", "POST", api("linear") + "/graphql", headers, {"query": query},
        note="", service="linear", set_var=False,
    )  # fmt: skip
    return Fetched(step, f"{DATA}.data.issues.nodes", f"${{{DATA}.data.issues.nodes.length}} open Linear issues")


def notion(ctx: StepContext) -> StepDraft:
    headers = {**bearer(ctx, "NOTION_TOKEN"), "Notion-Version": "2022-06-28"}
    body = {
        "parent": {"database_id": env(ctx, "NOTION_DATABASE_ID")},
        "properties": {"Name": {"title": [{"text": {"content": ctx.subject}}]}},
        "children": [{"paragraph": {"rich_text": [{"text": {"content": ctx.message}}]}}],
    }
    return api_call(ctx, "add-to-notion", "POST", api("notion") + "/v1/pages", headers, body, note="", service="notion")


def _airtable_url(ctx: StepContext) -> str:
    return f"{api('airtable')}/v0/{env(ctx, 'AIRTABLE_BASE_ID')}/{ctx.table}"


def airtable(ctx: StepContext) -> StepDraft:
    fields = f"js/{ctx.record}.map(r => ({{fields: r}})).slice(0, 10)" if ctx.many else f"js/[{{fields: {ctx.record}}}]"
    return api_call(
        ctx, "add-to-airtable", "POST", _airtable_url(ctx), bearer(ctx, "AIRTABLE_TOKEN"), {"records": fields},
        note="", service="airtable",
    )  # fmt: skip


def airtable_source(ctx: StepContext, _: str) -> Fetched:
    step = api_call(
        ctx, "list-airtable-records", "GET", _airtable_url(ctx) + "?pageSize=100", bearer(ctx, "AIRTABLE_TOKEN"),
        note="", service="airtable", set_var=False,
    )  # fmt: skip
    return Fetched(step, f"{DATA}.records", f"${{{DATA}.records.length}} Airtable records")


def s3_csv(ctx: StepContext, _: str) -> Fetched:
    """A CSV object read through a presigned URL (S3_CSV_URL); the rows become a list for the next steps."""
    inputs = {"url": env(ctx, "S3_CSV_URL"), "method": "GET", "headers": {}, "responseType": "text/csv"}
    node, kind = ("api_call", "runtime.python3") if ctx.python else (ctx.api_node, "module")
    step = StepDraft("read-csv-from-s3", node, inputs, kind, False, "", service="s3")
    return Fetched(step, f"{DATA}.rows", f"${{{DATA}.rows.length}} rows from the CSV file", then=parse_csv())


def parse_csv() -> StepDraft:
    rows = (
        f"js/(() => {{ const [head, ...lines] = String({DATA}).trim().split('\\n').map(l => l.split(',')); "
        "return lines.map(cells => Object.fromEntries(head.map((h, i) => [h.trim(), (cells[i] || '').trim()]))); })()"
    )
    return StepDraft("parse-csv-rows", "mapper", {"model": {"rows": rows}})


SOURCES: dict[str, SourceBuilder] = {
    **CORE_SOURCES,
    "zendesk": zendesk_source,
    "linear": linear_source,
    "airtable": airtable_source,
    "s3": s3_csv,
}
OPS_SINKS = {
    "pagerduty": pagerduty,
    "opsgenie": opsgenie,
    "zendesk": zendesk,
    "linear": linear,
    "notion": notion,
    "airtable": airtable,
}
