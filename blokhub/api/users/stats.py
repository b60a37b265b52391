"""Profile counters, read from the counters kept on the user row (no per-request aggregation)."""

from __future__ import annotations

from blokhub.api.users.schemas import ProfileStats
from blokhub.db.models import User


def stats_of(user: User) -> ProfileStats:
    # Reputation rewards what others do with your work, not how much you post.
    reputation = user.favorites_received * 5 + user.followers_count * 2
    return ProfileStats(
        workflows=user.workflows_count,
        followers=user.followers_count,
        following=user.following_count,
        favorites_received=user.favorites_received,
        reputation=reputation,
    )
