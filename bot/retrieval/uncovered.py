"""Subjects the knowledge base does not cover: a question naming one is not answered by an entry silent on it.

Ranking always finds a nearest entry; "quên mật khẩu VssID" lands on the VNeID password steps with a
high score because every other word matches. Staff list the subjects under `tu_khoa` in
knowledge/ngoai-pham-vi.yaml, which travels inside each build (indexer/outside.py reads it).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from indexer.vntext import folded_syllables


def _words(text: str) -> str:
    """Folded syllables between spaces, so a phrase matches whole words only."""
    return f" {' '.join(folded_syllables(text))} "


# a card or wallet is a subject we do not cover ("thẻ ngân hàng bị khóa"), except as the way a dossier's fee is
# paid: "thẻ ngân hàng chưa bật trả tiền qua mạng, có phải vì vậy mà đóng lệ phí không được" is the payment guide's
_MEANS_OF_PAYING = frozenset({"the ngan hang", "the atm", "the tin dung"})
_A_FEE = re.compile(r"\b(le phi|phi|thanh toan|tra tien|dong tien|nop tien|tra bang|dong bang|tra qua)\b|\bnop ho so\b")


@dataclass(frozen=True)
class UncoveredSubjects:
    phrases: tuple[str, ...]   # folded subject phrases
    covered: tuple[str, ...] = ()   # folded terms the knowledge explains (the glossary's ways of saying them)

    @classmethod
    def of(cls, subjects: Iterable[str], covered: Iterable[str] = ()) -> "UncoveredSubjects":
        return cls(tuple(_words(s).strip() for s in subjects), tuple(_words(c).strip() for c in covered))

    def named(self, said: str) -> tuple[str, ...]:
        """The subjects a question names, in the citizen's own words (synonyms added for matching would
        turn "sổ đỏ", which an entry covers, into "quyền sử dụng đất"). A phrase whose first word ends a term the
        knowledge explains is not named there: "ký số hồng" (Southern "không") is a digital signature, no "sổ
        hồng"."""
        words = folded_syllables(said)
        text = f" {' '.join(words)} "
        fee = bool(_A_FEE.search(text))
        return tuple(p for p in self.phrases if f" {p} " in text and not (fee and p in _MEANS_OF_PAYING)
                     and any(not self._ends_a_term(words, i) for i in _starts(words, p.split())))

    def _ends_a_term(self, words: list[str], start: int) -> bool:
        """A covered term runs up to the word at `start` and ends on it."""
        for term in self.covered:
            n = len(term.split())
            if n >= 2 and start - n + 1 >= 0 and " ".join(words[start - n + 1:start + 1]) == term:
                return True
        return False

    def blocks(self, said: str, entry_words: str) -> bool:
        """The question names an uncovered subject that this entry (words from `entry_text_words`) never mentions."""
        named = self.named(said)
        return bool(named) and not any(f" {s} " in entry_words for s in named)


def _starts(words: list[str], phrase: list[str]) -> list[int]:
    return [i for i in range(len(words) - len(phrase) + 1) if words[i:i + len(phrase)] == phrase]


def entry_text_words(texts: Iterable[str]) -> str:
    """An entry's title, questions and body as padded folded words, for `UncoveredSubjects.blocks`."""
    return _words(" ".join(texts))
