"""Built-in steps that bring data in (public APIs, SaaS lists, database reads) and AI transforms.

A source step does not use ``set_var``: its output becomes ``ctx.response.data`` for the steps after it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from blokhub.ai.named_values import DEFAULT_COINS, coins, rate_pair
from blokhub.ai.service_catalogue import api
from blokhub.ai.step_draft import JSON_HEADERS, StepContext, StepDraft, api_call, bearer, env, text_of

DATA = "ctx.response.data"


@dataclass(slots=True)
class Fetched:
    step: StepDraft
    items: str | None  # JS expression of the fetched list, when the source returns many records
    message: str  # a one-line summary with ${} placeholders
    then: StepDraft | None = None  # a step that must follow it (e.g. parsing the CSV it read)


SourceBuilder = Callable[[StepContext, str], Fetched]  # (context, explicit URL or "") -> step


def _get(ctx: StepContext, base: str, url: str, headers: dict[str, str], note: str, service: str) -> StepDraft:
    return api_call(ctx, base, "GET", url, headers, note=note, service=service, set_var=False)


def weather(ctx: StepContext, _: str) -> Fetched:
    if len(ctx.cities) > 1:
        return _weather_many(ctx)
    city, lat, lon = ctx.city
    url = (
        f"{api('weather')}/v1/forecast?latitude={lat}&longitude={lon}"
        "&current=temperature_2m,wind_speed_10m&daily=temperature_2m_max,precipitation_probability_max&timezone=UTC"
    )
    message = (
        f"Weather in {city}: ${{{DATA}.current.temperature_2m}}°C now, high ${{{DATA}.daily.temperature_2m_max[0]}}°C, "
        f"rain chance ${{{DATA}.daily.precipitation_probability_max[0]}}%"
    )
    if "fahrenheit" in ctx.hint:
        url += "&temperature_unit=fahrenheit"
        message = message.replace("°C", "°F")
    step = _get(ctx, "get-weather", url, dict(JSON_HEADERS), f"fetches the {city} forecast from Open-Meteo", "weather")
    return Fetched(step, None, message)


def _weather_many(ctx: StepContext) -> Fetched:
    """Open-Meteo takes comma-separated coordinates and answers a list, one forecast per place."""
    names = [c[0] for c in ctx.cities]
    lats, lons = ",".join(str(c[1]) for c in ctx.cities), ",".join(str(c[2]) for c in ctx.cities)
    url = (
        f"{api('weather')}/v1/forecast?latitude={lats}&longitude={lons}"
        "&current=temperature_2m,wind_speed_10m&daily=temperature_2m_max,precipitation_probability_max&timezone=UTC"
    )
    labels = json.dumps(names)
    message = f"${{{DATA}.map((w, i) => {labels}[i] + ': ' + w.current.temperature_2m + '°C').join(', ')}}"
    step = _get(ctx, "get-weather", url, dict(JSON_HEADERS), "", "weather")
    return Fetched(step, None, "Weather: " + message)


def rates(ctx: StepContext, _: str) -> Fetched:
    base, targets = rate_pair(ctx.said) or ("EUR", ["USD", "GBP", "JPY", "CHF"])
    url = api("rates") + rates_query(base, targets)
    step = _get(ctx, "get-exchange-rates", url, dict(JSON_HEADERS), f"fetches {base} exchange rates", "rates")
    return Fetched(step, None, rates_message(base, targets))


def rates_query(base: str, targets: list[str]) -> str:
    return f"/latest?from={base}&to={','.join(targets)}"


def rates_message(base: str, targets: list[str]) -> str:
    if len(targets) == 1:
        return f"1 {base} = ${{{DATA}.rates.{targets[0]}}} {targets[0]} on ${{{DATA}.date}}"
    return f"{base} rates on ${{{DATA}.date}}: ${{JSON.stringify({DATA}.rates)}}"


def crypto(ctx: StepContext, _: str) -> Fetched:
    named = coins(ctx.said) or list(DEFAULT_COINS)
    url = api("crypto") + crypto_query(named)
    step = _get(ctx, "get-crypto-prices", url, dict(JSON_HEADERS), "fetches crypto prices from CoinGecko", "crypto")
    return Fetched(step, None, crypto_message(named))


def crypto_query(named: list[tuple[str, str]]) -> str:
    return f"/api/v3/simple/price?ids={','.join(i for i, _ in named)}&vs_currencies=usd"


def crypto_message(named: list[tuple[str, str]]) -> str:
    """The prices of the coins asked for (the first two of the default three, as before)."""
    shown = named[:2] if list(named) == list(DEFAULT_COINS) else named
    path = {ids: (f'["{ids}"]' if "-" in ids else f".{ids}") for ids, _ in shown}  # "avalanche-2" needs brackets
    return ", ".join(f"{symbol} ${{{DATA}{path[ids]}.usd}} USD" for ids, symbol in shown)


def hackernews(ctx: StepContext, _: str) -> Fetched:
    url = api("hackernews") + "/api/v1/search?tags=front_page&hitsPerPage=10"
    step = _get(ctx, "get-top-stories", url, dict(JSON_HEADERS), "reads the Hacker News front page", "hackernews")
    return Fetched(step, f"{DATA}.hits", f"Top stories: ${{{DATA}.hits.slice(0, 5).map(h => h.title).join(' | ')}}")


def http(ctx: StepContext, url: str) -> Fetched:
    step = _get(ctx, "fetch-data", url, dict(JSON_HEADERS), f"fetches {url}", "http")
    return Fetched(step, None, f"${{JSON.stringify({DATA}).slice(0, 1500)}}")


def _listing(
    ctx: StepContext, base: str, url: str, headers: dict[str, str], items: str, label: str, service: str
) -> Fetched:
    step = _get(ctx, base, url, headers, f"lists {label}", service)
    return Fetched(step, items, f"${{{items}.length}} {label}")


def stripe(ctx: StepContext, _: str) -> Fetched:
    url = api("stripe") + "/v1/charges?limit=100&created[gte]=${Math.floor(Date.now() / 1000) - 86400}"
    return _listing(
        ctx,
        "list-stripe-charges",
        url,
        bearer(ctx, "STRIPE_SECRET_KEY"),
        f"{DATA}.data",
        "Stripe charges from the last day",
        "stripe",
    )


def paypal(ctx: StepContext, _: str) -> Fetched:
    url = (
        api("paypal") + "/v1/reporting/transactions"
        "?start_date=${new Date(Date.now() - 86400000).toISOString()}&end_date=${new Date().toISOString()}"
    )
    return _listing(
        ctx,
        "list-paypal-transactions",
        url,
        bearer(ctx, "PAYPAL_ACCESS_TOKEN"),
        f"{DATA}.transaction_details",
        "PayPal transactions from the last day",
        "paypal",
    )


def shopify(ctx: StepContext, _: str) -> Fetched:
    url = f"https://{env(ctx, 'SHOPIFY_STORE')}.myshopify.com/admin/api/2024-10/orders.json?status=any&limit=250"
    headers = {"X-Shopify-Access-Token": env(ctx, "SHOPIFY_ACCESS_TOKEN"), "Content-Type": "application/json"}
    return _listing(ctx, "list-shopify-orders", url, headers, f"{DATA}.orders", "Shopify orders", "shopify")


def hubspot(ctx: StepContext, _: str) -> Fetched:
    url = api("hubspot") + "/crm/v3/objects/contacts?limit=100&properties=email,firstname,lastname,company"
    return _listing(
        ctx,
        "list-hubspot-contacts",
        url,
        bearer(ctx, "HUBSPOT_ACCESS_TOKEN"),
        f"{DATA}.results",
        "HubSpot contacts",
        "hubspot",
    )


def salesforce(ctx: StepContext, _: str) -> Fetched:
    url = (
        f"https://{env(ctx, 'SALESFORCE_INSTANCE')}.my.salesforce.com/services/data/v60.0/query"
        "?q=SELECT+Id,Name,Email,Company+FROM+Lead+WHERE+CreatedDate=TODAY"
    )
    return _listing(
        ctx,
        "list-salesforce-leads",
        url,
        bearer(ctx, "SALESFORCE_ACCESS_TOKEN"),
        f"{DATA}.records",
        "Salesforce leads created today",
        "salesforce",
    )


def github(ctx: StepContext, _: str) -> Fetched:
    kind = "pulls" if re.search(r"\bpull requests?\b|\bprs?\b", ctx.hint) else "issues"
    label = "open pull requests" if kind == "pulls" else "open GitHub issues"
    url = f"{api('github')}/repos/{env(ctx, 'GITHUB_REPOSITORY')}/{kind}?state=open&per_page=50"
    return _listing(ctx, f"list-github-{kind}", url, bearer(ctx, "GITHUB_TOKEN"), DATA, label, "github")


def gitlab(ctx: StepContext, _: str) -> Fetched:
    url = f"{api('gitlab')}/v4/projects/{env(ctx, 'GITLAB_PROJECT_ID')}/merge_requests?state=opened"
    headers = {"PRIVATE-TOKEN": env(ctx, "GITLAB_TOKEN"), "Content-Type": "application/json"}
    return _listing(ctx, "list-merge-requests", url, headers, DATA, "open GitLab merge requests", "gitlab")


def jira(ctx: StepContext, _: str) -> Fetched:
    url = f"https://{env(ctx, 'JIRA_DOMAIN')}.atlassian.net/rest/api/3/search?jql=statusCategory%20!%3D%20Done&maxResults=100"
    headers = {"Authorization": f"Basic {env(ctx, 'JIRA_BASIC_AUTH')}", "Content-Type": "application/json"}
    return _listing(ctx, "search-jira-issues", url, headers, f"{DATA}.issues", "open Jira issues", "jira")


def sheets(ctx: StepContext, _: str) -> Fetched:
    url = f"{api('sheets')}/v4/spreadsheets/{env(ctx, 'GOOGLE_SHEET_ID')}/values/Sheet1!A2:Z"
    return _listing(
        ctx,
        "read-sheet",
        url,
        bearer(ctx, "GOOGLE_ACCESS_TOKEN"),
        f"{DATA}.values",
        "rows from Google Sheets",
        "sheets",
    )


def postgres(ctx: StepContext, _: str, service: str = "postgres") -> Fetched:
    inputs = {
        "host": env(ctx, "PG_HOST"),
        "port": 5432,
        "database": env(ctx, "PG_DATABASE"),
        "user": env(ctx, "PG_USER"),
        "password": env(ctx, "PG_PASSWORD"),
        "query": f"SELECT * FROM {ctx.table} ORDER BY 1 DESC LIMIT 100",
    }
    step = StepDraft(
        "query-postgres",
        "postgres-query",
        inputs,
        note=f"reads the latest `{ctx.table}` rows from PostgreSQL",
        service=service,
    )
    return Fetched(step, f"{DATA}.data", f"${{{DATA}.data.length}} rows from {ctx.table}")


def database(ctx: StepContext, url: str) -> Fetched:
    return postgres(ctx, url, "database")


def mysql(ctx: StepContext, _: str) -> Fetched:
    inputs = {
        "host": env(ctx, "MYSQL_HOST"),
        "user": env(ctx, "MYSQL_USER"),
        "password": env(ctx, "MYSQL_PASSWORD"),
        "database": env(ctx, "MYSQL_DATABASE"),
        "query": f"SELECT * FROM {ctx.table} ORDER BY 1 DESC LIMIT 100",
    }
    step = StepDraft(
        "query-mysql",
        "@community/mysql-query",
        inputs,
        note=f"reads the latest `{ctx.table}` rows from MySQL",
        service="mysql",
    )
    return Fetched(step, f"{DATA}.data", f"${{{DATA}.data.length}} rows from {ctx.table}")


def mongodb(ctx: StepContext, _: str) -> Fetched:
    inputs: dict[str, object] = {"collection": ctx.table, "filter": {}, "limit": 100, "sort": {"_id": -1}}
    if ctx.record == "ctx.request.params":
        inputs = {"collection": ctx.table, "id": "${ctx.request.params.id}"}
    step = StepDraft(
        "query-mongodb",
        "mongo-query",
        inputs,
        note=f"reads the `{ctx.table}` collection from MongoDB",
        service="mongodb",
    )
    return Fetched(step, f"{DATA}.data", f"${{{DATA}.data.length}} documents from {ctx.table}")


def redis(ctx: StepContext, _: str) -> Fetched:
    inputs = {"url": env(ctx, "REDIS_URL"), "command": "GET", "key": f"{ctx.table}:latest"}
    step = StepDraft("read-redis", "@blokjs/redis", inputs, note="reads the cached value from Redis", service="redis")
    return Fetched(step, None, f"${{{text_of(DATA)}}}")


CORE_SOURCES: dict[str, SourceBuilder] = {
    "weather": weather,
    "rates": rates,
    "crypto": crypto,
    "hackernews": hackernews,
    "http": http,
    "stripe": stripe,
    "paypal": paypal,
    "shopify": shopify,
    "hubspot": hubspot,
    "salesforce": salesforce,
    "github": github,
    "gitlab": gitlab,
    "jira": jira,
    "sheets": sheets,
    "postgres": postgres,
    "database": database,
    "mysql": mysql,
    "mongodb": mongodb,
    "redis": redis,
}


# Webhook senders sign their calls; checking the signature first is what stops forged events.
# (signature header, environment variable holding the signing secret)
SIGNATURES: dict[str, tuple[str, str]] = {
    "stripe": ("stripe-signature", "STRIPE_WEBHOOK_SECRET"),
    "github": ("x-hub-signature-256", "GITHUB_WEBHOOK_SECRET"),
    "shopify": ("x-shopify-hmac-sha256", "SHOPIFY_WEBHOOK_SECRET"),
    "paypal": ("paypal-transmission-sig", "PAYPAL_WEBHOOK_ID"),
    "gitlab": ("x-gitlab-token", "GITLAB_WEBHOOK_TOKEN"),
    "hubspot": ("x-hubspot-signature-v3", "HUBSPOT_CLIENT_SECRET"),
    "zendesk": ("x-zendesk-webhook-signature", "ZENDESK_WEBHOOK_SECRET"),
}


def verify_signature(ctx: StepContext, service: str, label: str) -> StepDraft | None:
    if service not in SIGNATURES:
        return None
    header, secret = SIGNATURES[service]
    inputs = {
        "provider": service,
        "secret": env(ctx, secret),
        "signatureHeader": header,
        "payload": "js/ctx.request.rawBody || JSON.stringify(ctx.request.body)",
    }
    note = f"checks the {label} signature first"
    return StepDraft(
        f"verify-{service}-signature", "@community/verify-webhook", inputs, set_var=True, note=note, service=service
    )
