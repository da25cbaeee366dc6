"""Synonyms keys, and words that cue a case of sibling procedures, that typed without diacritics also spell a
different word of the knowledge text.

A citizen typing without marks cannot tell "hong" (không) from "hỏng" or "hồng":
if the knowledge base uses such a word, the key will sometimes rewrite it.
Staff are warned (not failed) so they can move the key to `nhieu_nghia`. Case cues are matched folded: "hội"
cued the organisations' case in every "cho hỏi…", so staff are told to use a longer phrase.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from indexer.entry_text import plain
from indexer.knowledge import KnowledgeEntry
from indexer.synonyms import Synonyms, typed_form, typed_match
from indexer.vntext import fold, has_diacritics, syllables


@dataclass(frozen=True)
class Collision:
    section: str                 # viet_tat, dong_nghia or bo_qua; for a case cue, the case
    key: str
    words: tuple[str, ...]       # the marked knowledge words it folds onto
    entries: tuple[str, ...]     # ids of entries using them (a few)
    cue: bool = False            # a word of catalogue/phan-biet.yaml, not a synonyms key

    def __str__(self) -> str:
        found = ", ".join(f"«{w}»" for w in self.words)
        if self.cue:
            return (f"catalogue/phan-biet.yaml: «{self.key}» ({self.section}) so khớp khi đã bỏ dấu nên trùng với "
                    f"{found} trong kiến thức (ví dụ {', '.join(self.entries)}); nếu không cố ý, hãy thay bằng cụm "
                    f"từ dài hơn")
        return (f"synonyms.yaml: «{self.key}» ({self.section}) gõ không dấu trùng với {found} trong kiến thức "
                f"(ví dụ {', '.join(self.entries)}); nếu người gõ không dấu có thể muốn nói từ đó, hãy bỏ khóa này "
                f"hoặc chuyển nó sang mục nhieu_nghia")


def _marked_grams(entries: Iterable[KnowledgeEntry], sizes: set[int]) -> dict[str, dict[str, set[str]]]:
    """Folded n-gram → marked spelling → ids of the entries writing it."""
    seen: dict[str, dict[str, set[str]]] = {}
    for e in entries:
        words = syllables(" ".join([e.title, *e.questions, plain(e.body)]))
        for n in sizes:
            for i in range(len(words) - n + 1):
                gram = " ".join(words[i:i + n])
                if has_diacritics(gram.replace("đ", "d")):  # đ alone is not a mark: "đi" = "di"
                    seen.setdefault(fold(gram), {}).setdefault(gram, set()).add(e.id)
    return seen


def cue_collisions(cues: Mapping[str, Iterable[str]], entries: Iterable[KnowledgeEntry]) -> list[Collision]:
    """Case cues (case → the words citizens use for it, marked) that fold onto a different marked word or phrase."""
    seen = _marked_grams(entries, {len(c.split()) for cs in cues.values() for c in cs})
    found = []
    for case, words in cues.items():
        for cue in words:
            others = {w: ids for w, ids in seen.get(fold(cue), {}).items()
                      if w.lower().replace("đ", "d") != cue.lower().replace("đ", "d")}
            if others:
                ids = sorted({i for v in others.values() for i in v})[:3]
                found.append(Collision(case, cue, tuple(sorted(others)), tuple(ids), cue=True))
    return found


def folding_collisions(synonyms: Synonyms, entries: Iterable[KnowledgeEntry]) -> list[Collision]:
    """Keys (except the context-resolved nhieu_nghia) that fold onto a different marked word or phrase."""
    sections = {"viet_tat": synonyms.abbreviations, "dong_nghia": synonyms.synonyms,
                "bo_qua": {k: "" for k in synonyms.fillers}}
    seen = _marked_grams(entries, {len(k.split()) for table in sections.values() for k in table})
    found = []
    for section, table in sections.items():
        for key, value in table.items():
            if any(typed_match(fold(key), k) for k in synonyms.ambiguous):
                continue  # typed without marks it is read by context (nhieu_nghia), not by this key
            meant = {key.replace("đ", "d"), typed_form(value).replace("đ", "d")}
            others = {w: ids for w, ids in seen.get(fold(key), {}).items() if w.replace("đ", "d") not in meant}
            if others:
                ids = sorted({i for v in others.values() for i in v})[:3]
                found.append(Collision(section, key, tuple(sorted(others)), tuple(ids)))
    return found
