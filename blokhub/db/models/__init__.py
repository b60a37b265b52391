"""ORM models, one file per table; importing this package registers every mapper."""

from blokhub.db.models.auth_session import AuthSession
from blokhub.db.models.outbox import OutboxEvent
from blokhub.db.models.refresh_token import RefreshToken
from blokhub.db.models.user import Role, User
from blokhub.db.models.workflow import Visibility, Workflow
from blokhub.db.models.workflow_version import WorkflowVersion

__all__ = ["AuthSession", "OutboxEvent", "RefreshToken", "Role", "User", "Visibility", "Workflow", "WorkflowVersion"]
