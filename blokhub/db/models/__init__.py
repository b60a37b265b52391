"""ORM models, one file per table; importing this package registers every mapper."""

from blokhub.db.models.activity import Activity
from blokhub.db.models.ai import AiConversation, AiMessage
from blokhub.db.models.auth_session import AuthSession
from blokhub.db.models.comment import DELETED_BODY, Comment
from blokhub.db.models.embedding import EmbeddingCacheEntry
from blokhub.db.models.favorite import Favorite
from blokhub.db.models.follow import Follow
from blokhub.db.models.notification import Notification, NotificationMute
from blokhub.db.models.outbox import OutboxEvent
from blokhub.db.models.refresh_token import RefreshToken
from blokhub.db.models.report import Report
from blokhub.db.models.review import Review
from blokhub.db.models.search import SavedSearch, SavedSearchMatch, SearchQueryStat
from blokhub.db.models.user import Role, User
from blokhub.db.models.workflow import Visibility, Workflow, listed_sql
from blokhub.db.models.workflow_version import WorkflowDailyViews, WorkflowVersion

__all__ = [
    "DELETED_BODY",
    "Activity",
    "AiConversation",
    "AiMessage",
    "AuthSession",
    "Comment",
    "EmbeddingCacheEntry",
    "Favorite",
    "Follow",
    "Notification",
    "NotificationMute",
    "OutboxEvent",
    "RefreshToken",
    "Report",
    "Review",
    "Role",
    "SavedSearch",
    "SavedSearchMatch",
    "SearchQueryStat",
    "User",
    "Visibility",
    "Workflow",
    "WorkflowDailyViews",
    "WorkflowVersion",
    "listed_sql",
]
