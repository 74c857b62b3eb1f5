"""FAISS inner-product index keyed by object id: flat below a size threshold, HNSW above.

Updates are in place: a flat IndexIDMap2 removes and re-adds the id; HNSW
cannot remove, so a changed id is tombstoned in the graph and its new vector
kept in a small exact overlay until the next compaction.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HNSW_THRESHOLD = 20_000
HNSW_M = 32
HNSW_EF_SEARCH = 96


_configured = False


def _faiss():
    global _configured
    # lazy: faiss is loaded only when a vector index is built or read
    import faiss

    if not _configured:
        # One query at a time gains nothing from OpenMP here, and on shared cores its
        # spinning threads cost more than they save (same finding as for the encoder).
        faiss.omp_set_num_threads(1)
        _configured = True
    return faiss


class VectorIndex:
    def __init__(self, dim: int, *, expected: int = 0) -> None:
        faiss = _faiss()
        self.dim = dim
        self.hnsw = expected >= HNSW_THRESHOLD
        if dim == 0:
            self.index = None
        elif self.hnsw:
            base = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            base.hnsw.efConstruction = 80
            base.hnsw.efSearch = HNSW_EF_SEARCH
            self.index = faiss.IndexIDMap2(base)
        else:
            self.index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self.tombstones: set[int] = set()
        self.overlay: dict[int, np.ndarray] = {}
        self.present: set[int] = set()

    def __len__(self) -> int:
        return len(self.present)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if self.index is None or len(ids) == 0:
            return
        self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))
        self.present.update(int(i) for i in ids)

    def upsert(self, object_id: int, vector: np.ndarray) -> None:
        if self.index is None:
            return
        if object_id in self.present and not self.hnsw:
            self.index.remove_ids(np.asarray([object_id], dtype=np.int64))
            self.present.discard(object_id)
        if self.hnsw:
            if object_id in self.present:
                self.tombstones.add(object_id)
            self.overlay[object_id] = np.asarray(vector, dtype=np.float32).ravel()
        else:
            self.add(np.asarray([object_id]), np.asarray(vector, dtype=np.float32)[None, :])

    def remove(self, object_id: int) -> None:
        if self.index is None:
            return
        self.overlay.pop(object_id, None)
        if object_id in self.present:
            if self.hnsw:
                self.tombstones.add(object_id)
            else:
                self.index.remove_ids(np.asarray([object_id], dtype=np.int64))
                self.present.discard(object_id)

    def search(self, query: np.ndarray, k: int) -> dict[int, float]:
        if self.index is None or self.index.ntotal == 0 and not self.overlay:
            return {}
        out: dict[int, float] = {}
        if self.index.ntotal:
            fetch = min(self.index.ntotal, k + len(self.tombstones))
            scores, ids = self.index.search(np.asarray(query, dtype=np.float32)[None, :], fetch)
            for s, i in zip(scores[0], ids[0]):
                if i >= 0 and int(i) not in self.tombstones:
                    out[int(i)] = float(s)
        for i, v in self.overlay.items():
            out[i] = float(v @ query)
        if len(out) > k:
            out = dict(sorted(out.items(), key=lambda kv: -kv[1])[:k])
        return out

    def similarities(self, query: np.ndarray, object_ids: list[int]) -> dict[int, float]:
        """Exact cosine of the query with each given object that has a vector."""
        if self.index is None:
            return {}
        out = {i: float(self.overlay[i] @ query) for i in object_ids if i in self.overlay}
        stored = [i for i in object_ids if i not in out and i in self.present and i not in self.tombstones]
        if stored:
            matrix = np.vstack([self.index.reconstruct(i) for i in stored])
            out.update(zip(stored, (matrix @ np.asarray(query, dtype=np.float32)).tolist()))
        return out

    # ------------------------------------------------------------ persistence
    def save(self, path: Path) -> None:
        if self.index is not None:
            _faiss().write_index(self.index, str(path))

    def load(self, path: Path) -> None:
        if self.dim and path.exists():
            self.index = _faiss().read_index(str(path))
            if self.hnsw:
                _faiss().downcast_index(self.index.index).hnsw.efSearch = HNSW_EF_SEARCH
