"""A procedure name the portal wrote in capitals ("HƯỞNG BẢO HIỂM XÃ HỘI MỘT LẦN.") shown as the others are.

Shouting reads badly on a phone and looks like a different kind of thing beside ordinary names in a list of
options. Which words keep capitals (BHXH, ABTC, Việt Nam) is learnt from the names the portal wrote normally.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from indexer.vntext import is_shouting

_WORD = re.compile(r"(\w+)")


class NameCasing:
    def __init__(self, acronyms: frozenset[str], proper: frozenset[str], always: frozenset[str]) -> None:
        self.acronyms = acronyms    # lowercase words the normal names write in capitals ("bhxh")
        self.proper = proper        # lowercase words they mostly write capitalised inside a name ("việt", "nam")
        self.always = always        # of those, the ones never written in lowercase ("lào")

    @classmethod
    def of(cls, names: Iterable[str]) -> "NameCasing":
        upper, capital, lower = Counter(), Counter(), Counter()
        for name in names:
            if is_shouting(name):
                continue
            for k, m in enumerate(_WORD.finditer(name)):
                w = m.group()
                key = w.lower()
                if len(w) >= 2 and w.isupper() and any(c.isalpha() for c in w):
                    upper[key] += 1
                elif w[:1].isupper() and k > 0:
                    capital[key] += 1
                elif w.islower():
                    lower[key] += 1
        proper = frozenset(w for w, n in capital.items() if n > lower[w] + upper[w])
        return cls(frozenset(w for w, n in upper.items() if n > capital[w] + lower[w]), proper,
                   frozenset(w for w in proper if not lower[w] and not upper[w]))

    def display(self, name: str) -> str:
        """The name as shown: unchanged unless written in capitals, then in sentence case without a final stop."""
        if not is_shouting(name):
            return name
        pieces = _WORD.split(name)          # separators at even places, words at odd ones
        words = [w.lower() for w in pieces[1::2]]
        for i, w in enumerate(words):
            # a name of two words is capitalised together ("Việt Nam"); "nam" alone is also "male" ("lao động nam")
            together = any(0 <= j < len(words) and words[j] in self.proper for j in (i - 1, i + 1))
            if w in self.acronyms:
                pieces[2 * i + 1] = w.upper()
            elif w in self.always or (w in self.proper and together):
                pieces[2 * i + 1] = w.capitalize()
            else:
                pieces[2 * i + 1] = w
        shown = "".join(pieces).strip().rstrip(".")
        return shown[:1].upper() + shown[1:]
