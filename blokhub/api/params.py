"""Integer parameters as PostgreSQL stores them: ids are ``bigint``, version numbers ``integer``.

The limits are both enforced (a value outside them is a 422, never a database error) and published in the
OpenAPI document, so a client and a fuzzer see the same range the database accepts.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.params import Parameter

BIGINT_MAX = 2**63 - 1
INTEGER_MAX = 2**31 - 1

# Path parameters
PathId = Annotated[int, Parameter(ge=1, le=BIGINT_MAX, description="A numeric id (1 to 2^63-1).")]
PathVersion = Annotated[int, Parameter(ge=1, le=INTEGER_MAX, description="A version number (1 to 2^31-1).")]

# Query parameters
QueryVersion = Annotated[int, Parameter(ge=1, le=INTEGER_MAX)]

# Fields of request bodies
Id = Annotated[int, msgspec.Meta(ge=1, le=BIGINT_MAX)]
Version = Annotated[int, msgspec.Meta(ge=1, le=INTEGER_MAX)]
