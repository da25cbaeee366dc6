"""The staff-edited synonyms.yaml: abbreviations, synonyms, fillers and ambiguous short forms.

Folding merges distinct words (hong/hỏng/hồng, nha/nhà), so keys are kept as
typed and matched against the word as the citizen typed it: a key written
without marks ("hong") matches only a word typed without marks, a key written
with marks ("ạ") matches that word and its unmarked spelling; đ and d count as
the same letter ("đk" = "dk").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from indexer.vntext import fold, fold_syllable, syllables


def typed_form(word: str) -> str:
    """A word or phrase as typed: lowercase syllables with canonical tone placement."""
    return " ".join(syllables(word))


def typed_match(typed: str, key: str) -> bool:
    """Whether a typed word is a spelling of a key word (both in typed form); đ and d are one letter."""
    t, k = typed.replace("đ", "d"), key.replace("đ", "d")
    return t == k or (fold_syllable(t) == t and fold_syllable(k) == t)


def _phrases(words: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(typed_form(str(w)).split()) for w in words)


@dataclass(frozen=True)
class Reading:
    """One meaning of an ambiguous short form and the context that selects it.

    `words` None keeps the typed word; "" drops it (a particle). Every condition
    given must hold: `after` — one of these phrases comes just before the word;
    `before` — one comes just after; `after_number` — a number comes just before;
    `sentence_end` — only particles follow it in its sentence.
    """
    words: str | None = None
    after: tuple[tuple[str, ...], ...] = ()
    before: tuple[tuple[str, ...], ...] = ()
    after_number: bool = False
    sentence_end: bool = False


_READING_KEYS = {"thanh": "words", "sau": "after", "truoc": "before", "sau_so": "after_number", "cuoi_cau": "sentence_end"}


def _reading(raw: dict, where: str) -> Reading:
    if not isinstance(raw, dict) or set(raw) - set(_READING_KEYS):
        raise ValueError(f"{where}: mỗi nghĩa là một cặp {{...}} với các khóa {', '.join(_READING_KEYS)}")
    words = raw.get("thanh")
    return Reading(words=None if words is None else str(words).strip(),
                   after=_phrases(list(raw.get("sau") or [])), before=_phrases(list(raw.get("truoc") or [])),
                   after_number=bool(raw.get("sau_so")), sentence_end=bool(raw.get("cuoi_cau")))


@dataclass(frozen=True)
class Synonyms:
    """Staff-edited abbreviations (replaced), synonyms (added), fillers (dropped) and ambiguous short forms.

    Keys are stored in typed form (see `typed_form`).
    """
    abbreviations: dict[str, str] = field(default_factory=dict)
    synonyms: dict[str, str] = field(default_factory=dict)
    fillers: frozenset[str] = frozenset()  # politeness and filler phrases dropped before matching
    ambiguous: dict[str, tuple[Reading, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> "Synonyms":
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}

        def table(section: str) -> dict[str, str]:
            raw = data.get(section) or {}
            if not isinstance(raw, dict):
                raise ValueError(f"{path}: mục '{section}' phải là các cặp 'viết tắt: dạng đầy đủ'")
            return {typed_form(str(k)): str(v).strip() for k, v in raw.items()}

        fillers = data.get("bo_qua") or []
        if not isinstance(fillers, list):
            raise ValueError(f"{path}: mục 'bo_qua' phải là một danh sách (mỗi dòng bắt đầu bằng dấu -)")
        raw_ambiguous = data.get("nhieu_nghia") or {}
        if not isinstance(raw_ambiguous, dict) or not all(isinstance(v, list) for v in raw_ambiguous.values()):
            raise ValueError(f"{path}: mục 'nhieu_nghia' phải gồm 'từ:' và dưới nó danh sách các nghĩa (dấu -)")
        ambiguous = {typed_form(str(k)): tuple(_reading(r, f"{path}: nhieu_nghia/{k}") for r in v)
                     for k, v in raw_ambiguous.items()}
        return cls(table("viet_tat"), table("dong_nghia"), frozenset(typed_form(str(f)) for f in fillers), ambiguous)

    @property
    def key_words(self) -> set[str]:
        """Folded words of every key: known words, never typo-corrected into something else."""
        keys = [*self.abbreviations, *self.synonyms, *self.fillers, *self.ambiguous]
        return {w for key in keys for w in fold(key).split()}
