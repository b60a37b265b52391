from __future__ import annotations

from litestar import Controller, get, patch
from litestar.params import FromPath, JSONBody

from blokhub.api.deps import DB, CurrentUser
from blokhub.api.users import services
from blokhub.api.users.schemas import Me, MeUpdate, Profile, me_of, profile_of


class MeController(Controller):
    path = "/me"
    tags = ["accounts"]

    @get("/", operation_id="getMe")
    async def get_me(self, user: CurrentUser, db: DB) -> Me:
        return me_of(user, await services.stats_of(db, user))

    @patch("/", operation_id="updateMe")
    async def update_me(self, data: JSONBody[MeUpdate], user: CurrentUser, db: DB) -> Me:
        user = await services.update_me(db, user, data)
        return me_of(user, await services.stats_of(db, user))


class UsersController(Controller):
    path = "/users"
    tags = ["users"]

    @get("/{username:str}", operation_id="getProfile")
    async def profile(self, username: FromPath[str], db: DB) -> Profile:
        user = await services.get_by_username(db, username)
        return profile_of(user, await services.stats_of(db, user))
