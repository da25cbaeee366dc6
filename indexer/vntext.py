"""Vietnamese text primitives shared by the indexer and the bot.

Matching works on *folded* syllables (no diacritics, lowercase, đ→d); display
always keeps the original Vietnamese, because folding merges distinct words
(dương/đường/đương).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import TypeVar

import regex

# Combining tone marks (NFD): grave, acute, hook above, tilde, dot below.
_TONES = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
# Letters whose vowel quality mark makes them the tone carrier.
_MODIFIED = set("âăêôơư")
_VOWELS = set("aăâeêioôơuưy")
# Zero-width and bidi control characters people paste from apps and web pages.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u034f\u180e]")
_WORD = re.compile(r"\w+", re.UNICODE)
# Unicode classes as one C-level pass each (a Python test per character made loading 10,000 entries slow).
_CONTROL = regex.compile(r"\p{C}")
_MARKS = regex.compile(r"\p{Mn}+")
# Where a clause ends: line breaks, sentence punctuation, commas (not inside numbers: 1.000, 1,5).
_CLAUSE_END = re.compile(r"[\n\r?!;…]+|[.,](?!\d)")


def clean(text: str) -> str:
    """Remove control, zero-width and bidi characters; collapse whitespace; NFC."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", INVISIBLE.sub("", text))
    return " ".join(text.split())


def _split_tone(syllable: str) -> tuple[str, str | None]:
    """Return the syllable without its tone mark (NFC) and the tone mark."""
    tone = None
    kept = []
    for ch in unicodedata.normalize("NFD", syllable):
        if ch in _TONES:
            tone = ch
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _tone_position(base: str) -> int | None:
    """Index of the vowel that carries the tone, traditional style (hòa, thủy)."""
    low = base.lower()
    start = 0
    if low.startswith("qu") and len(low) > 2 and low[2] in _VOWELS:
        start = 2
    elif low.startswith("gi") and len(low) > 2 and low[2] in _VOWELS:
        start = 2
    idx = [i for i in range(start, len(low)) if low[i] in _VOWELS]
    if not idx:
        idx = [i for i in range(len(low)) if low[i] in _VOWELS]
        if not idx:
            return None
    # the vowel cluster is the first contiguous run of vowels
    cluster = [idx[0]]
    for i in idx[1:]:
        if i == cluster[-1] + 1:
            cluster.append(i)
        else:
            break
    modified = [i for i in cluster if low[i] in _MODIFIED]
    if modified:
        return modified[-1]
    has_final = cluster[-1] < len(low) - 1
    if has_final:
        return cluster[-1]
    if len(cluster) == 3:
        return cluster[1]
    return cluster[0]


def canonical_tone(syllable: str) -> str:
    """Place the tone mark of one syllable in one canonical position."""
    base, tone = _split_tone(syllable)
    if tone is None or not base.isalpha():
        return unicodedata.normalize("NFC", syllable)
    pos = _tone_position(base)
    if pos is None:
        return unicodedata.normalize("NFC", syllable)
    marked = base[pos] + tone
    return unicodedata.normalize("NFC", base[:pos] + marked + base[pos + 1:])


T = TypeVar("T")


def _remembered_for_letter_words(fn: Callable[[str], T]) -> Callable[[str], T]:
    """`fn` of one word, remembered for words of letters only: a language has a few thousand syllables, and
    loading 10,000 entries met them 11 million times. Words with digits (phone and ID numbers) are not kept."""
    remembered = functools.lru_cache(maxsize=1 << 16)(fn)
    return lambda word: remembered(word) if word.isalpha() else fn(word)


_canonical_word = _remembered_for_letter_words(canonical_tone)


@_remembered_for_letter_words
def _word_syllables(word: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(canonical_tone(word).lower()))


def canonical(text: str) -> str:
    """Clean text and give every syllable the canonical tone placement."""
    return _WORD.sub(lambda m: _canonical_word(m.group(0)), clean(text))


def fold(text: str) -> str:
    """Lowercase and strip diacritics (đ→d), for matching only."""
    text = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    return unicodedata.normalize("NFC", _MARKS.sub("", text))


fold_syllable = _remembered_for_letter_words(fold)  # fold() of one syllable from `syllables`


def syllables(text: str) -> list[str]:
    """Lowercase word tokens (syllables, numbers, latin words) of canonical text."""
    return [s for word in _WORD.findall(clean(text)) for s in _word_syllables(word)]


def folded_syllables(text: str) -> list[str]:
    """The syllables of a text folded for matching (no diacritics, đ→d)."""
    return [fold_syllable(s) for s in syllables(text)]


def clauses(text: str) -> list[str]:
    """Cleaned clauses of a message, split where a sentence or a comma would end one."""
    return [c for c in (clean(part) for part in _CLAUSE_END.split(text)) if c]


_SHOUTING = 0.9     # share of capital letters from which a text is read as written in capitals


def is_shouting(text: str) -> bool:
    """Written in capitals ("HƯỞNG BẢO HIỂM XÃ HỘI MỘT LẦN."), as the portal writes some procedure names."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= _SHOUTING * len(letters)


def has_diacritics(text: str) -> bool:
    """True when any letter carries a Vietnamese mark (or is đ)."""
    return fold(text) != text.lower()


def spelled_in(word: str, marked: frozenset[str], folded: frozenset[str]) -> bool:
    """`word` is one of a list of words: as marked when it has marks (folded, "sổ" would be "hồ sơ"'s "sơ"), else
    folded (`folded`: the list's words folded)."""
    return word.lower() in marked if has_diacritics(word) else fold(word) in folded


def common_runs(words: list[str], other: list[str]) -> Iterator[tuple[int, int]]:
    """Every stretch `words` shares with `other`, as (where it ends in `words`, how many words), at each end."""
    last = [0] * (len(other) + 1)
    for i, w in enumerate(words, 1):
        row = [0] * (len(other) + 1)
        for j, o in enumerate(other, 1):
            if w == o:
                row[j] = last[j - 1] + 1
                yield i, row[j]
        last = row


def longest_run(words: list[str], other: list[str]) -> int:
    """How many words in a row `words` shares with `other` at most (its longest common stretch)."""
    return max((n for _, n in common_runs(words, other)), default=0)


def lexical_terms(folded_syllables: list[str]) -> list[str]:
    """Folded syllables plus syllable bigrams: the lexical index's vocabulary."""
    bigrams = [f"{a}_{b}" for a, b in zip(folded_syllables, folded_syllables[1:])]
    return folded_syllables + bigrams
