"""The steps that read a source's data: enrichment calls after a webhook, and the fetch step of a polled source.

Most are one HTTP request, described as data in ``data/sources.json`` (``requests``: step name, method, URL under a
service's API from the service catalogue, bearer secret, extra headers, body). The few that draw from the workflow's
random stream or use a database node are code, below. Sources name their step by key (``fetch``/``enrich``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from blokhub.ai.service_catalogue import api
from blokhub.seed.corpus_build import Ctx, Step, bearer, call, json_headers, pg_conn
from blokhub.seed.tables import load

_TEXTS = load("texts")

StepBuilder = Callable[[Ctx], Step]

_CITIES: tuple[tuple[str, str, str], ...] = _TEXTS["cities"]


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


_CODED: dict[str, StepBuilder] = {
    "weather": _f_weather,
    "signups_pg": _f_signups_pg,
    "orders_mongo": _f_orders_mongo,
    "mysql": _f_mysql,
    "rss": _f_rss,
}


def _request(spec: dict[str, Any]) -> StepBuilder:
    url = api(spec["api"]) + spec["url"] if "api" in spec else spec["url"]

    def build(c: Ctx) -> Step:
        if "bearer" in spec:
            headers = bearer(c, spec["bearer"])
            headers.update(spec.get("headers", {}))
        else:
            headers = dict(spec["headers"]) if "headers" in spec else json_headers()
        c.env.extend(spec.get("env", ()))
        body = copy.deepcopy(spec["body"]) if "body" in spec else None
        return call(c, spec["step"], spec["method"], url, headers, body, set_var=True)

    return build


STEPS: dict[str, StepBuilder] = {
    **{name: _request(spec) for name, spec in load("sources")["requests"].items()},
    **_CODED,
}
