"""The two retrievers: dense (FAISS over e5 vectors) and lexical (BM25 over folded syllables)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from bot.normalize import NormalizedQuery
from indexer.build import entry_terms
from indexer.embedder import Embedder
from indexer.store import IndexSnapshot
from indexer.vntext import fold, lexical_terms, syllables


@dataclass(frozen=True)
class Hit:
    entry_id: str
    score: float


class Retriever(Protocol):
    def search(self, query: NormalizedQuery, k: int) -> list[Hit]: ...


class DenseRetriever:
    """Cosine similarity; an entry scores its best vector (title, a question or the body)."""

    def __init__(self, snapshot: IndexSnapshot, embedder: Embedder) -> None:
        self._index = snapshot.dense
        self._rows = [r.entry_id for r in snapshot.rows]
        self._embedder = embedder

    def search(self, query: NormalizedQuery, k: int) -> list[Hit]:
        if not query.text or self._index.ntotal == 0:
            return []
        vec = self._embedder.embed_queries([query.text]).astype(np.float32)
        scores, idx = self._index.search(vec, self._index.ntotal)
        best: dict[str, float] = {}
        for s, i in zip(scores[0], idx[0]):
            if i >= 0:
                eid = self._rows[i]
                if eid not in best:
                    best[eid] = float(s)
        return [Hit(e, s) for e, s in list(best.items())[:k]]


class LexicalRetriever:
    """BM25 over folded syllables and syllable bigrams; also reports term coverage."""

    def __init__(self, snapshot: IndexSnapshot) -> None:
        self._bm25 = snapshot.lexical
        self._ids = [e.id for e in snapshot.entries]
        self._doc_terms = {e.id: set(entry_terms(e)) for e in snapshot.entries}
        self._title_terms = {e.id: set(fold(" ".join(syllables(e.title))).split()) for e in snapshot.entries}
        n = len(self._ids)
        df: dict[str, int] = {}
        for terms in self._doc_terms.values():
            for t in terms:
                if "_" not in t:
                    df[t] = df.get(t, 0) + 1
        self._idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self._unknown_idf = math.log(1 + (n + 0.5) / 0.5)

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
