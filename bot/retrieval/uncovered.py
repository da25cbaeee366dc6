"""Subjects the knowledge base does not cover: a question naming one is not answered by an entry silent on it.

Ranking always finds a nearest entry; "quên mật khẩu VssID" lands on the VNeID password steps with a
high score because every other word matches. Staff list the subjects under `tu_khoa` in
knowledge/ngoai-pham-vi.yaml, which travels inside each build (indexer/outside.py reads it).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from indexer.vntext import folded_syllables


def _words(text: str) -> str:
    """Folded syllables between spaces, so a phrase matches whole words only."""
    return f" {' '.join(folded_syllables(text))} "


@dataclass(frozen=True)
class UncoveredSubjects:
    phrases: tuple[str, ...]   # folded subject phrases

    @classmethod
    def of(cls, subjects: Iterable[str]) -> "UncoveredSubjects":
        return cls(tuple(_words(s).strip() for s in subjects))

    def named(self, said: str) -> tuple[str, ...]:
        """The subjects a question names, in the citizen's own words (synonyms added for matching would
        turn "sổ đỏ", which an entry covers, into "quyền sử dụng đất")."""
        text = _words(said)
        return tuple(p for p in self.phrases if f" {p} " in text)

    def blocks(self, said: str, entry_words: str) -> bool:
        """The question names an uncovered subject that this entry (words from `entry_text_words`) never mentions."""
        named = self.named(said)
        return bool(named) and not any(f" {s} " in entry_words for s in named)


def entry_text_words(texts: Iterable[str]) -> str:
    """An entry's title, questions and body as padded folded words, for `UncoveredSubjects.blocks`."""
    return _words(" ".join(texts))
