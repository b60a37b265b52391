"""The steps that read a source's data: enrichment calls after a webhook, and the fetch step of a polled source.

These are code because they draw from the workflow's random stream and record the secrets they use; the tables
that describe each source (texts, rows, conditions) are data in ``data/sources.json`` and name a step here.
"""

from __future__ import annotations

from collections.abc import Callable

from blokhub.ai.service_catalogue import api
from blokhub.seed.corpus_build import Ctx, Step, bearer, call, json_headers, pg_conn

# --- enrichment steps (webhook sources) -------------------------------------------------------------------


def _stripe_customer(c: Ctx) -> Step:
    return call(
        c,
        "get-customer",
        "GET",
        api("stripe") + "/v1/customers/${ctx.request.body.data.object.customer}",
        bearer(c, "STRIPE_SECRET_KEY"),
        set_var=True,
    )


def _github_user(c: Ctx) -> Step:
    h = bearer(c, "GITHUB_TOKEN")
    h["Accept"] = "application/vnd.github+json"
    return call(c, "get-author", "GET", api("github") + "/users/${ctx.request.body.sender.login}", h, set_var=True)


def _shopify_customer(c: Ctx) -> Step:
    c.env.append("SHOPIFY_ACCESS_TOKEN")
    return call(
        c,
        "get-customer",
        "GET",
        "https://${ctx.env.SHOPIFY_STORE}.myshopify.com/admin/api/2024-10/customers/"
        "${ctx.request.body.customer.id}.json",
        {"X-Shopify-Access-Token": "${ctx.env.SHOPIFY_ACCESS_TOKEN}", "Content-Type": "application/json"},
        set_var=True,
    )


def _clearbit(c: Ctx) -> Step:
    return call(
        c,
        "enrich-company",
        "GET",
        "https://company.clearbit.com/v2/companies/find?domain=${ctx.request.body.email.split('@')[1]}",
        bearer(c, "CLEARBIT_API_KEY"),
        set_var=True,
    )


def _zendesk_user(c: Ctx) -> Step:
    c.env.append("ZENDESK_BASIC_AUTH")
    return call(
        c,
        "get-requester",
        "GET",
        "https://${ctx.env.ZENDESK_SUBDOMAIN}.zendesk.com/api/v2/users/${ctx.request.body.ticket.requester_id}.json",
        {"Authorization": "Basic ${ctx.env.ZENDESK_BASIC_AUTH}", "Content-Type": "application/json"},
        set_var=True,
    )


# --- polled sources ---------------------------------------------------------------------------------------


def _f_hubspot(c: Ctx) -> Step:
    return call(
        c,
        "get-hubspot-contacts",
        "GET",
        api("hubspot") + "/crm/v3/objects/contacts?limit=100&properties=email,firstname,lastname,company",
        bearer(c, "HUBSPOT_ACCESS_TOKEN"),
        set_var=True,
    )


def _f_salesforce(c: Ctx) -> Step:
    return call(
        c,
        "get-new-leads",
        "GET",
        "https://${ctx.env.SALESFORCE_INSTANCE}.my.salesforce.com/services/data/v60.0/query"
        "?q=SELECT+Id,Name,Email,Company,Status+FROM+Lead+WHERE+CreatedDate=YESTERDAY",
        bearer(c, "SALESFORCE_ACCESS_TOKEN"),
        set_var=True,
    )


def _f_pipedrive(c: Ctx) -> Step:
    c.env.append("PIPEDRIVE_API_TOKEN")
    return call(
        c,
        "get-open-deals",
        "GET",
        "https://api.pipedrive.com/v1/deals?status=open&limit=100&api_token=${ctx.env.PIPEDRIVE_API_TOKEN}",
        json_headers(),
        set_var=True,
    )


def _f_stripe(c: Ctx) -> Step:
    return call(
        c,
        "get-charges",
        "GET",
        api("stripe") + "/v1/charges?limit=100&created[gte]=${Math.floor(Date.now() / 1000) - 86400}",
        bearer(c, "STRIPE_SECRET_KEY"),
        set_var=True,
    )


def _f_stripe_subs(c: Ctx) -> Step:
    return call(
        c,
        "get-subscriptions",
        "GET",
        api("stripe") + "/v1/subscriptions?status=active&limit=100",
        bearer(c, "STRIPE_SECRET_KEY"),
        set_var=True,
    )


def _shopify_headers(c: Ctx) -> dict[str, str]:
    c.env.append("SHOPIFY_ACCESS_TOKEN")
    return {"X-Shopify-Access-Token": "${ctx.env.SHOPIFY_ACCESS_TOKEN}", "Content-Type": "application/json"}


def _f_shopify_orders(c: Ctx) -> Step:
    return call(
        c,
        "get-orders",
        "GET",
        "https://${ctx.env.SHOPIFY_STORE}.myshopify.com/admin/api/2024-10/orders.json?status=any&limit=250",
        _shopify_headers(c),
        set_var=True,
    )


def _f_shopify_products(c: Ctx) -> Step:
    return call(
        c,
        "get-products",
        "GET",
        "https://${ctx.env.SHOPIFY_STORE}.myshopify.com/admin/api/2024-10/products.json?limit=250",
        _shopify_headers(c),
        set_var=True,
    )


def _gh(c: Ctx) -> dict[str, str]:
    h = bearer(c, "GITHUB_TOKEN")
    h["Accept"] = "application/vnd.github+json"
    return h


def _f_gh_issues(c: Ctx) -> Step:
    return call(
        c,
        "get-open-issues",
        "GET",
        api("github") + "/repos/${ctx.env.GITHUB_REPOSITORY}/issues?state=open&per_page=50",
        _gh(c),
        set_var=True,
    )


def _f_gh_prs(c: Ctx) -> Step:
    return call(
        c,
        "get-open-prs",
        "GET",
        api("github") + "/repos/${ctx.env.GITHUB_REPOSITORY}/pulls?state=open&per_page=50",
        _gh(c),
        set_var=True,
    )


def _f_jira(c: Ctx) -> Step:
    c.env.append("JIRA_BASIC_AUTH")
    return call(
        c,
        "get-sprint-issues",
        "GET",
        "https://${ctx.env.JIRA_DOMAIN}.atlassian.net/rest/api/3/search?jql=sprint%20in%20openSprints()&maxResults=100",
        {"Authorization": "Basic ${ctx.env.JIRA_BASIC_AUTH}", "Accept": "application/json"},
        set_var=True,
    )


def _f_gcal(c: Ctx) -> Step:
    return call(
        c,
        "get-todays-events",
        "GET",
        api("drive") + "/calendar/v3/calendars/primary/events?singleEvents=true"
        "&orderBy=startTime&timeMin=${new Date().toISOString()}&maxResults=20",
        bearer(c, "GOOGLE_ACCESS_TOKEN"),
        set_var=True,
    )


_CITIES: tuple[tuple[str, str, str], ...] = (
    ("Berlin", "52.52", "13.41"),
    ("Lisbon", "38.72", "-9.14"),
    ("Lagos", "6.45", "3.39"),
    ("Toronto", "43.65", "-79.38"),
    ("Tokyo", "35.68", "139.69"),
    ("São Paulo", "-23.55", "-46.63"),
    ("Bangalore", "12.97", "77.59"),
    ("Nairobi", "-1.29", "36.82"),
    ("Austin", "30.27", "-97.74"),
    ("Melbourne", "-37.81", "144.96"),
    ("Warsaw", "52.23", "21.01"),
    ("Seoul", "37.57", "126.98"),
)


def _f_weather(c: Ctx) -> Step:
    _, lat, lon = c.pick(_CITIES)
    if c.chance(0.5):
        return call(
            c,
            "get-forecast",
            "GET",
            f"{api('weather')}/v1/forecast?latitude={lat}&longitude={lon}"
            "&daily=temperature_2m_max,temperature_2m_min,precipitation_sum&timezone=auto&forecast_days=1",
            json_headers(),
            set_var=True,
        )
    c.env.append("OPENWEATHER_API_KEY")
    return call(
        c,
        "get-forecast",
        "GET",
        f"https://api.openweathermap.org/data/2.5/forecast?lat={lat}&lon={lon}&units=metric"
        "&appid=${ctx.env.OPENWEATHER_API_KEY}",
        json_headers(),
        set_var=True,
    )


def _f_rates(c: Ctx) -> Step:
    return call(
        c,
        "get-rates",
        "GET",
        api("rates") + "/latest?from=EUR&to=USD,GBP,JPY,CHF",
        json_headers(),
        set_var=True,
    )


def _f_crypto(c: Ctx) -> Step:
    return call(
        c,
        "get-prices",
        "GET",
        api("crypto") + "/api/v3/simple/price?ids=bitcoin,ethereum,solana&vs_currencies=usd&include_24hr_change=true",
        json_headers(),
        set_var=True,
    )


def _f_signups_pg(c: Ctx) -> Step:
    inputs = pg_conn(c, "app")
    inputs["query"] = (
        "SELECT id, email, plan, company, created_at FROM users "
        "WHERE created_at > now() - interval '1 day' ORDER BY created_at"
    )
    return c.step("get-new-signups", "postgres-query", inputs, set_var=True)


def _f_orders_mongo(c: Ctx) -> Step:
    return c.step(
        "get-pending-orders",
        "mongo-query",
        {"collection": "orders", "filter": {"status": "pending"}, "limit": 200, "sort": {"createdAt": -1}},
        set_var=True,
    )


def _f_plausible(c: Ctx) -> Step:
    return call(
        c,
        "get-traffic",
        "GET",
        "https://plausible.io/api/v1/stats/aggregate?site_id=${ctx.env.PLAUSIBLE_SITE_ID}&period=day"
        "&metrics=visitors,pageviews,bounce_rate,visit_duration",
        bearer(c, "PLAUSIBLE_API_KEY"),
        set_var=True,
    )


def _f_zendesk(c: Ctx) -> Step:
    c.env.append("ZENDESK_BASIC_AUTH")
    return call(
        c,
        "get-open-tickets",
        "GET",
        "https://${ctx.env.ZENDESK_SUBDOMAIN}.zendesk.com/api/v2/search.json"
        "?query=type:ticket%20status:open&sort_by=created_at",
        {"Authorization": "Basic ${ctx.env.ZENDESK_BASIC_AUTH}", "Content-Type": "application/json"},
        set_var=True,
    )


def _f_sentry(c: Ctx) -> Step:
    return call(
        c,
        "get-unresolved-errors",
        "GET",
        "https://sentry.io/api/0/projects/${ctx.env.SENTRY_ORG}/${ctx.env.SENTRY_PROJECT}/issues/"
        "?query=is:unresolved&statsPeriod=24h",
        bearer(c, "SENTRY_AUTH_TOKEN"),
        set_var=True,
    )


def _f_health(c: Ctx) -> Step:
    c.env.append("APP_BASE_URL")
    return call(c, "check-health", "GET", "${ctx.env.APP_BASE_URL}/health", json_headers(), set_var=True)


def _f_airtable(c: Ctx) -> Step:
    return call(
        c,
        "get-airtable-records",
        "GET",
        "https://api.airtable.com/v0/${ctx.env.AIRTABLE_BASE_ID}/Leads?view=Grid%20view&pageSize=100",
        bearer(c, "AIRTABLE_TOKEN"),
        set_var=True,
    )


def _f_notion(c: Ctx) -> Step:
    h = bearer(c, "NOTION_TOKEN")
    h["Notion-Version"] = "2022-06-28"
    return call(
        c,
        "query-notion",
        "POST",
        "https://api.notion.com/v1/databases/${ctx.env.NOTION_DATABASE_ID}/query",
        h,
        {"filter": {"property": "Status", "status": {"equals": "To do"}}, "page_size": 50},
        set_var=True,
    )


def _f_sheets(c: Ctx) -> Step:
    return call(
        c,
        "read-sheet",
        "GET",
        api("sheets") + "/v4/spreadsheets/${ctx.env.GOOGLE_SHEET_ID}/values/Inventory!A2:E",
        bearer(c, "GOOGLE_ACCESS_TOKEN"),
        set_var=True,
    )


def _f_mysql(c: Ctx) -> Step:
    c.env.extend(("MYSQL_HOST", "MYSQL_USER", "MYSQL_PASSWORD"))
    return c.step(
        "get-abandoned-carts",
        "@community/mysql-query",
        {
            "host": "${ctx.env.MYSQL_HOST}",
            "user": "${ctx.env.MYSQL_USER}",
            "password": "${ctx.env.MYSQL_PASSWORD}",
            "database": "shop",
            "query": "SELECT c.id, c.email, c.total, c.updated_at FROM carts c WHERE c.status = 'open' "
            "AND c.updated_at < NOW() - INTERVAL 3 HOUR LIMIT 200",
        },
        set_var=True,
    )


def _f_rss(c: Ctx) -> Step:
    feed = c.pick(
        (
            "https://github.blog/feed/",
            "https://hnrss.org/frontpage",
            "https://blog.cloudflare.com/rss/",
            "https://aws.amazon.com/blogs/aws/feed/",
            "https://www.postgresql.org/news.rss",
        )
    )
    return c.step("read-feed", "@community/rss-reader", {"url": feed, "limit": 10, "since": "24h"}, set_var=True)


def _f_nasa(c: Ctx) -> Step:
    c.env.append("NASA_API_KEY")
    return call(
        c,
        "get-apod",
        "GET",
        "https://api.nasa.gov/planetary/apod?api_key=${ctx.env.NASA_API_KEY}",
        json_headers(),
        set_var=True,
    )


# Names used by data/sources.json (`enrich` of a webhook source, `fetch` of a polled one).
ENRICH: dict[str, Callable[[Ctx], Step]] = {
    "stripe_customer": _stripe_customer,
    "github_user": _github_user,
    "shopify_customer": _shopify_customer,
    "clearbit": _clearbit,
    "zendesk_user": _zendesk_user,
}
FETCH: dict[str, Callable[[Ctx], Step]] = {
    "hubspot": _f_hubspot,
    "salesforce": _f_salesforce,
    "pipedrive": _f_pipedrive,
    "stripe": _f_stripe,
    "stripe_subs": _f_stripe_subs,
    "shopify_orders": _f_shopify_orders,
    "shopify_products": _f_shopify_products,
    "gh_issues": _f_gh_issues,
    "gh_prs": _f_gh_prs,
    "jira": _f_jira,
    "gcal": _f_gcal,
    "weather": _f_weather,
    "rates": _f_rates,
    "crypto": _f_crypto,
    "signups_pg": _f_signups_pg,
    "orders_mongo": _f_orders_mongo,
    "plausible": _f_plausible,
    "zendesk": _f_zendesk,
    "sentry": _f_sentry,
    "health": _f_health,
    "airtable": _f_airtable,
    "notion": _f_notion,
    "sheets": _f_sheets,
    "mysql": _f_mysql,
    "rss": _f_rss,
    "nasa": _f_nasa,
}
