"""BM25 on a scipy sparse matrix, with rows replaceable in place.

bm25s and scikit-learn build immutable indexes; a profile edit would mean a
full rebuild. Here the snapshot matrix (documents x terms, BM25 weights
precomputed, column-sliced at query time) is immutable, and changed documents
live in a small overlay scored with the snapshot's IDF until the next
compaction. Scoring a query touches only the query's columns.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

K1 = 1.2
B = 0.75
BIGRAM_QUERY_WEIGHT = 0.5  # '#'-prefixed character bigrams count half in a query


class Bm25:
    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.idf = np.zeros(0, dtype=np.float32)
        self.avg_len = 1.0
        self.ids = np.zeros(0, dtype=np.int64)
        self.row_of: dict[int, int] = {}
        self.alive = np.zeros(0, dtype=bool)
        self.matrix = sparse.csc_matrix((0, 0), dtype=np.float32)
        self.overlay: dict[int, dict[int, float]] = {}

    # ------------------------------------------------------------ building
    def build(self, items: Iterable[tuple[int, Sequence[str]]]) -> None:
        """Index (object id, tokens) pairs; `items` may be a generator (streamed, so 100k
        profiles never sit in memory as token lists: only compact term-id arrays do)."""
        vocab: dict[str, int] = {}
        rows, cols, vals = array("i"), array("i"), array("f")
        lengths = array("f")
        ids = array("q")
        for r, (object_id, doc) in enumerate(items):
            ids.append(object_id)
            counts = Counter(doc)
            lengths.append(len(doc))
            for term, tf in counts.items():
                rows.append(r)
                cols.append(vocab.setdefault(term, len(vocab)))
                vals.append(tf)
        n = len(lengths)
        row_a = np.frombuffer(rows, dtype=np.int32)
        col_a = np.frombuffer(cols, dtype=np.int32)
        tf_a = np.frombuffer(vals, dtype=np.float32)
        len_a = np.frombuffer(lengths, dtype=np.float32)
        df = np.bincount(col_a, minlength=len(vocab)).astype(np.float32)
        self.idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        self.avg_len = float(len_a.mean()) if n else 1.0
        norm = K1 * (1 - B + B * len_a / max(self.avg_len, 1e-6))
        weights = tf_a * (K1 + 1) / (tf_a + norm[row_a]) * self.idf[col_a]
        self.matrix = sparse.csc_matrix((weights.astype(np.float32), (row_a, col_a)), shape=(n, len(vocab)))
        self.vocab = vocab
        self.ids = np.asarray(ids, dtype=np.int64)
        self.row_of = {int(i): r for r, i in enumerate(self.ids)}
        self.alive = np.ones(n, dtype=bool)
        self.overlay = {}

    def _weights(self, doc: Sequence[str]) -> dict[int, float]:
        counts = Counter(doc)
        length = len(doc)
        norm = K1 * (1 - B + B * length / max(self.avg_len, 1e-6))
        out = {}
        for term, tf in counts.items():
            c = self.vocab.get(term)
            if c is not None:
                out[c] = float(tf * (K1 + 1) / (tf + norm) * self.idf[c])
        return out

    def upsert(self, object_id: int, doc: Sequence[str]) -> None:
        row = self.row_of.get(object_id)
        if row is not None:
            self.alive[row] = False
        self.overlay[object_id] = self._weights(doc)

    def remove(self, object_id: int) -> None:
        row = self.row_of.get(object_id)
        if row is not None:
            self.alive[row] = False
        self.overlay.pop(object_id, None)

    def __len__(self) -> int:
        return int(self.alive.sum()) + len(self.overlay)

    # ------------------------------------------------------------ scoring
    def query_vector(self, query: Iterable[str]) -> dict[int, float]:
        q: dict[int, float] = {}
        for term in query:
            c = self.vocab.get(term)
            if c is not None:
                q[c] = q.get(c, 0.0) + (BIGRAM_QUERY_WEIGHT if term.startswith("#") else 1.0)
        # repeated query terms saturate instead of counting linearly
        return {c: 1.0 + math.log(w) if w > 1 else w for c, w in q.items()}

    def score_all(self, query: Iterable[str]) -> Scores:
        """Every document's score for a query, from one product over the query's columns."""
        q = self.query_vector(query)
        rows = np.zeros(self.matrix.shape[0], dtype=np.float32)
        if q and self.matrix.shape[0]:
            cols = np.fromiter(q.keys(), dtype=np.int64)
            w = np.fromiter(q.values(), dtype=np.float32)
            rows = np.asarray(self.matrix[:, cols] @ w, dtype=np.float32).ravel()
            rows[~self.alive] = 0.0
        overlay = {i: sum(d.get(c, 0.0) * w for c, w in q.items()) for i, d in self.overlay.items()} if q else {}
        return Scores(self, rows, overlay)

    def top(self, query: Iterable[str], k: int) -> dict[int, float]:
        return self.score_all(query).top(k)

    def score_ids(self, query: Iterable[str], object_ids: Iterable[int]) -> dict[int, float]:
        """Scores of the given documents only (candidates from other channels)."""
        return self.score_all(query).of(object_ids)


class Scores:
    """One query's BM25 scores over a snapshot and its overlay."""

    def __init__(self, index: Bm25, rows: np.ndarray, overlay: dict[int, float]) -> None:
        self.index, self.rows, self.overlay = index, rows, overlay

    def top(self, k: int) -> dict[int, float]:
        """The k best documents with a positive score."""
        nz = np.flatnonzero(self.rows)
        ids = np.concatenate([self.index.ids[nz], np.fromiter(self.overlay.keys(), dtype=np.int64)])
        s = np.concatenate([self.rows[nz], np.fromiter(self.overlay.values(), dtype=np.float32)])
        if len(s) > k:
            keep = np.argpartition(-s, k)[:k]
            ids, s = ids[keep], s[keep]
        return {int(i): float(v) for i, v in zip(ids, s) if v > 0}

    def of(self, object_ids: Iterable[int]) -> dict[int, float]:
        out: dict[int, float] = {}
        for i in object_ids:
            if i in self.overlay:
                out[i] = float(self.overlay[i])
            elif (r := self.index.row_of.get(i)) is not None and self.index.alive[r]:
                out[i] = float(self.rows[r])
        return out
