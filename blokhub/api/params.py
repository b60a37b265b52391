"""Typed request parameters whose bounds are PostgreSQL's: a value the database cannot hold never reaches it.

An id beyond ``bigint`` (or a version beyond ``integer``) is a request for something that cannot exist: it is refused
as a validation error (422) by the framework, and the published schema carries the same bounds.
"""

from __future__ import annotations

from typing import Annotated

from litestar.params import PathParameter

BIGINT_MAX = 2**63 - 1
INTEGER_MAX = 2**31 - 1

# A row id in the path (workflows, comments, reports, conversations, saved searches ...).
PathId = Annotated[int, PathParameter(ge=1, le=BIGINT_MAX)]
# A version number in the path (versions are ``integer`` columns).
PathVersion = Annotated[int, PathParameter(ge=1, le=INTEGER_MAX)]
# Free text in the path (usernames): bounded like the longest value it can name.
PathName = Annotated[str, PathParameter(min_length=1, max_length=254)]
