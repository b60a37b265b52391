from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from blokhub.api.schemas import END, SPACE, Input, Output
from blokhub.db.models import User

Url = Annotated[str, msgspec.Meta(max_length=500, pattern=rf"^https?://[^{SPACE}]+{END}")]


class Link(Input):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
    url: Url


class LinkOut(Output):
    title: str
    url: str


class ProfileStats(Output):
    workflows: int = 0
    followers: int = 0
    following: int = 0
    favorites_received: int = 0
    reputation: int = 0


class Profile(Output):
    username: str
    display_name: str
    bio: str
    avatar_url: str | None
    links: list[LinkOut]
    role: str
    created_at: datetime
    stats: ProfileStats


class Me(Profile):
    id: int
    email: str


class UserRef(Output):
    username: str
    display_name: str


class MeUpdate(Input):
    display_name: Annotated[str, msgspec.Meta(max_length=80)] | None = None
    bio: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    avatar_url: Url | None = None
    links: Annotated[list[Link], msgspec.Meta(max_length=10)] | None = None


def _links(user: User) -> list[LinkOut]:
    return [LinkOut(title=str(item.get("title", "")), url=str(item.get("url", ""))) for item in user.links or []]


def profile_of(user: User, stats: ProfileStats | None = None) -> Profile:
    return Profile(
        username=user.username,
        display_name=user.display_name,
        bio=user.bio,
        avatar_url=user.avatar_url,
        links=_links(user),
        role=user.role,
        created_at=user.created_at,
        stats=stats or ProfileStats(),
    )


def me_of(user: User, stats: ProfileStats | None = None) -> Me:
    return Me(
        id=user.id,
        email=user.email,
        username=user.username,
        display_name=user.display_name,
        bio=user.bio,
        avatar_url=user.avatar_url,
        links=_links(user),
        role=user.role,
        created_at=user.created_at,
        stats=stats or ProfileStats(),
    )
