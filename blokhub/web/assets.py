"""Static files held in memory, compressed once at start-up.

The app's own files are a few dozen kilobytes; the Swagger UI bundle is about two megabytes. Reading and gzipping
them once per process keeps every request a dictionary lookup, and lets a response carry a strong ETag so a
revisit costs a 304. Brotli is used when the optional ``brotli`` module is importable; gzip otherwise."""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

STATIC_DIR = Path(__file__).parent / "static"
_COMPRESSIBLE = (".js", ".css", ".html", ".svg", ".json", ".txt", ".map")
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}


def _brotli() -> ModuleType | None:
    try:
        import brotli
    except ImportError:  # optional: gzip is always there
        return None
    module: ModuleType = brotli
    return module


_BROTLI = _brotli()


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzip: bytes | None
    brotli: bytes | None
    media_type: str
    etag: str

    def encoded(self, accept_encoding: str) -> tuple[bytes, str | None]:
        """The smallest body the client accepts, and its Content-Encoding."""
        accepted = {part.split(";")[0].strip().lower() for part in accept_encoding.split(",")}
        if self.brotli is not None and "br" in accepted:
            return self.brotli, "br"
        if self.gzip is not None and "gzip" in accepted:
            return self.gzip, "gzip"
        return self.body, None


def _load(path: Path) -> Asset:
    return make_asset(path.name, path.read_bytes())


def make_asset(name: str, body: bytes) -> Asset:
    suffix = Path(name).suffix.lower()
    media_type = _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    compress = suffix in _COMPRESSIBLE and len(body) > 512
    return Asset(
        body=body,
        gzip=gzip.compress(body, compresslevel=9, mtime=0) if compress else None,
        brotli=_BROTLI.compress(body) if compress and _BROTLI is not None else None,
        media_type=media_type,
        etag='"' + hashlib.sha256(body).hexdigest()[:20] + '"',
    )


class AssetStore:
    """Every file under a directory, keyed by its relative POSIX path; nothing outside it can be named."""

    def __init__(self, root: Path = STATIC_DIR) -> None:
        self.root = root
        self._assets: dict[str, Asset] = {}
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    self._assets[path.relative_to(root).as_posix()] = _load(path)

    def get(self, name: str) -> Asset | None:
        return self._assets.get(name.lstrip("/"))

    def has(self, name: str) -> bool:
        return name in self._assets

    def names(self) -> list[str]:
        return sorted(self._assets)
