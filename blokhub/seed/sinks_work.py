"""Sink builders for business tools: CRMs, issue trackers, incident paging and product analytics."""

from __future__ import annotations

from collections.abc import Callable

from blokhub.ai.service_catalogue import api
from blokhub.seed.corpus_build import Ctx, Step, bearer, call, env_ref, json_headers
from blokhub.seed.sink_rows import MANY_ROWS

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
        # One event as an object (/track also takes one): Blok's api-call refuses an array body.
        {
            "event": c.src.event,
            "properties": {"token": "${ctx.env.MIXPANEL_TOKEN}", "distinct_id": _distinct_id(c), "source": "blok"},
        },
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


BUILDERS: dict[str, Callable[[Ctx], Step]] = {
    "hubspot": _hubspot,
    "salesforce": _salesforce,
    "pipedrive": _pipedrive,
    "jira": _jira,
    "github": _github_issue,
    "linear": _linear,
    "trello": _trello,
    "asana": _asana,
    "pagerduty": _pagerduty,
    "opsgenie": _opsgenie,
    "mixpanel": _mixpanel,
    "segment": _segment,
    "posthog": _posthog,
}
