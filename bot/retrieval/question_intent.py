"""What a question asks for (how, what, compared with, failed, cost, time…), from cue phrases.

An entry's intent is read from its own title and questions the same way, so the
ranking can prefer the entry whose intent matches the question's. Cues live in
question_intents.yaml.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from indexer.vntext import fold, folded_syllables

DEFAULT_FILE = Path(__file__).with_name("question_intents.yaml")


@dataclass(frozen=True)
class IntentCues:
    cues: dict[str, tuple[str, ...]]   # intent → folded cue phrases
    specific: frozenset[str]           # intents an entry must be asked for

    @classmethod
    def load(cls, path: Path | None = None) -> "IntentCues":
        data = yaml.safe_load(Path(path or DEFAULT_FILE).read_text(encoding="utf-8"))
        cues = {k: tuple(" ".join(fold(str(c)).split()) for c in v) for k, v in data["intents"].items()}
        return cls(cues, frozenset(data["specific"]))

    def of(self, terms: Sequence[str]) -> frozenset[str]:
        """Intents whose cue phrase occurs in these folded words."""
        text = f" {' '.join(terms)} "
        return frozenset(k for k, phrases in self.cues.items() if any(f" {p} " in text for p in phrases))

    def profile(self, texts: Iterable[str]) -> dict[str, float]:
        """Share of the texts (an entry's title and questions) that carry each intent."""
        found = [self.of(folded_syllables(t)) for t in texts]
        return {k: sum(k in f for f in found) / len(found) for k in self.cues} if found else {}

    def match(self, asked: frozenset[str], profile: dict[str, float]) -> tuple[float, float]:
        """(agreement, mismatch): intents asked that the entry is about, specific intents it is about unasked."""
        agree = sum(profile.get(k, 0.0) for k in asked)
        clash = sum(profile.get(k, 0.0) for k in self.specific - asked)
        return agree, clash
