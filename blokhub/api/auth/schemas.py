from __future__ import annotations

from typing import Annotated

import msgspec

from blokhub.api.schemas import Input, Output
from blokhub.api.users.schemas import Me

Username = Annotated[
    str, msgspec.Meta(min_length=3, max_length=32, pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$")
]
Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


class RegisterIn(Input):
    username: Username
    email: Email
    password: Password
    display_name: Annotated[str, msgspec.Meta(max_length=80)] | None = None


class LoginIn(Input):
    login: Annotated[str, msgspec.Meta(min_length=1, max_length=254)]
    password: Password


class RefreshIn(Input):
    refresh_token: Annotated[str, msgspec.Meta(min_length=1, max_length=4096)]


class PasswordChangeIn(Input):
    current_password: Password
    new_password: Password


class TokenPair(Output):
    user: Me
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"
