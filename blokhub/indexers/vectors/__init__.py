"""Vectors: the `VectorEngine` protocol, its value types, the two engines (Qdrant Edge, Qdrant server) and the
embedder that turns workflow text into all-MiniLM-L6-v2 vectors.

Importing this package stays cheap: torch loads on the embedder's first use, qdrant-client with the server
engine.
"""

from blokhub.indexers.vectors.cache import EmbeddingCache, LRUEmbeddingCache
from blokhub.indexers.vectors.edge_engine import EdgeVectorEngine
from blokhub.indexers.vectors.embedder import Embedder, text_hash
from blokhub.indexers.vectors.factory import create_vector_engine
from blokhub.indexers.vectors.protocol import VectorEngine
from blokhub.indexers.vectors.text import workflow_text
from blokhub.indexers.vectors.vector_types import (
    COLLECTION,
    DIMENSIONS,
    Vector,
    VectorFilter,
    VectorHit,
    VectorLike,
    VectorPoint,
)

__all__ = [
    "COLLECTION",
    "DIMENSIONS",
    "EdgeVectorEngine",
    "Embedder",
    "EmbeddingCache",
    "LRUEmbeddingCache",
    "Vector",
    "VectorEngine",
    "VectorFilter",
    "VectorHit",
    "VectorLike",
    "VectorPoint",
    "create_vector_engine",
    "text_hash",
    "workflow_text",
]
