from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from blokhub.api.auth import services
from blokhub.api.auth.schemas import LoginIn, PasswordChangeIn, RefreshIn, RegisterIn, TokenPair
from blokhub.api.deps import DB, CurrentUser, Res, claims_of
from blokhub.api.users.schemas import me_of


def _pair(issued: services.Issued) -> TokenPair:
    return TokenPair(
        user=me_of(issued.user),
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        expires_in=issued.expires_in,
    )


def client_ip(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


class AuthController(Controller):
    path = "/auth"
    tags = ["accounts"]

    @post("/register", status_code=HTTP_201_CREATED, operation_id="register")
    async def register(
        self, request: Request[Any, Any, Any], data: JSONBody[RegisterIn], db: DB, resources: Res
    ) -> TokenPair:
        return _pair(await services.register(db, resources, data, request.headers.get("user-agent")))

    @post("/login", status_code=HTTP_200_OK, operation_id="login")
    async def login(
        self, request: Request[Any, Any, Any], data: JSONBody[LoginIn], db: DB, resources: Res
    ) -> TokenPair:
        return _pair(await services.login(db, resources, data, client_ip(request), request.headers.get("user-agent")))

    @post("/refresh", status_code=HTTP_200_OK, operation_id="refresh")
    async def refresh(self, data: JSONBody[RefreshIn], db: DB, resources: Res) -> TokenPair:
        return _pair(await services.refresh(db, resources, data.refresh_token))

    @post("/logout", status_code=HTTP_204_NO_CONTENT, operation_id="logout")
    async def logout(self, request: Request[Any, Any, Any], user: CurrentUser, db: DB, resources: Res) -> None:
        await services.logout(db, resources, user, claims_of(request))


class PasswordController(Controller):
    path = "/me/password"
    tags = ["accounts"]

    @post("/", status_code=HTTP_204_NO_CONTENT, operation_id="changePassword")
    async def change(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[PasswordChangeIn],
        user: CurrentUser,
        db: DB,
        resources: Res,
    ) -> None:
        await services.change_password(
            db, resources.redis, user, claims_of(request), data.current_password, data.new_password
        )
