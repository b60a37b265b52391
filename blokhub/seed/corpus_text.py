"""Title and description templates for the demo corpus (plain data, formatted with `str.format`)."""

from __future__ import annotations

# Titles for event-driven workflows, keyed by the category of the main destination.
HOOK_TITLES: dict[str, tuple[str, ...]] = {
    "chat": (
        "Notify {S} when {clause}",
        "{S} alert when {clause}",
        "Post {nouns} to {S}",
        "Send {nouns} to {S}",
        "{Service} → {S}: {noun} alerts",
        "Ping {S} on every {noun}",
        "Get {aS} message when {clause}",
        "Alert the team in {S} when {clause}",
        "{Noun} notifications in {S}",
        "Let {S} know when {clause}",
        "{Service} {noun} alerts for {S}",
        "Real-time {noun} alerts in {S}",
    ),
    "email": (
        "Email the team when {clause}",
        "Send an e-mail via {S} when {clause}",
        "{Noun} e-mails with {S}",
        "E-mail alert for {nouns}",
        "Email me when {clause}",
    ),
    "sms": (
        "Text me when {clause}",
        "SMS alert when {clause}",
        "Send an SMS via Twilio when {clause}",
        "{Noun} SMS alerts",
    ),
    "incident": ("Page on-call via {S} when {clause}", "Open {aS} incident when {clause}", "Escalate {nouns} to {S}"),
    "tracker": (
        "Open {aS} ticket when {clause}",
        "Create {S} issues from {nouns}",
        "Turn {nouns} into {S} tickets",
        "File {aS} issue for every {noun}",
        "{Service} to {S}: {noun} tickets",
    ),
    "crm": (
        "Add {nouns} to {S}",
        "Create {aS} contact when {clause}",
        "Push {nouns} into {S}",
        "{Service} → {S} contact sync",
    ),
    "db": (
        "Save {nouns} to {S}",
        "Log every {noun} in {S}",
        "Store {nouns} in {S}",
        "Write {nouns} to {S}",
        "{Service} webhooks to {S}",
        "Persist {nouns} in {S}",
    ),
    "storage": ("Back up {nouns} to {S}", "Archive {nouns} in {S}", "Save a copy of every {noun} to {S}"),
    "sheet": ("Append {nouns} to {S}", "Track {nouns} in {S}", "Log {nouns} to {S}", "{Nouns} → {S}"),
    "analytics": ("Track {nouns} in {S}", "Send {noun} events to {S}", "{Service} {noun} events to {S}"),
}

# Titles for scheduled (polling) workflows.
POLL_TITLES: dict[str, tuple[str, ...]] = {
    "chat": (
        "{Adj} {S} digest of {nouns}",
        "Check {nouns} {cad} and post to {S}",
        "Post {nouns} to {S} {cad}",
        "{Adj} {noun} in {S}",
        "{Nouns} → {S}, {cad}",
        "{Adj} {Service} summary for {S}",
    ),
    "email": ("Email a summary of {nouns} {cad}", "{Adj} {noun} e-mail", "{Adj} e-mail digest of {nouns}"),
    "sms": ("Text me {nouns} {cad}", "{Adj} SMS with {nouns}"),
    "incident": ("Page on-call when {clause}", "Escalate to {S} when {clause}"),
    "tracker": ("Create {S} tickets from {nouns} {cad}", "{Adj} {S} tickets for {nouns}"),
    "crm": ("Sync {nouns} to {S} {cad}", "{Adj} {Service} → {S} sync", "Copy {nouns} into {S} {cad}"),
    "db": (
        "Sync {nouns} to {S} {cad}",
        "Copy {nouns} into {S} {cad}",
        "{Adj} {Service} → {S} sync",
        "Load {nouns} into {S} {cad}",
        "{Adj} ETL: {Service} to {S}",
    ),
    "storage": ("Back up {nouns} to {S} {cad}", "Export {nouns} to {S} {cad}", "{Adj} {Service} backup to {S}"),
    "sheet": ("Sync {nouns} to {S} {cad}", "Export {nouns} to {S} {cad}", "{Adj} {S} log of {nouns}"),
    "analytics": ("Push {nouns} to {S} {cad}", "{Adj} {S} import of {nouns}"),
}

AI_TITLES: dict[str, tuple[str, ...]] = {
    "summarise": (
        "Summarise {nouns} with {P} and {toS}",
        "{P} summaries of {nouns} {inS}",
        "TL;DR every {noun} {inS} using {P}",
        "Summarise {nouns} with {P}",
        "AI summaries of {nouns} for {S}",
    ),
    "digest": (
        "{Adj} {P} digest of {nouns} {inS}",
        "Summarise {nouns} with {P} {cad}",
        "{Adj} AI digest of {nouns}",
        "Let {P} summarise {nouns} {cad}",
    ),
    "classify": (
        "Triage {nouns} with {P}",
        "Auto-triage {nouns} using {P}",
        "{P}-powered triage for {nouns}",
        "Classify incoming {nouns} with {P} and route them",
        "Route {nouns} by AI label",
    ),
    "extract": (
        "Extract details from {nouns} with {P}",
        "Turn {nouns} into structured data with {P}",
        "Parse {nouns} with {P} and save to {S}",
        "AI field extraction for {nouns}",
    ),
    "translate": (
        "Translate {nouns} to English with {P}",
        "Auto-translate {nouns} before {toSing}",
        "Translate {nouns} and {toS}",
    ),
    "reply": (
        "Draft replies to {nouns} with {P}",
        "AI-suggested answers for {nouns}",
        "Let {P} draft a first reply to every {noun}",
        "Auto-draft responses to {nouns} {inS}",
    ),
    "embed": (
        "Index {nouns} in {Store} for semantic search",
        "Embed {nouns} into {Store}",
        "Semantic search index for {nouns}",
        "Keep a {Store} index of {nouns}",
    ),
    "sentiment": (
        "Sentiment analysis for {nouns}",
        "Score the sentiment of {nouns} and log to {S}",
        "Flag unhappy customers in {nouns}",
    ),
}

REPORT_TITLES: tuple[str, ...] = (
    "{Adj} {report} report {toSn}",
    "{Adj} {report} summary {inS}",
    "{Adj} {report} numbers",
    "{Report} dashboard snapshot {cad}",
    "Send the {adjl} {report} report",
    "{Adj} {report} update for the team",
)
EMAIL_REPORT_TITLES: tuple[str, ...] = ("Email a {adjl} {report} summary", "{Adj} {report} report by e-mail")
PDF_REPORT_TITLES: tuple[str, ...] = (
    "{Report} report PDF, {cad}",
    "Generate a {report} PDF and {toS}",
    "{Adj} {report} report as PDF",
    "PDF {report} report {cad}",
)

# source key -> report name
REPORTS: dict[str, str] = {
    "stripe-charges": "revenue",
    "stripe-mrr": "MRR",
    "shopify-orders": "sales",
    "shopify-stock": "inventory",
    "pg-signups": "signups",
    "mongo-orders": "pending orders",
    "plausible": "traffic",
    "zendesk-open": "support backlog",
    "sentry-unresolved": "error",
    "jira-sprint": "sprint",
    "github-issues": "issue backlog",
    "github-prs": "code review",
    "pipedrive-deals": "pipeline",
    "salesforce-leads": "lead",
    "hubspot-contacts": "new contacts",
    "mysql-carts": "abandoned cart",
    "sheets-inventory": "stock",
    "healthcheck": "uptime",
    "airtable": "leads",
    "notion-tasks": "task",
}

MANUAL_TITLES: dict[str, tuple[str, ...]] = {
    "backfill": (
        "Backfill {nouns} into {S}",
        "One-off import of {nouns} into {S}",
        "Bulk load {nouns} into {S}",
        "Migrate {nouns} to {S}",
    ),
    "export": ("Export all {nouns} to {S}", "Manual {nouns} export to {S}", "Snapshot {nouns} to {S} on demand"),
    "reindex": (
        "Re-index {nouns} into {Store}",
        "Rebuild the {Store} index from {nouns}",
        "Re-embed {nouns} with new embeddings",
    ),
}

LEADS: dict[str, tuple[str, ...]] = {
    "hook": (
        "Listens for {Service} webhooks and reacts whenever {clause}.",
        "Whenever {clause}, the team hears about it right away.",
        "Keeps everyone in the loop when {clause}.",
        "Real-time handling for {nouns}.",
        "Small webhook workflow for {nouns}.",
        "Triggered by {Service} every time {clause}.",
    ),
    "poll": (
        "Checks {Service} {cad} and handles {nouns}.",
        "A {adjl} job that pulls {nouns} from {Service}.",
        "Runs {cad} and collects {nouns}.",
        "Scheduled {Service} sync.",
        "Polls {Service} {cad} so nobody has to check by hand.",
    ),
    "ai": (
        "Uses {P} to {verbl} {nouns}.",
        "{P} reads every {noun} and {phrase}.",
        "An LLM step that saves the team from reading every {noun}.",
        "AI helper for {nouns}.",
    ),
    "report": (
        "Builds a {adjl} {report} report and delivers it {toSn}.",
        "Pulls the {report} numbers {cad} and turns them into a short report.",
        "{Adj} {report} reporting without opening a dashboard.",
    ),
    "api": (
        "A small REST API for {res}.",
        "HTTP endpoint for {res}.",
        "Exposes {res} over HTTP.",
        "Backend endpoint for {res}, no server code needed.",
        "Quick {res} API for prototypes.",
    ),
    "rag": (
        "Retrieval-augmented answers over your own docs.",
        "Ask questions in plain English and get answers grounded in your docs.",
        "A tiny RAG service.",
    ),
    "proxy": (
        "Thin proxy in front of a public API.",
        "Wraps a third-party API behind a single endpoint.",
        "One request, one clean JSON response.",
        "Calls the upstream API and returns just the useful bits.",
        "Handy for front-ends that should not call the API directly.",
    ),
    "manual": (
        "A one-off job you run by hand from the Blok UI or CLI.",
        "Run this manually when you need to {job}.",
        "Manual maintenance workflow to {job}.",
    ),
}

SETUP: tuple[str, ...] = (
    "Set {env} before deploying.",
    "Needs {env} in the environment.",
    "Requires {env}.",
    "Put {env} in your .env file.",
    "Configure {env} first.",
)
EXTRAS: tuple[str, ...] = (
    "Change the channel to match your workspace.",
    "Feel free to fork it.",
    "PRs welcome!",
    "Tested in production for a few months.",
    "Adapted from the countries example in the Blok docs.",
    "Easy to extend with more steps.",
    "Swap the destination for whatever your team uses.",
    "Works well behind a queue.",
    "Based on a workflow we run at work.",
    "Keep the webhook URL private.",
    "Replace the table name with your own.",
    "Add a rate limit if your volume is high.",
)
SHORT_DESCRIPTIONS: tuple[str, ...] = (
    "{Service} → {S}.",
    "{Nouns}, delivered to {S}.",
    "Does what it says.",
    "Simple and reliable.",
    "My take on {nouns}.",
    "{Service} automation.",
    "Quick {S} integration.",
)
