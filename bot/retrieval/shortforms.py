"""Apply synonyms.yaml to the words of one sentence, as the citizen typed them.

Short forms with several meanings (mk = mình or mật khẩu, 50k = 50 nghìn đồng,
nha = nhé or nhà) are expanded only where a neighbouring word says which
meaning is meant; particles are dropped only at the end of a sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.synonyms import Reading, Synonyms, typed_form, typed_match
from indexer.vntext import fold, fold_syllable, syllables

_MAX_KEY_WORDS = 5   # "ve en e ai di" (VNeID said aloud)
_NUMBER_UNIT = re.compile(r"^(\d+)([^\W\d_]+)$")  # "50k", "2kg": a number glued to its unit


def split_units(tokens: list[str]) -> list[str]:
    """'50k' → '50', 'k' so the unit can be read after its number."""
    out: list[str] = []
    for t in tokens:
        m = _NUMBER_UNIT.match(t)
        out += [m.group(1), m.group(2)] if m else [t]
    return out


@dataclass(frozen=True)
class Expansion:
    words: list[str]           # the sentence with short forms replaced and fillers dropped
    fixed: set[int]            # positions written by the tables, not to be corrected
    added: list[str]           # synonym words to append to the question


class ShortForms:
    """Applies a Synonyms table to the words of one sentence."""

    def __init__(self, synonyms: Synonyms) -> None:
        self._syn = synonyms
        self._index: dict[str, list[tuple[str, str]]] = {}  # folded key → (table, key)
        for name, table in (("ambiguous", synonyms.ambiguous), ("fillers", synonyms.fillers),
                            ("abbreviations", synonyms.abbreviations), ("synonyms", synonyms.synonyms)):
            for key in table:
                self._index.setdefault(fold(key), []).append((name, key))

    def _lookup(self, typed: list[str], name: str) -> str | None:
        """The key of table `name` the typed words spell, if any; a key typed exactly wins."""
        keys = [key for table, key in self._index.get(" ".join(map(fold_syllable, typed)), ()) if table == name
                and all(typed_match(t, k) for t, k in zip(typed, key.split()))]
        return next((k for k in keys if k == " ".join(typed)), keys[0] if keys else None)

    def spelt_out(self, word: str) -> list[str]:
        """A word a typo fix arrived at, spelt out when it is an abbreviation: "uplaod", fixed to "upload", is
        "tải lên" as "upload" typed right is."""
        key = self._lookup([typed_form(word)], "abbreviations")
        return syllables(self._syn.abbreviations[key]) if key is not None else [word]

    @staticmethod
    def _next_to(words: list[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
        return any(len(words) >= len(p) and all(typed_match(t, k) for t, k in zip(words, p)) for p in phrases)

    def _reading(self, typed: list[str], i: int, particles_from: int) -> Reading | None:
        """The first reading of an ambiguous word whose context holds; None for a word that is not ambiguous."""
        key = self._lookup([typed[i]], "ambiguous")
        if key is None:
            return None
        for r in self._syn.ambiguous[key]:
            if r.after and not self._next_to(typed[:i][::-1], tuple(p[::-1] for p in r.after)):
                continue
            if r.before and not self._next_to(typed[i + 1:], r.before):
                continue
            if r.after_number and not (i > 0 and typed[i - 1].isdigit()):
                continue
            if r.sentence_end and i + 1 < particles_from:   # only particles after it
                continue
            return r
        return Reading()  # no context fits: keep the word as typed

    def _particles_from(self, typed: list[str]) -> int:
        """Where the run of fillers and sentence-final particles ends the sentence ("… giúp em với nha ạ")."""
        j = len(typed)
        while j > 0:
            filler = next((n for n in range(1, min(_MAX_KEY_WORDS, j) + 1)
                           if self._lookup(typed[j - n:j], "fillers")), None)
            if filler:
                j -= filler
            elif (r := self._reading(typed, j - 1, j - 1)) is not None and r.words == "":
                j -= 1
            else:
                break
        return j

    def expand(self, tokens: list[str]) -> Expansion:
        shown = split_units(tokens)
        typed = [typed_form(t) for t in shown]
        particles_from = self._particles_from(typed)
        out: list[str] = []
        fixed: set[int] = set()
        added: list[str] = []
        i = 0
        while i < len(typed):
            phrase = next((n for n in range(min(_MAX_KEY_WORDS, len(typed) - i), 1, -1)
                           if self._lookup(typed[i:i + n], "fillers")), None)
            if phrase:  # "cho mk hỏi" is politeness before "mk" can be read as "mình"
                i += phrase
                continue
            reading = self._reading(typed, i, particles_from)
            if reading is not None:
                if reading.words is None:
                    out.append(shown[i])
                else:
                    words = syllables(reading.words)
                    fixed.update(range(len(out), len(out) + len(words)))
                    out += words
                i += 1
                continue
            for n in range(min(_MAX_KEY_WORDS, len(typed) - i), 0, -1):
                span = typed[i:i + n]
                if self._lookup(span, "fillers"):
                    i += n
                    break
                key = self._lookup(span, "abbreviations")
                if key is not None:
                    words = syllables(self._syn.abbreviations[key])
                    fixed.update(range(len(out), len(out) + len(words)))
                    out += words
                    i += n
                    break
                key = self._lookup(span, "synonyms")
                if key is not None:
                    added += syllables(self._syn.synonyms[key])
            else:
                out.append(shown[i])
                i += 1
        return Expansion(out, fixed, added)
