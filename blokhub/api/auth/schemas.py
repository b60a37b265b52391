from __future__ import annotations

from typing import Annotated

import msgspec

from blokhub.api.auth.passwords import MAX_LENGTH, MIN_LENGTH
from blokhub.api.schemas import END, SPACE, Input, Output
from blokhub.api.users.schemas import Me

Username = Annotated[
    str, msgspec.Meta(min_length=3, max_length=32, pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?" + END)
]
Email = Annotated[
    str, msgspec.Meta(min_length=3, max_length=254, pattern=rf"^[^@{SPACE}]+@[^@{SPACE}]+\.[^@{SPACE}]+{END}")
]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
# A password being chosen: the length rule of blokhub.api.auth.passwords, so the schema says it too.
NewPassword = Annotated[str, msgspec.Meta(min_length=MIN_LENGTH, max_length=MAX_LENGTH)]


class RegisterIn(Input):
    username: Username
    email: Email
    password: NewPassword
    display_name: Annotated[str, msgspec.Meta(max_length=80)] | None = None


class LoginIn(Input):
    login: Annotated[str, msgspec.Meta(min_length=1, max_length=254)]
    password: Password


class RefreshIn(Input):
    refresh_token: Annotated[str, msgspec.Meta(min_length=1, max_length=4096)]


class PasswordChangeIn(Input):
    current_password: Password
    new_password: NewPassword


class TokenPair(Output):
    user: Me
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"
