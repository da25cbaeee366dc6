"""What people call a procedure in words of their own, when those words point to few procedures.

knowledge/catalogue/cach-goi.yaml maps phrases of official names to everyday ones ("trợ cấp xã hội hàng tháng":
"trợ cấp người già"). A citizen who types such a phrase word for word has named the procedure's family, as surely
as one who types its name, but only when the official phrase belongs to a handful of names: "căn cước công dân"
(of "căn cước") is said of thirty procedures and names none of them.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from indexer.vntext import folded_syllables

MIN_WORDS = 3     # shorter everyday names ("sổ đỏ") are said in too many questions
MAX_FAMILY = 8    # the official phrase is in at most this many offered names


def _folded(text: str) -> str:
    return " ".join(folded_syllables(text))


class CalledNames:
    def __init__(self, phrases: Mapping[str, Sequence[str]], spoken: Sequence[str], allowed: Sequence[bool]) -> None:
        """`spoken`: each procedure's folded name, padded with spaces; `allowed`: offered to citizens here."""
        self._spoken = spoken
        self._allowed = allowed
        self._called = {_folded(official): [_folded(w) for w in said if len(w.split()) >= MIN_WORDS]
                        for official, said in phrases.items()}
        self._sizes: dict[str, int] = {}   # counted on first use: most phrases are never asked about

    def of(self, k: int) -> set[str]:
        """The folded everyday names of procedure `k` that point to its small family."""
        name = self._spoken[k]
        return {w for official, said in self._called.items() if said and f" {official} " in name
                and self._family(official) <= MAX_FAMILY for w in said}

    def said_in(self, k: int, words: Sequence[str]) -> set[str]:
        """Those of `k`'s everyday names that the folded `words` say word for word."""
        text = f" {' '.join(words)} "
        return {w for w in self.of(k) if f" {w} " in text}

    def _family(self, official: str) -> int:
        if official not in self._sizes:
            self._sizes[official] = sum(f" {official} " in s for s, ok in zip(self._spoken, self._allowed) if ok)
        return self._sizes[official]
