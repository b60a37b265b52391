"""The server vector engine: Qdrant through `qdrant_client.AsyncQdrantClient`, used when `QDRANT_URL` is set.

Behaves like the Edge engine (one contract suite runs against both, and against qdrant-client's local mode):

* `workflows` is an **alias** to a concrete collection `workflows_<ns>`: `rebuild` fills a new collection,
  replays the writes that arrived meanwhile, and moves the alias in one atomic alias operation, so readers never
  see an empty or partial collection; the old one is dropped afterwards. A plain collection named `workflows`
  (made by hand) is used as is until the first rebuild replaces it (with a brief gap: Qdrant cannot alias over an
  existing collection name). A live collection with another vector size or distance is replaced by a fresh empty
  one on open (the convergence check then reindexes).
* Writes wait for the server to apply them (`wait=True`), so the next search sees them; one writer per process
  (the journal that carries writes over a rebuild only sees this process's writes; the outbox's convergence
  check covers the rest, as for the search engines).
* Payload indexes for every filtered field, HNSW m=16 / ef_construct=100 as on Edge.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field

import anyio
from qdrant_client import AsyncQdrantClient, models

from blokhub.indexers.vectors import _server_convert as convert
from blokhub.indexers.vectors._query import cosine_from_best_score, plan_filter
from blokhub.indexers.vectors.vector_types import (
    COLLECTION,
    Vector,
    VectorFilter,
    VectorHit,
    VectorLike,
    VectorPoint,
    as_vector,
    point_id,
    to_hits,
    to_vector,
)

log = logging.getLogger(__name__)
_ID_PAGE = 10_000


@dataclass(frozen=True, slots=True)
class _Op:
    upserts: list[models.Batch] = field(default_factory=list)
    deletes: list[int] = field(default_factory=list)


class ServerVectorEngine:
    name = "qdrant"

    def __init__(
        self,
        url: str | None = None,
        api_key: str | None = None,
        *,
        client: AsyncQdrantClient | None = None,
        collection: str = COLLECTION,
        write_batch: int = 256,
        timeout: int = 30,
    ) -> None:
        if (url is None) == (client is None):
            raise ValueError("pass either a Qdrant URL or an existing AsyncQdrantClient")
        self.url = url
        self.collection = collection  # the alias every read and write goes through
        self._api_key = api_key
        self._timeout = timeout
        self._owns_client = client is None  # a client passed in (tests: local mode) is closed by its owner
        self._client = client
        self._write_batch = write_batch
        self._write_lock = anyio.Lock()
        self._rebuild_lock = anyio.Lock()
        self._journal: list[_Op] | None = None

    # -- lifecycle ---------------------------------------------------------------------------------------
    @property
    def client(self) -> AsyncQdrantClient:
        if self._client is None:
            raise RuntimeError("the vector engine is not open")
        return self._client

    async def open(self) -> None:
        if self._client is None:
            self._client = AsyncQdrantClient(url=self.url, api_key=self._api_key, timeout=self._timeout)
        target = await self._alias_target()
        if target is None and await self.client.collection_exists(self.collection):
            target = self.collection  # a plain collection of that name
        if target is None or not await self._compatible(target):
            if target is not None:
                log.warning("collection %s has another vector config; starting an empty one", target)
            await self._publish(await self._new_collection(), retire=target)
        else:
            await self._create_indexes(target)

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and self._owns_client:
            await client.close()

    async def ping(self) -> bool:
        try:
            await self.client.get_collections()
        except Exception:
            return False
        return True

    # -- collections and the alias -------------------------------------------------------------------------
    async def _alias_target(self) -> str | None:
        aliases = (await self.client.get_aliases()).aliases
        return next((a.collection_name for a in aliases if a.alias_name == self.collection), None)

    async def _compatible(self, name: str) -> bool:
        info = await self.client.get_collection(name)
        return convert.is_compatible(info.config.params.vectors)

    async def _new_collection(self) -> str:
        name = f"{self.collection}_{time.time_ns()}"
        await self.client.create_collection(name, vectors_config=convert.VECTOR_PARAMS, hnsw_config=convert.HNSW)
        await self._create_indexes(name)
        return name

    async def _create_indexes(self, name: str) -> None:
        for key, schema in convert.PAYLOAD_INDEXES:  # idempotent: an existing index is left as it is
            await self.client.create_payload_index(name, key, field_schema=schema, wait=True)

    async def _publish(self, name: str, retire: str | None) -> None:
        """Point the alias at `name` (atomically when it was already an alias) and drop `retire`."""
        ops: list[models.AliasOperations] = []
        if retire == self.collection:
            await self.client.delete_collection(retire)  # a plain collection in the way: the one gap
        elif retire is not None:
            ops.append(models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=self.collection)))
        ops.append(
            models.CreateAliasOperation(
                create_alias=models.CreateAlias(collection_name=name, alias_name=self.collection)
            )
        )
        try:
            await self.client.update_collection_aliases(ops)
        except Exception:
            await self.client.delete_collection(name)  # another process created the alias first: use theirs
            if retire is not None or await self._alias_target() is None:
                raise
            return
        if retire is not None and retire != self.collection:
            await self.client.delete_collection(retire)

    # -- writes --------------------------------------------------------------------------------------------
    async def _apply(self, name: str, ops: Sequence[_Op]) -> None:
        for op in ops:
            if op.deletes:
                selector = models.PointIdsList(points=list(op.deletes))
                await self.client.delete(name, points_selector=selector, wait=True)
            for batch in op.upserts:
                await self.client.upsert(name, points=batch, wait=True)

    async def _write(self, op: _Op) -> None:
        async with self._write_lock:
            await self._apply(self.collection, [op])
            if self._journal is not None:
                self._journal.append(op)

    async def upsert(self, points: Sequence[VectorPoint]) -> None:
        if points:
            await self._write(_Op(upserts=convert.to_batches(points, self._write_batch)))

    async def delete(self, ids: Sequence[int]) -> None:
        if ids:
            await self._write(_Op(deletes=list(dict.fromkeys(int(i) for i in ids))))

    # -- reads ---------------------------------------------------------------------------------------------
    async def search(
        self, vector: VectorLike, limit: int, filter: VectorFilter | None = None, *, with_vectors: bool = False
    ) -> list[VectorHit]:
        query = as_vector(vector).tolist()
        plan = plan_filter(filter)
        if limit <= 0 or plan.matches_nothing:
            return []
        response = await self.client.query_points(
            self.collection,
            query=query,
            query_filter=convert.to_filter(plan),
            limit=limit,
            with_payload=True,
            with_vectors=with_vectors,
        )
        return to_hits(response.points)

    async def recommend(
        self,
        positive_ids: Sequence[int],
        negative_ids: Sequence[int],
        limit: int,
        filter: VectorFilter | None = None,
        *,
        with_vectors: bool = False,
        examples: Mapping[int, Vector] | None = None,
    ) -> list[VectorHit]:
        positives, negatives = list(dict.fromkeys(positive_ids)), list(dict.fromkeys(negative_ids))
        plan = plan_filter(filter, also_exclude=[*positives, *negatives])
        if limit <= 0 or not positives or plan.matches_nothing:
            return []
        # Examples go by vector, not id: an id the server does not know is an error there, and one can vanish
        # between a check and the query; fetching the vectors first ignores missing ones, as Edge does.
        found = examples if examples is not None else await self.vectors([*positives, *negatives])
        pos = [found[i].tolist() for i in positives if i in found]
        if not pos:
            return []
        neg = [found[i].tolist() for i in negatives if i in found]
        query = models.RecommendQuery(
            recommend=models.RecommendInput(positive=pos, negative=neg, strategy=models.RecommendStrategy.BEST_SCORE)
        )
        response = await self.client.query_points(
            self.collection,
            query=query,
            query_filter=convert.to_filter(plan),  # also excludes the examples themselves
            limit=limit,
            with_payload=True,
            with_vectors=with_vectors,
            score_threshold=0.0,  # best_score is negative exactly for candidates closer to a negative example
        )
        hits = to_hits(response.points)
        for hit in hits:
            hit.score = cosine_from_best_score(hit.score)
        return hits

    async def vectors(self, ids: Sequence[int]) -> dict[int, Vector]:
        if not ids:
            return {}
        records = await self.client.retrieve(
            self.collection, ids=list(dict.fromkeys(int(i) for i in ids)), with_payload=False, with_vectors=True
        )
        return {point_id(r.id): to_vector(r.vector) for r in records if r.vector is not None}

    async def all_ids(self) -> set[int]:
        ids: set[int] = set()
        offset: models.ExtendedPointId | None = None
        while True:
            records, offset = await self.client.scroll(
                self.collection, limit=_ID_PAGE, offset=offset, with_payload=False, with_vectors=False
            )
            ids.update(point_id(r.id) for r in records)
            if offset is None:
                return ids

    async def count(self) -> int:
        return (await self.client.count(self.collection, exact=True)).count

    # -- rebuild -------------------------------------------------------------------------------------------
    async def rebuild(self, points: AsyncIterator[Sequence[VectorPoint]]) -> int:
        async with self._rebuild_lock:
            name = await self._new_collection()
            try:
                async with self._write_lock:
                    self._journal = []
                written = 0
                async for batch in points:
                    if batch:
                        op = _Op(upserts=convert.to_batches(batch, self._write_batch))
                        await self._apply(name, [op])
                        written += sum(len(b.ids) for b in op.upserts)
                async with self._write_lock:
                    journal, self._journal = self._journal or [], None
                    # Writes that reached the live collection during the build, in order, on top of the snapshot.
                    await self._apply(name, journal)
                    live = await self._alias_target()
                    if live is None and await self.client.collection_exists(self.collection):
                        live = self.collection
                    await self._publish(name, retire=live)
            except BaseException:
                self._journal = None
                # Best effort: the build's own error is the one to report.
                with anyio.CancelScope(shield=True), contextlib.suppress(Exception):
                    await self.client.delete_collection(name)
                raise
        return written

    async def optimize(self) -> bool:
        return False  # the server's own optimizer indexes in the background
