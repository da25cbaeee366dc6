"""Query normalisation: clean → canonical tones → abbreviations → typo fixes → diacritics.

Citizens type on phones, often without diacritics, with teencode ("ko nhan dc
otp") and typos. Matching uses folded syllables; the dense retriever and any
confirmation shown to the citizen get the restored Vietnamese text.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.privacy.redact import without_placeholders
from bot.retrieval.diacritics import MIN_ACCENTED_SHARE, DiacriticRestorer
from bot.retrieval.shortforms import ShortForms
from indexer.entry_text import entry_terms, plain
from indexer.knowledge import KnowledgeEntry
from indexer.synonyms import Synonyms
from indexer.vntext import clauses, fold, folded_syllables, has_diacritics, syllables

MAX_QUERY_CHARS = 500
# a typo fixed onto an abbreviation this long is spelt out ("uplaod" → "upload" → "tải lên"); shorter ones are too
# often another word's slip ("tks" is thanks, not "tk", an account; "ms" of "sms" is not "mới")
_SPELT_OUT = 5
MAX_TOKEN_CHARS = 30  # longer "words" are pasted junk, not Vietnamese
# A well-formed Vietnamese syllable (folded). Anything else unknown is a typo candidate.
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    r"(a|e|i|o|u|y|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ya|ye|"
    r"oai|oay|oeo|uay|uoi|uou|uya|uye|uyu|ieu|yeu)"
    r"(ch|ng|nh|[cmnpt])?$"
)


@dataclass(frozen=True)
class Clause:
    """One clause of the message (split at sentence ends and commas), normalised."""
    text: str
    terms: tuple[str, ...]
    restored: bool
    said: str = ""           # the citizen's own words, normalised, without the synonyms added for matching


@dataclass(frozen=True)
class NormalizedQuery:
    original: str            # cleaned text as typed (display)
    text: str                # canonical Vietnamese for the dense retriever and confirmations
    terms: list[str]         # folded syllables for lexical matching
    restored: bool           # diacritics were added to the citizen's words
    corrections: tuple[tuple[str, str], ...] = ()
    clauses: tuple[Clause, ...] = ()

    @property
    def said(self) -> str:
        """The question as read, to show the citizen: their words restored, without the synonyms added for
        matching ("mất sổ đỏ, làm lại ở đâu", not "… sổ đỏ giấy chứng nhận quyền sử dụng đất …")."""
        return ", ".join(c.said for c in self.clauses if c.said) or self.text


SPEECH_FILE = Path(__file__).with_name("everyday_speech.yaml")


@lru_cache(maxsize=1)
def everyday_speech() -> tuple[str, ...]:
    """Sentences of ordinary speech, for the diacritics model only (everyday_speech.yaml). Province names are not
    among them: "ở Bà Rịa - Vũng Tàu" had turned "vùng sâu" into "vũng sau"."""
    return tuple(yaml.safe_load(SPEECH_FILE.read_text(encoding="utf-8"))["cau"])


def is_syllable(token: str) -> bool:
    return bool(_SYLLABLE.match(token))


def _swapped(word: str, token: str) -> bool:
    """The same letters, two neighbours the other way round: "nia" for "nai"."""
    if len(word) != len(token) or sorted(word) != sorted(token):
        return False
    diff = [i for i, (a, b) in enumerate(zip(word, token)) if a != b]
    return len(diff) == 2 and diff[1] == diff[0] + 1


class QueryNormalizer:
    def __init__(self, synonyms: Synonyms, vocabulary: set[str], bigrams: set[tuple[str, str]],
                 restorer: DiacriticRestorer, known: frozenset[str] = frozenset()) -> None:
        self._shortforms = ShortForms(synonyms)
        self._vocab = vocabulary
        self._known = known   # words kept as typed but never offered as corrections
        self._vocab_list = sorted(vocabulary)
        self._bigrams = bigrams
        self._restorer = restorer

    @classmethod
    def for_entries(cls, entries: Iterable[KnowledgeEntry], synonyms: Synonyms,
                    name_words: Iterable[str] = ()) -> "QueryNormalizer":
        """A normaliser whose vocabulary and diacritics model come from the knowledge entries.

        `name_words` (the folded words of the catalogue's procedure names) only protect their acronyms and foreign
        words: "abtc" is a card the state issues, not a typo of "btc" from a circular's number."""
        entries = list(entries)
        restorer = DiacriticRestorer.trained_on(
            [*(text for e in entries for text in (e.title, *e.questions, plain(e.body))), *everyday_speech()])
        vocabulary = {t for e in entries for t in entry_terms(e) if "_" not in t} | synonyms.key_words
        known = frozenset(t for t in name_words if not is_syllable(t) and len(t) > 2)
        return cls(synonyms, vocabulary, restorer.folded_bigrams(), restorer, known)

    @classmethod
    def for_texts(cls, texts: list[str], synonyms: Synonyms) -> "QueryNormalizer":
        """A normaliser that knows a wider vocabulary (the catalogue's names and everyday words as well)."""
        restorer = DiacriticRestorer.trained_on([*texts, *everyday_speech()])
        vocabulary = {t for text in texts for t in folded_syllables(text)} | synonyms.key_words
        return cls(synonyms, vocabulary, restorer.folded_bigrams(), restorer)

    def _correct(self, token: str, before: str = "") -> list[str]:
        """Typo-tolerant mapping of one unknown folded token onto the KB vocabulary."""
        if token in self._vocab or token in self._known or token.isdigit() or len(token) < 3:
            return [token]
        for cut in range(1, len(token)):  # "dangky" -> "dang ky"
            a, b = token[:cut], token[cut:]
            if (a, b) in self._bigrams:
                return [a, b]
        if is_syllable(token) and len(token) <= 7:
            return [self._in_context(token, before)]
        limit = 1 if len(token) <= 6 else 2
        near = process.extract(token, self._vocab_list, scorer=OSA.distance, score_cutoff=limit, limit=8)
        if not near:
            return [token]
        # among equally near words: one that keeps the first letter (people slip inside a word: "opt" is "otp",
        # not "fpt"), then a real syllable ("kys" is "ky", not "ks"), then one of the same length ("hna" is "han")
        return [min(near, key=lambda m: (m[1], m[0][0] != token[0], not is_syllable(m[0]),
                                         abs(len(m[0]) - len(token)), m[0]))[0]]

    def _in_context(self, token: str, before: str) -> str:
        """A real syllable we do not know is kept, unless exactly one word with one letter more follows the word
        before it somewhere in our text: "khai sin" is "khai sinh" (a southern spelling drops the final h), a lone
        "sin" stays; or two letters typed the wrong way round ("dong nia" is "đồng nai"). Only a letter left out is
        put back: "rot mat" is "rớt mất", not "rõ mặt"."""
        if (before, token) in self._bigrams:   # "con gai" is "con gái" as people write it, not "còn giá"
            return token
        near = process.extract(token, self._vocab_list, scorer=OSA.distance, score_cutoff=1, limit=None)
        paired = {w for w, _, _ in near if w[0] == token[0] and (len(w) > len(token) or _swapped(w, token))
                  and (before, w) in self._bigrams}
        return paired.pop() if len(paired) == 1 else token

    def _clause(self, typed: list[str], restore: bool) -> tuple[Clause, list[tuple[str, str]]]:
        """One clause: short forms, typo fixes, then diacritics (the language model never crosses clauses)."""
        e = self._shortforms.expand(typed)
        words: list[str] = []
        corrections: list[tuple[str, str]] = []
        for pos, tok in enumerate(e.words):
            if pos in e.fixed or has_diacritics(tok):
                words.append(tok)
                continue
            fixed_tok = self._correct(tok, fold(words[-1]) if words else "")
            if fixed_tok != [tok]:
                corrections.append((tok, " ".join(fixed_tok)))
                fixed_tok = [w for fixed in fixed_tok for w in (
                    self._shortforms.spelt_out(fixed) if len(fixed) >= _SPELT_OUT else [fixed])]
            words += fixed_tok
        shown = self._restorer.restore(words) if restore else words
        return Clause(" ".join(shown + e.added), tuple(fold(w) for w in words + e.added), shown != words,
                      " ".join(shown)), corrections

    def normalize(self, text: str) -> NormalizedQuery:
        text = without_placeholders(text)  # a turn kept across a restart is stored redacted
        parts = [[t for t in syllables(c) if len(t) <= MAX_TOKEN_CHARS] for c in clauses(text[:MAX_QUERY_CHARS])]
        typed = [t for part in parts if part for t in part]
        # Diacritics are added only to a question typed (mostly) without them: in a question typed with
        # diacritics an unmarked word is meant that way ("tối nay" must not become "tối này").
        restore = bool(typed) and sum(map(has_diacritics, typed)) / len(typed) < MIN_ACCENTED_SHARE
        done = [self._clause(part, restore) for part in parts if part]
        kept = tuple(c for c, _ in done if c.terms)
        if not kept and typed:  # only fillers ("ạ"): keep what was typed rather than nothing
            kept = (Clause(" ".join(typed), tuple(fold(t) for t in typed), False, " ".join(typed)),)
        return NormalizedQuery(
            original=" ".join(typed),
            text=" ".join(c.text for c in kept),
            terms=[t for c in kept for t in c.terms],
            restored=any(c.restored for c in kept),
            corrections=tuple(fix for _, fixes in done for fix in fixes),
            clauses=kept,
        )
