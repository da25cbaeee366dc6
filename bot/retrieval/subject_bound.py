"""Entries that hold for one subject only, though their words sound general.

"Giấy tờ cũ ghi tỉnh cũ còn dùng được không" after the 2025 merger of provinces is answered by a guide whose
words ("giấy tờ cũ", "có phải đổi không") also fit someone who moved house and asks about the address on their
card. Staff list, in the entry's front matter (`asked_with`), the phrases one of which a question must say for
the entry to be offered; otherwise it does not compete at all, so the question is decided as if it were not there.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.retrieval.answers import Retrieved
from indexer.knowledge import KnowledgeEntry
from indexer.vntext import folded_syllables


def _spaced(text: str) -> str:
    """Folded syllables between spaces, so a phrase matches whole words only, marks or none."""
    return f" {' '.join(folded_syllables(text))} "


@dataclass(frozen=True)
class SubjectBound:
    phrases: Mapping[str, tuple[str, ...]]   # entry id → its `asked_with` phrases, folded and spaced

    @classmethod
    def of(cls, entries: Iterable[KnowledgeEntry]) -> "SubjectBound":
        return cls({e.id: tuple(_spaced(p) for p in e.asked_with) for e in entries if e.asked_with})

    def kept(self, found: Retrieved, said: str) -> Retrieved:
        """What the retrievers found, without the subject-bound entries whose subject `said` does not name."""
        text = _spaced(said)
        unsaid = {i for i, phrases in self.phrases.items() if not any(p in text for p in phrases)}
        if not unsaid:
            return found
        return found.only(lambda entry_id: entry_id not in unsaid)
