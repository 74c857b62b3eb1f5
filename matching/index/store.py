"""Per-process search state (docs, BM25, FAISS) kept consistent across workers.

The database holds the truth about the index:
- IndexState(name).version and .backend = "<encoder>#<token>" name the snapshot on disk
  (var/index/<name>-<token>-<version>.{faiss,pkl}); a worker whose loaded
  (token, version) differs reloads that snapshot, or rebuilds when it is missing.
- IndexDirty rows list objects changed since the snapshot (core.changes.mark_changed). Every worker
  applies the rows above its watermark in place before searching, and objects
  with an id above the snapshot's highest id are added the same way, so new
  imports are searchable without a rebuild.
- When the in-memory overlay grows past COMPACT_AT, the worker writes a new
  snapshot, bumps the version with a conditional UPDATE, and deletes the rows it covered.
Heavy objects are built on first use, never at import time.
"""

from __future__ import annotations

import logging
import os
import pickle
import secrets
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from core.changes import IndexDirty
from core.changes import index_name as kind_name
from core.clock import now
from core.settings import get_settings
from marketplace.challenges.models import Challenge
from matching import docs as docmod
from matching.index.encoders import Encoder, get_encoder
from matching.index.lexical import Bm25
from matching.index.text import tokens
from matching.index.vectors import VectorIndex
from matching.models import IndexState
from talent.models import Engineer

log = logging.getLogger(__name__)
COMPACT_AT = 200
DENSE_INLINE_LIMIT = 20_000  # larger indexes get their vectors in resumable steps (encode_missing)
ENCODE_BATCH = 256


class Store:
    def __init__(self, kind: str, *, index_dir: Path, backend: str, model: str) -> None:
        self.kind = kind
        self.index_dir = Path(index_dir)
        self.backend = backend
        self.model = model
        self.token = ""
        self.version = -1
        self.watermark = 0
        self.max_object_id = 0
        self.docs: dict[int, docmod.Doc] = {}
        self.skill_index: dict[str, set[int]] = {}
        self.bm25 = Bm25()
        self.vectors = VectorIndex(0)
        self.builds = 0
        self.reloads = 0
        self.lock = threading.RLock()

    @property
    def encoder(self) -> Encoder:
        return get_encoder(self.backend, self.model)

    @property
    def table(self):
        return Engineer if self.kind == "engineers" else Challenge

    # ------------------------------------------------------------ objects to index entries
    def _entries(self, session: Session, ids: list[int]) -> list[tuple[docmod.Doc, str]]:
        if self.kind == "engineers":
            return [(docmod.engineer_doc(e, cs), docmod.engineer_text(e)) for e, cs in docmod.load_engineers(session, ids)]
        return [(docmod.challenge_doc(c), docmod.challenge_text(c)) for c in docmod.load_challenges(session, ids)]

    def _iter_entries(self, session: Session, chunk: int = 2000):
        """Every object's entry, read a chunk of rows at a time (the rows are dropped after each)."""
        ids = list(session.exec(select(self.table.id).order_by(self.table.id)).all())
        for start in range(0, len(ids), chunk):
            yield from self._entries(session, ids[start:start + chunk])

    def _count(self, session: Session) -> int:
        return session.exec(select(func.count()).select_from(self.table)).one()

    def _index_skills(self, doc: docmod.Doc, add: bool = True) -> None:
        for s in doc.skills:
            bucket = self.skill_index.setdefault(s, set())
            (bucket.add if add else bucket.discard)(doc.id)

    # ------------------------------------------------------------ public
    def refresh(self, session: Session) -> None:
        """Make this worker's copy current with the database (one query when nothing changed)."""
        with self.lock:
            row = session.exec(
                select(IndexState.version, IndexState.backend, IndexState.item_count,
                       select(func.max(IndexDirty.id)).where(IndexDirty.index_name == self.kind).scalar_subquery(),
                       select(func.max(self.table.id)).scalar_subquery())
                .where(IndexState.name == self.kind)
            ).first()
            if row is None or "#" not in (row[1] or "") or row[1].split("#")[0] != self.backend:
                self.rebuild(session)
                return
            version, backend, item_count, last_dirty, last_id = row
            token = backend.split("#", 1)[1]
            if (token, version) != (self.token, self.version):
                if not self._load(token, version):
                    # No snapshot on this host (its own index folder, or pruned): build from the
                    # database, which is at least as new as that snapshot, and adopt its stamp
                    # so hosts with separate folders do not take turns rebuilding.
                    self._build(session, dense=item_count <= DENSE_INLINE_LIMIT)
                    self.token, self.version = token, version
                    self._save()
            if (last_dirty or 0) > self.watermark or (last_id or 0) > self.max_object_id:
                self._apply_changes(session)

    def rebuild(self, session: Session, progress: Callable[[int, int], None] | None = None,
                dense: bool = True) -> dict:
        """Rebuild from the database. With dense=False only the lexical and structured parts are
        built (searchable at once); encode_missing() then fills the vectors in resumable steps."""
        with self.lock:
            self._build(session, progress=progress, dense=dense)
            state = session.get(IndexState, self.kind)
            self.token = secrets.token_hex(4)
            self.version = (state.version + 1) if state else 1
            self._save()
            if state is None:
                state = IndexState(name=self.kind)
            state.version, state.item_count = self.version, len(self.docs)
            state.backend, state.updated_at = f"{self.backend}#{self.token}", now()
            session.add(state)
            session.exec(delete(IndexDirty).where(IndexDirty.index_name == self.kind, IndexDirty.id <= self.watermark))
            session.flush()
            return self.summary()

    def _build(self, session: Session, progress: Callable[[int, int], None] | None = None,
               dense: bool = True) -> None:
        """Everything in memory from the database; the stamp and the files are the caller's business."""
        with self.lock:
            watermark = session.exec(select(func.max(IndexDirty.id)).where(IndexDirty.index_name == self.kind)).one() or 0
            encoder = self.encoder
            self.docs = {}
            self.skill_index = {}
            total = self._count(session)
            self.vectors = VectorIndex(encoder.dim, expected=total)
            pending: list[tuple[int, str]] = []

            def encode_pending() -> None:
                self.vectors.add(np.asarray([i for i, _ in pending]), encoder.encode([t for _, t in pending]))
                pending.clear()
                if progress:
                    progress(len(self.vectors), total)

            def stream():
                for doc, text in self._iter_entries(session):
                    self.docs[doc.id] = doc
                    self._index_skills(doc)
                    if dense and encoder.dim:
                        pending.append((doc.id, text))
                        if len(pending) >= ENCODE_BATCH:
                            encode_pending()
                    yield doc.id, tokens(text)

            self.bm25 = Bm25()
            self.bm25.build(stream())
            if pending:
                encode_pending()
            self.watermark = int(watermark)
            self.max_object_id = max(self.docs, default=0)
            self.builds += 1

    def summary(self) -> dict:
        return {"index": self.kind, "items": len(self.docs), "encoded": self.encoded, "version": self.version,
                "backend": self.backend, "dim": self.vectors.dim, "hnsw": self.vectors.hnsw}

    @property
    def encoded(self) -> int:
        return len(self.docs) if not self.vectors.dim else len(self.vectors.present & self.docs.keys())

    def encode_missing(self, session: Session, limit: int) -> int:
        """Encode up to `limit` indexed objects that have no vector yet, then checkpoint
        (new snapshot, version + 1). Returns how many were encoded; 0 when complete.
        A crash loses at most one step: the next call resumes from the last snapshot."""
        with self.lock:
            if not self.vectors.dim:
                return 0
            todo = [i for i in sorted(self.docs) if i not in self.vectors.present][:limit]
            if not todo:
                return 0
            # similar lengths share a batch: the encoder pads each batch to its longest text
            entries = sorted(self._entries(session, todo), key=lambda entry: len(entry[1]))
            for start in range(0, len(entries), ENCODE_BATCH):
                part = entries[start:start + ENCODE_BATCH]
                self.vectors.add(np.asarray([d.id for d, _ in part]), self.encoder.encode([t for _, t in part]))
            done = {d.id for d, _ in entries}
            for missing in set(todo) - done:  # deleted meanwhile
                self.docs.pop(missing, None)
            self.compact(session)
            return len(todo)

    def compact(self, session: Session) -> bool:
        """Write the current state as a new snapshot and advance the version (conditional UPDATE)."""
        with self.lock:
            new_version = self.version + 1
            result = session.execute(
                update(IndexState)
                .where(IndexState.name == self.kind, IndexState.version == self.version)
                .values(version=new_version, item_count=len(self.docs), updated_at=now())
            )
            if result.rowcount != 1:
                return False  # another worker compacted first; the next refresh reloads its snapshot
            self.version = new_version
            self._save()
            session.exec(delete(IndexDirty).where(IndexDirty.index_name == self.kind, IndexDirty.id <= self.watermark))
            session.flush()
            return True

    # ------------------------------------------------------------ in-place updates
    def _apply_changes(self, session: Session) -> None:
        dirty = session.exec(
            select(IndexDirty.id, IndexDirty.object_id)
            .where(IndexDirty.index_name == self.kind, IndexDirty.id > self.watermark)
        ).all()
        fresh = list(session.exec(select(self.table.id).where(self.table.id > self.max_object_id)).all())
        if not dirty and not fresh:
            return
        ids = sorted({oid for _, oid in dirty} | set(fresh))
        self.upsert(session, ids)
        if dirty:
            self.watermark = max(self.watermark, max(i for i, _ in dirty))
        if fresh:
            self.max_object_id = max(self.max_object_id, max(fresh))
        if len(self.bm25.overlay) >= COMPACT_AT:
            self.compact(session)

    def upsert(self, session: Session, ids: list[int]) -> None:
        entries = self._entries(session, ids)
        found = {d.id for d, _ in entries}
        for oid in set(ids) - found:  # deleted
            old = self.docs.pop(oid, None)
            if old:
                self._index_skills(old, add=False)
            self.bm25.remove(oid)
            self.vectors.remove(oid)
        if not entries:
            return
        vectors = self.encoder.encode([t for _, t in entries])
        for (doc, text), vec in zip(entries, vectors):
            old = self.docs.get(doc.id)
            if old:
                self._index_skills(old, add=False)
            self.docs[doc.id] = doc
            self._index_skills(doc)
            self.bm25.upsert(doc.id, tokens(text))
            if self.vectors.dim:
                self.vectors.upsert(doc.id, vec)

    # ------------------------------------------------------------ persistence
    def _paths(self, token: str, version: int) -> tuple[Path, Path]:
        stem = self.index_dir / f"{self.kind}-{token}-{version}"
        return stem.with_suffix(".faiss"), stem.with_suffix(".pkl")

    def _save(self) -> None:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        faiss_path, meta_path = self._paths(self.token, self.version)
        tmp = faiss_path.with_suffix(".faiss.tmp")
        self.vectors.save(tmp)
        if tmp.exists():
            os.replace(tmp, faiss_path)
        index, self.vectors.index = self.vectors.index, None
        try:
            payload = {"model": self.model, "watermark": self.watermark, "max_object_id": self.max_object_id,
                       "docs": self.docs, "bm25": self.bm25, "vectors": self.vectors}
            with open(meta_path.with_suffix(".pkl.tmp"), "wb") as fh:
                pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(meta_path.with_suffix(".pkl.tmp"), meta_path)
        finally:
            self.vectors.index = index
        self._prune()

    def _prune(self) -> None:
        snapshots = sorted(self.index_dir.glob(f"{self.kind}-*.pkl"), key=lambda p: p.stat().st_mtime)
        for old in snapshots[:-3]:
            old.unlink(missing_ok=True)
            old.with_suffix(".faiss").unlink(missing_ok=True)

    def _load(self, token: str, version: int) -> bool:
        faiss_path, meta_path = self._paths(token, version)
        if not meta_path.exists():
            return False
        try:
            with open(meta_path, "rb") as fh:
                payload = pickle.load(fh)
            if payload["model"] != self.model:
                return False
            vectors: VectorIndex = payload["vectors"]
            vectors.load(faiss_path)
            if vectors.dim and vectors.index is None:
                return False
        except Exception:  # a torn or foreign file: rebuild instead
            log.warning("index snapshot %s unreadable; rebuilding", meta_path, exc_info=True)
            return False
        self.docs, self.bm25, self.vectors = payload["docs"], payload["bm25"], vectors
        self.watermark, self.max_object_id = payload["watermark"], payload["max_object_id"]
        self.skill_index = {}
        for d in self.docs.values():
            self._index_skills(d)
        self.token, self.version = token, version
        self.reloads += 1
        return True


_stores: dict[tuple, Store] = {}
_registry_lock = threading.Lock()


def get_store(session: Session, kind: str, *, index_dir: Path | None = None, backend: str | None = None,
              fresh: bool = False, refresh: bool = True) -> Store:
    """This process's store for a kind, refreshed against the database."""
    settings = get_settings()
    name = kind_name(kind)
    backend = backend or settings.embedding_backend
    model = settings.embedding_model if backend == "sentence-transformers" else ""
    index_dir = Path(index_dir or settings.index_dir)
    key = (name, str(session.get_bind().engine.url), str(index_dir.resolve()), backend, model)
    with _registry_lock:
        store = None if fresh else _stores.get(key)
        if store is None:
            store = Store(name, index_dir=index_dir, backend=backend, model=model)
            if not fresh:
                _stores[key] = store
    if refresh:
        store.refresh(session)
    return store

