"""Restore Vietnamese diacritics of unaccented input with a model learned from our own text.

Nothing on PyPI restores diacritics offline, but the knowledge base's vocabulary
is small: a syllable bigram language model over it, decoded with Viterbi,
turns "dang ky dinh danh muc 2" back into "đăng ký định danh mức 2" so the
dense retriever (and the citizen, in a confirmation) sees proper Vietnamese.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable

from indexer.vntext import fold, fold_syllable, has_diacritics, syllables

_BIGRAM_WEIGHT = 0.8
MIN_ACCENTED_SHARE = 0.3  # texts with fewer marked syllables are typed without diacritics


class DiacriticRestorer:
    def __init__(self) -> None:
        self._forms: dict[str, Counter[str]] = defaultdict(Counter)
        self._unigrams: Counter[str] = Counter()
        self._bigrams: Counter[tuple[str, str]] = Counter()
        self._total = 0

    @classmethod
    def trained_on(cls, texts: Iterable[str]) -> "DiacriticRestorer":
        model = cls()
        for text in texts:
            model.learn(text)
        return model

    def learn(self, text: str) -> None:
        """Count syllables of accented text; unaccented text would teach it to leave words bare."""
        sylls = syllables(text)
        folded = [fold_syllable(s) for s in sylls]
        if not sylls or sum(f != s for f, s in zip(folded, sylls)) / len(sylls) < MIN_ACCENTED_SHARE:
            return
        for f, s in zip(folded, sylls):
            self._forms[f][s] += 1
        self._unigrams.update(sylls)
        self._bigrams.update(zip(sylls, sylls[1:]))
        self._total += len(sylls)

    def _candidates(self, token: str) -> list[str]:
        if has_diacritics(token):
            return [token]
        forms = self._forms.get(token)
        return list(forms) if forms else [token]

    def _logp(self, prev: str | None, cur: str) -> float:
        uni = (self._unigrams[cur] + 0.1) / (self._total + 1.0)
        if prev is None or self._unigrams[prev] == 0:
            return math.log(uni)
        bi = self._bigrams[(prev, cur)] / self._unigrams[prev]
        return math.log(_BIGRAM_WEIGHT * bi + (1 - _BIGRAM_WEIGHT) * uni)

    def restore(self, tokens: list[str]) -> list[str]:
        """Most likely accented form of each lowercase token; accented tokens stay as typed."""
        if not tokens:
            return []
        beams = {c: (self._logp(None, c), [c]) for c in self._candidates(tokens[0])}
        for token in tokens[1:]:
            nxt = {}
            for c in self._candidates(token):
                score, path = max(((s + self._logp(p, c), path) for p, (s, path) in beams.items()),
                                  key=lambda x: x[0])
                nxt[c] = (score, path + [c])
            beams = nxt
        return max(beams.values(), key=lambda x: x[0])[1]

    def folded_bigrams(self) -> set[tuple[str, str]]:
        """Adjacent syllable pairs seen in training, folded: used to split run-together words."""
        return {(fold(a), fold(b)) for a, b in self._bigrams}
