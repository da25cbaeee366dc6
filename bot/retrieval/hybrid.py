"""The two retrievers: dense (FAISS over e5 vectors) and lexical (BM25 over folded syllables)."""
from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from bot.retrieval.normalize import NormalizedQuery
from bot.retrieval.query_adapter import QueryAdapter
from indexer.embedder import Embedder
from indexer.entry_text import entry_terms
from indexer.store import IndexSnapshot, stored_vectors
from indexer.vntext import folded_syllables, lexical_terms


@dataclass(frozen=True)
class Hit:
    entry_id: str
    score: float


class Retriever(Protocol):
    def search(self, query: NormalizedQuery, k: int) -> list[Hit]: ...


class DenseRanking(Mapping[str, float]):
    """Every entry's best cosine for one question, as arrays: a dict of 10,000 entries per question would
    cost more than the search itself. Reads like a mapping entry id → cosine."""

    def __init__(self, ids: list[str], position: dict[str, int], best: np.ndarray, outside: float = -1.0) -> None:
        self._ids, self._position, self._best = ids, position, best
        self._found = np.flatnonzero(np.isfinite(best))
        self.outside = outside  # best cosine to an example question the knowledge base does not cover

    def top(self, k: int) -> list[Hit]:
        order = self._found[np.argsort(-self._best[self._found], kind="stable")[:k]]
        return [Hit(self._ids[i], float(self._best[i])) for i in order]

    def median(self) -> float:
        return float(np.median(self._best[self._found])) if len(self._found) else 0.0

    def __getitem__(self, entry_id: str) -> float:
        i = self._position[entry_id]
        if not np.isfinite(self._best[i]):
            raise KeyError(entry_id)
        return float(self._best[i])

    def __iter__(self) -> Iterator[str]:
        return (self._ids[i] for i in self._found)

    def __len__(self) -> int:
        return len(self._found)


class DenseRetriever:
    """Cosine similarity; an entry scores its best vector (title, a question or the body).

    Every row is scored, so the matrix-vector product runs in numpy over the vectors the FAISS index holds:
    FAISS's search with k = every row spends its time selecting the top k (38 ms against 3 ms at 60,000 rows).
    """

    def __init__(self, snapshot: IndexSnapshot, embedder: Embedder, adapter: QueryAdapter | None = None) -> None:
        self._index = snapshot.dense
        self._vectors = stored_vectors(snapshot.dense)
        rows = [r.entry_id for r in snapshot.rows]
        self._ids = list(dict.fromkeys(rows))
        self._position = {e: i for i, e in enumerate(self._ids)}
        self._row_entry = np.array([self._position[e] for e in rows], dtype=np.int64)
        self._embedder = embedder
        self._outside = snapshot.outside if snapshot.outside is not None else np.zeros((0, self._vectors.shape[1]),
                                                                                      dtype=np.float32)
        self.adapter = adapter  # fitted to move questions towards the entries that answer them; None: as embedded

    def layout(self) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """Stored vectors, the entry position of each row and the entry ids by position: what an adapter fits to."""
        return self._vectors, self._row_entry, self._ids

    def rank(self, query: NormalizedQuery) -> DenseRanking:
        best = np.full(len(self._ids), -np.inf, dtype=np.float32)
        outside = -1.0
        if query.text and self._index.ntotal:
            vec = self._embedder.embed_queries([query.text]).astype(np.float32)
            if self.adapter:  # the moved question meets every stored vector, out-of-scope examples included
                vec = self.adapter.apply(vec)
            np.maximum.at(best, self._row_entry, self._vectors @ vec[0])
            if len(self._outside):
                outside = float((self._outside @ vec[0]).max())
        return DenseRanking(self._ids, self._position, best, outside)

    def search(self, query: NormalizedQuery, k: int) -> list[Hit]:
        return self.rank(query).top(k)


class LexicalRetriever:
    """BM25 over folded syllables and syllable bigrams; also reports term coverage."""

    def __init__(self, snapshot: IndexSnapshot) -> None:
        self._bm25 = snapshot.lexical
        self._ids = [e.id for e in snapshot.entries]
        self._doc_terms = {e.id: set(entry_terms(e)) for e in snapshot.entries}
        self._title_terms = {e.id: set(folded_syllables(e.title)) for e in snapshot.entries}
        n = len(self._ids)
        df: dict[str, int] = {}
        for terms in self._doc_terms.values():
            for t in terms:
                df[t] = df.get(t, 0) + 1
        self._df = df   # words and two-word terms ("bien_so")
        self._idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items() if "_" not in t}
        self._unknown_idf = math.log(1 + (n + 0.5) / 0.5)

    def idf(self, term: str) -> float:
        """How much a folded word says about which entry is meant (words no entry uses say the most)."""
        return self._idf.get(term, self._unknown_idf)

    def entries_using(self, term: str) -> int:
        """How many entries use this folded word, or two-word term ("bien_so")."""
        return self._df.get(term, 0)

    def search(self, query: NormalizedQuery, k: int) -> list[Hit]:
        if not query.terms:
            return []
        scores = self._bm25.get_scores(lexical_terms(query.terms))
        order = np.argsort(-scores)[:k]
        return [Hit(self._ids[i], float(scores[i])) for i in order if scores[i] > 0]

    def coverage(self, query: NormalizedQuery, entry_id: str) -> float:
        """IDF-weighted share of the query's words that the entry contains (0..1).

        Words the knowledge base never uses weigh the most, so a question about
        something we do not cover gets a low coverage whatever BM25 ranks first.
        """
        terms = set(query.terms)
        if not terms:
            return 0.0
        doc = self._doc_terms.get(entry_id, set())
        weight = {t: self._idf.get(t, self._unknown_idf) for t in terms}
        total = sum(weight.values())
        return sum(w for t, w in weight.items() if t in doc) / total if total else 0.0

    def title_coverage(self, query: NormalizedQuery, entry_id: str) -> float:
        """IDF-weighted share of the entry's title words the question contains (0..1).

        "quên passcode" names the passcode entry's subject even when a longer
        message also mentions the password.
        """
        title = self._title_terms.get(entry_id, set())
        total = sum(self._idf.get(t, self._unknown_idf) for t in title)
        asked = set(query.terms)
        return sum(self._idf.get(t, self._unknown_idf) for t in title if t in asked) / total if total else 0.0
