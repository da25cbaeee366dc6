"""Query normalisation: clean → canonical tones → abbreviations → typo fixes → diacritics.

Citizens type on phones, often without diacritics, with teencode ("ko nhan dc
otp") and typos. Matching uses folded syllables; the dense retriever and any
confirmation shown to the citizen get the restored Vietnamese text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rapidfuzz.distance import OSA
from rapidfuzz import process

from bot.diacritics import MIN_ACCENTED_SHARE, DiacriticRestorer
from indexer.vntext import fold, has_diacritics, syllables

MAX_QUERY_CHARS = 500
MAX_TOKEN_CHARS = 30  # longer "words" are pasted junk, not Vietnamese
_MAX_KEY_WORDS = 4
# A well-formed Vietnamese syllable (folded). Anything else unknown is a typo candidate.
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    r"(a|e|i|o|u|y|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ya|ye|"
    r"oai|oay|oeo|uay|uoi|uou|uya|uye|uyu|ieu|yeu)"
    r"(ch|ng|nh|[cmnpt])?$"
)


@dataclass(frozen=True)
class Synonyms:
    """Staff-edited abbreviations (replaced) and synonyms (added), keyed by folded words."""
    abbreviations: dict[str, str] = field(default_factory=dict)
    synonyms: dict[str, str] = field(default_factory=dict)
    fillers: frozenset[str] = frozenset()  # politeness and filler phrases dropped before matching

    @classmethod
    def load(cls, path: Path) -> "Synonyms":
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}

        def table(section: str) -> dict[str, str]:
            raw = data.get(section) or {}
            if not isinstance(raw, dict):
                raise ValueError(f"{path}: mục '{section}' phải là các cặp 'viết tắt: dạng đầy đủ'")
            return {" ".join(fold(str(k)).split()): str(v).strip() for k, v in raw.items()}

        fillers = data.get("bo_qua") or []
        if not isinstance(fillers, list):
            raise ValueError(f"{path}: mục 'bo_qua' phải là một danh sách (mỗi dòng bắt đầu bằng dấu -)")
        return cls(table("viet_tat"), table("dong_nghia"), frozenset(" ".join(fold(str(f)).split()) for f in fillers))


@dataclass(frozen=True)
class NormalizedQuery:
    original: str            # cleaned text as typed (display)
    text: str                # canonical Vietnamese for the dense retriever and confirmations
    terms: list[str]         # folded syllables for lexical matching
    restored: bool           # diacritics were added to the citizen's words
    corrections: tuple[tuple[str, str], ...] = ()


def is_syllable(token: str) -> bool:
    return bool(_SYLLABLE.match(token))


class QueryNormalizer:
    def __init__(self, synonyms: Synonyms, vocabulary: set[str], bigrams: set[tuple[str, str]],
                 restorer: DiacriticRestorer) -> None:
        self._synonyms = synonyms
        self._vocab = vocabulary
        self._vocab_list = sorted(vocabulary)
        self._bigrams = bigrams
        self._restorer = restorer

    def _expand(self, tokens: list[str]) -> tuple[list[str], set[int]]:
        """Drop fillers, replace abbreviations, append synonyms; returns tokens and positions not to touch."""
        out: list[str] = []
        fixed: set[int] = set()
        added: list[str] = []
        i = 0
        while i < len(tokens):
            for n in range(min(_MAX_KEY_WORDS, len(tokens) - i), 0, -1):
                key = " ".join(fold(t) for t in tokens[i:i + n])
                if key in self._synonyms.fillers and n < len(tokens):
                    i += n
                    break
                if key in self._synonyms.abbreviations:
                    words = syllables(self._synonyms.abbreviations[key])
                    fixed.update(range(len(out), len(out) + len(words)))
                    out += words
                    i += n
                    break
                if key in self._synonyms.synonyms:
                    added += syllables(self._synonyms.synonyms[key])
            else:
                out.append(tokens[i])
                i += 1
        fixed.update(range(len(out), len(out) + len(added)))
        return out + added, fixed

    def _correct(self, token: str) -> list[str]:
        """Typo-tolerant mapping of one unknown folded token onto the KB vocabulary."""
        if token in self._vocab or token.isdigit() or len(token) < 3:
            return [token]
        for cut in range(1, len(token)):  # "dangky" -> "dang ky"
            a, b = token[:cut], token[cut:]
            if (a, b) in self._bigrams:
                return [a, b]
        if is_syllable(token) and len(token) <= 7:
            return [token]  # a real word we do not know, not a typo
        limit = 1 if len(token) <= 6 else 2
        best = process.extractOne(token, self._vocab_list, scorer=OSA.distance, score_cutoff=limit)
        return [best[0]] if best else [token]

    def _restore(self, words: list[str], typed: list[str]) -> list[str]:
        """Add diacritics only to a question typed (mostly) without them.

        In a question typed with diacritics an unmarked word is meant that way
        ("tối nay" must not become "tối này").
        """
        marked = sum(1 for t in typed if has_diacritics(t))
        if typed and marked / len(typed) >= MIN_ACCENTED_SHARE:
            return words
        return self._restorer.restore(words)

    def normalize(self, text: str) -> NormalizedQuery:
        tokens = [t for t in syllables(text[:MAX_QUERY_CHARS]) if len(t) <= MAX_TOKEN_CHARS]
        original = " ".join(tokens)
        tokens, fixed = self._expand(tokens)
        words: list[str] = []
        corrections: list[tuple[str, str]] = []
        for pos, tok in enumerate(tokens):
            if pos in fixed or has_diacritics(tok):
                words.append(tok)
                continue
            fixed_tok = self._correct(tok)
            if fixed_tok != [tok]:
                corrections.append((tok, " ".join(fixed_tok)))
            words += fixed_tok
        restored_words = self._restore(words, typed=original.split())
        restored = restored_words != words
        return NormalizedQuery(
            original=original,
            text=" ".join(restored_words),
            terms=[fold(w) for w in words],
            restored=restored,
            corrections=tuple(corrections),
        )
