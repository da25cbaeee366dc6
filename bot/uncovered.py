"""Subjects the knowledge base does not cover: a question naming one is not answered by an entry silent on it.

Ranking always finds a nearest entry; "quên mật khẩu VssID" lands on the VNeID password steps with a
high score because every other word matches. The subject list lives in uncovered.yaml.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from indexer.vntext import folded_syllables

DEFAULT_FILE = Path(__file__).with_name("uncovered.yaml")


def _words(text: str) -> str:
    """Folded syllables between spaces, so a phrase matches whole words only."""
    return f" {' '.join(folded_syllables(text))} "


@dataclass(frozen=True)
class UncoveredSubjects:
    phrases: tuple[str, ...]   # folded subject phrases

    @classmethod
    def load(cls, path: Path | None = None) -> "UncoveredSubjects":
        data = yaml.safe_load(Path(path or DEFAULT_FILE).read_text(encoding="utf-8"))
        return cls(tuple(_words(str(s)).strip() for s in data["subjects"]))

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
