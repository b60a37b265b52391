"""Repairs to Litestar's routing that the API's contract depends on."""

from __future__ import annotations

from litestar import Litestar
from litestar.routes import HTTPRoute


def fix_options_allow(app: Litestar) -> None:
    """Make ``OPTIONS`` answer ``Allow`` with every method of its path.

    Litestar (2.x) builds a route's automatic OPTIONS handler when the first handler of a path is registered and
    keeps it when later handlers of the same path are merged into a new route; the handler still lists the first
    route's methods (``OPTIONS /me`` said ``GET, OPTIONS`` without ``PATCH``). Point each such handler at the route
    that serves it now.
    """
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "OPTIONS" not in route.route_handler_map:
            continue
        handler, _ = route.route_handler_map["OPTIONS"]
        for cell in getattr(handler.fn, "__closure__", None) or ():
            if isinstance(cell.cell_contents, HTTPRoute) and cell.cell_contents is not route:
                cell.cell_contents = route
