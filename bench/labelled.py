"""The labelled question sets, read into one shape, and how an answer to one of them is scored.

Sets: ../shared/eval/dev.jsonl (keywords an answer must contain), bench/calibration.jsonl and
bench/holdout.jsonl (`entry`: one id, null = out of scope, "?" = vague), bench/citizen_set.jsonl
(`entries`: acceptable ids, `oos`, `split` tune/holdout). The citizen holdout is never for tuning.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.dialogue.render import entry_text
from bot.retrieval.decision import Kind
from indexer.knowledge import KnowledgeEntry
from indexer.vntext import fold

HERE = Path(__file__).parent
VAGUE = "?"


@dataclass(frozen=True)
class Item:
    q: str
    entries: frozenset[str] = frozenset()          # acceptable entry ids
    must: tuple[tuple[str, ...], ...] = ()         # or: keyword groups the answer text must contain (dev set)
    oos: bool = False                              # out of scope: must not be answered
    vague: bool = False                            # too vague for one entry: "Ý bạn là…?" is right

    def accepts(self, entry: KnowledgeEntry) -> bool:
        if self.must:
            text = fold(entry_text(entry))
            return all(any(fold(k) in text for k in group) for group in self.must)
        return entry.id in self.entries


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


def dev(path: Path) -> list[Item]:
    return [Item(d["q"], must=tuple(tuple(g) for g in d["must"]), oos=bool(d.get("oos"))) for d in _lines(path)]


def single_label(path: Path) -> list[Item]:
    """calibration.jsonl / holdout.jsonl: one `entry` per question."""
    return [Item(d["q"], frozenset() if d["entry"] in (None, VAGUE) else frozenset([d["entry"]]),
                 oos=d["entry"] is None, vague=d["entry"] == VAGUE) for d in _lines(path)]


def citizen(path: Path, split: str) -> list[Item]:
    """One split of citizen_set.jsonl; only "tune" may be used to choose anything."""
    return [Item(d["q"], frozenset(d["entries"]), oos=bool(d.get("oos"))) for d in _lines(path) if d["split"] == split]


def outcome(item: Item, kind: str, entry: KnowledgeEntry | None, options: tuple[KnowledgeEntry, ...]) -> str:
    """right | wrong | offered | clarify_miss | miss | oos_rejected | oos_answered | oos_clarified | oos_procedure |
    oos_procedure_offered | vague_*."""
    if item.vague:
        return {Kind.ANSWER.value: "vague_guessed", Kind.CLARIFY.value: "vague_clarified"}.get(kind, "vague_rejected")
    if item.oos:
        # these sets were labelled before the catalogue existed: "out of scope" then meant "no entry covers it",
        # and many such questions (land, construction, pensions) are now procedure look-ups
        if kind == Kind.ANSWER.value and entry is not None and entry.from_catalogue:
            return "oos_procedure"
        if kind == Kind.CLARIFY.value and options and all(o.from_catalogue for o in options):
            return "oos_procedure_offered"
        return {Kind.ANSWER.value: "oos_answered", Kind.CLARIFY.value: "oos_clarified"}.get(kind, "oos_rejected")
    if kind == Kind.ANSWER.value:
        return "right" if item.accepts(entry) else "wrong"
    if kind == Kind.CLARIFY.value:
        return "offered" if any(item.accepts(o) for o in options) else "clarify_miss"
    return "miss"
