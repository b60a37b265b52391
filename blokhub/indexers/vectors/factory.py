"""Engine selection: a Qdrant server when its URL is configured, Qdrant Edge in the data dir otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from blokhub.indexers.vectors._edge_share import SharedVectorEngine, socket_path
from blokhub.indexers.vectors.edge_engine import EdgeVectorEngine
from blokhub.indexers.vectors.protocol import VectorEngine

# "alone": the only process using the embedded index; "owner": also answers the other API processes' reads;
# "follower": one of those other processes (see `serve --processes`).
IndexRole = Literal["alone", "owner", "follower"]


def create_vector_engine(
    *, data_dir: Path, qdrant_url: str | None, qdrant_api_key: str | None, role: IndexRole = "alone"
) -> VectorEngine:
    """Build (not open) the configured engine; the caller opens it in its lifespan and closes it at shutdown."""
    if qdrant_url:
        # Imported lazily: the embedded setup never needs qdrant-client's HTTP/gRPC stack.
        from blokhub.indexers.vectors.server_engine import ServerVectorEngine

        return ServerVectorEngine(url=qdrant_url, api_key=qdrant_api_key)
    path = data_dir / "vectors"
    if role == "follower":
        return SharedVectorEngine(socket_path(path))
    return EdgeVectorEngine(path, share_at=socket_path(path) if role == "owner" else None)
