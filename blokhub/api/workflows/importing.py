"""Raw-file import: the body is the workflow file, its Content-Type (or the upload's name) says the format."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile

from blokhub.api.errors import Unprocessable, UnsupportedMediaType

MEDIA_TYPES = {
    "application/json": "json",
    "text/json": "json",
    "application/yaml": "yaml",
    "application/x-yaml": "yaml",
    "text/yaml": "yaml",
    "text/x-yaml": "yaml",
    "application/toml": "toml",
    "text/toml": "toml",
    "application/x-toml": "toml",
}
EXTENSIONS = {"json": "json", "yaml": "yaml", "yml": "yaml", "toml": "toml"}


def _format_of_media(content_type: str) -> str | None:
    return MEDIA_TYPES.get(content_type.split(";")[0].strip().lower())


async def read_upload(request: Request[Any, Any, Any]) -> tuple[bytes, str]:
    """Return (file bytes, format) from a raw body or a multipart ``file`` part."""
    content_type = request.headers.get("content-type", "")
    if content_type.lower().startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Unprocessable(
                "Send the workflow file in a multipart field named `file`.",
                code="file_required",
                details=[{"pointer": "/file", "message": "missing"}],
            )
        ext = upload.filename.rsplit(".", 1)[-1].lower() if "." in (upload.filename or "") else ""
        fmt = EXTENSIONS.get(ext) or _format_of_media(upload.content_type or "")
        if fmt is None:
            raise UnsupportedMediaType(
                "Name the file .json, .yaml or .toml (or give the part a matching Content-Type)."
            )
        return await upload.read(), fmt
    fmt = _format_of_media(content_type)
    if fmt is None:
        raise UnsupportedMediaType(
            f"Unsupported Content-Type {content_type or '(none)'!r}: send application/json, application/yaml or "
            "application/toml, or a multipart upload with a `file` field."
        )
    return await request.body(), fmt
