from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, WebSocket, delete, get, post, put, websocket
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from blokhub.api.auth.tokens import authenticate
from blokhub.api.deps import DB, CurrentUser
from blokhub.api.errors import Unauthorized
from blokhub.api.notifications import services
from blokhub.api.notifications.hub import NotificationHub
from blokhub.api.notifications.schemas import MarkReadIn, MarkReadOut, NotificationPage
from blokhub.api.notifications.socket import LiveSocket
from blokhub.api.params import PathId
from blokhub.api.workflows.access import get_visible
from blokhub.runtime.resources import Resources


class NotificationController(Controller):
    path = "/notifications"
    tags = ["notifications"]

    @get("/", operation_id="listNotifications")
    async def index(
        self,
        user: CurrentUser,
        db: DB,
        unread: FromQuery[bool] = False,
        cursor: Annotated[str | None, QueryParameter(max_length=1000)] = None,
        limit: Annotated[int | None, QueryParameter(ge=1, le=100)] = None,
    ) -> NotificationPage:
        items, next_cursor = await services.list_notifications(db, user, unread=unread, cursor=cursor, limit=limit)
        return NotificationPage(items=items, next_cursor=next_cursor, unread=await services.unread_count(db, user.id))

    @post("/read", status_code=200, operation_id="markNotificationsRead")
    async def mark_read(self, user: CurrentUser, db: DB, data: JSONBody[MarkReadIn | None] = None) -> MarkReadOut:
        """Mark the given ids read, or all of them when no ids are sent."""
        marked = await services.mark_read(db, user, data.ids if data else None)
        return MarkReadOut(marked=marked, unread=await services.unread_count(db, user.id))


class MuteController(Controller):
    path = "/workflows/{workflow_id:int}/mute"
    tags = ["notifications"]

    @put("/", status_code=HTTP_204_NO_CONTENT, operation_id="muteWorkflow")
    async def mute(self, workflow_id: PathId, user: CurrentUser, db: DB) -> None:
        """Stop notifications about this workflow."""
        await get_visible(db, user, workflow_id)
        await services.set_mute(db, user, workflow_id, True)

    @delete("/", status_code=HTTP_204_NO_CONTENT, operation_id="unmuteWorkflow")
    async def unmute(self, workflow_id: PathId, user: CurrentUser, db: DB) -> None:
        await services.set_mute(db, user, workflow_id, False)


def _token(socket: WebSocket[Any, Any, Any]) -> str | None:
    header = socket.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return socket.query_params.get("token")


def _reason(message: str) -> str:
    """A close reason: the refusal in words, within the 123 bytes a close frame allows."""
    text = f"unauthorized: {message}"
    return text.encode()[:123].decode(errors="ignore")


@websocket(["/ws"], name="notifications-ws")
async def notifications_ws(socket: WebSocket[Any, Any, Any]) -> None:
    """Authenticated push channel: `Authorization: Bearer <token>` header, or `?token=` for browsers.

    Sends `{"type": "hello", "unread": n}` once, then `{"type": "notification", "notification": {...}, "unread": n}`
    the moment one is created on any replica, rendered when it is sent under what the reader may see then (`unread`
    is the count after it: grouped notifications do not add one). Send `ping` to get `pong`. A client
    that falls 100 messages behind is disconnected (code 4008). When the socket's session ends (logout, password
    change elsewhere, refresh-token reuse, ban) it is closed with code 4401 and reason `session ended: <why>`."""
    resources: Resources = socket.app.state.resources
    hub: NotificationHub = socket.app.state.hub
    token = _token(socket)
    try:
        if token is None:
            raise Unauthorized("missing token")
        user, claims = await authenticate(token, resources)
    except Unauthorized as exc:
        # Accept, then close with a code and a reason: refusing before the handshake is a bare HTTP 403 that
        # tells the client nothing.
        await socket.accept()
        await socket.close(code=4401, reason=_reason(exc.message))
        return
    await socket.accept()
    await LiveSocket(socket, resources, hub, user, str(claims["session_id"])).run()
