"""BM25 on a scipy sparse matrix, with rows replaceable in place.

bm25s and scikit-learn build immutable indexes; a profile edit would mean a
full rebuild. Here the snapshot matrix (documents x terms, BM25 weights
precomputed, column-sliced at query time) is immutable, and changed documents
live in a small overlay scored with the snapshot's IDF until the next
compaction. Scoring a query touches only the query's columns.
"""

from __future__ import annotations

import math
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
    def build(self, ids: Sequence[int], docs: Sequence[Sequence[str]]) -> None:
        vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        lengths = np.zeros(len(docs), dtype=np.float32)
        for r, doc in enumerate(docs):
            counts = Counter(doc)
            lengths[r] = len(doc)
            for term, tf in counts.items():
                c = vocab.setdefault(term, len(vocab))
                rows.append(r)
                cols.append(c)
                vals.append(tf)
        n = len(docs)
        tf = sparse.csr_matrix((np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(n, len(vocab)))
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocab)).astype(np.float32)
        self.idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        self.avg_len = float(lengths.mean()) if n else 1.0
        norm = K1 * (1 - B + B * lengths / max(self.avg_len, 1e-6))
        tf = tf.tocoo()
        weights = tf.data * (K1 + 1) / (tf.data + norm[tf.row]) * self.idf[tf.col]
        self.matrix = sparse.csc_matrix((weights.astype(np.float32), (tf.row, tf.col)), shape=(n, len(vocab)))
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

    def scores(self, query: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """(object ids, scores) for every live document with a non-zero score."""
        q = self.query_vector(query)
        out_ids, out_scores = [], []
        if q and self.matrix.shape[0]:
            cols = np.fromiter(q.keys(), dtype=np.int64)
            w = np.fromiter(q.values(), dtype=np.float32)
            s = np.asarray(self.matrix[:, cols] @ w).ravel()
            s[~self.alive] = 0.0
            nz = np.flatnonzero(s)
            out_ids.append(self.ids[nz])
            out_scores.append(s[nz])
        if q and self.overlay:
            ov_ids = [i for i, d in self.overlay.items()]
            ov = [sum(d.get(c, 0.0) * w for c, w in q.items()) for d in self.overlay.values()]
            out_ids.append(np.asarray(ov_ids, dtype=np.int64))
            out_scores.append(np.asarray(ov, dtype=np.float32))
        if not out_ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return np.concatenate(out_ids), np.concatenate(out_scores)

    def top(self, query: Iterable[str], k: int) -> dict[int, float]:
        ids, s = self.scores(query)
        if len(s) > k:
            keep = np.argpartition(-s, k)[:k]
            ids, s = ids[keep], s[keep]
        return {int(i): float(v) for i, v in zip(ids, s) if v > 0}

    def score_ids(self, query: Iterable[str], object_ids: Iterable[int]) -> dict[int, float]:
        """Scores of the given documents only (candidates from other channels)."""
        q = self.query_vector(query)
        out: dict[int, float] = {}
        if not q:
            return out
        cols = np.fromiter(q.keys(), dtype=np.int64)
        w = np.fromiter(q.values(), dtype=np.float32)
        rows, row_ids = [], []
        for i in object_ids:
            if i in self.overlay:
                d = self.overlay[i]
                out[i] = sum(d.get(c, 0.0) * qw for c, qw in q.items())
            else:
                r = self.row_of.get(i)
                if r is not None and self.alive[r]:
                    rows.append(r)
                    row_ids.append(i)
        if rows and self.matrix.shape[0]:
            sub = self.matrix[:, cols].tocsr()[rows]
            for i, v in zip(row_ids, np.asarray(sub @ w).ravel()):
                out[i] = float(v)
        return out
