"""Which part of a procedure a question asks (giấy tờ / lệ phí / thời hạn / nơi nộp / online / ai), from the cues
staff list in procedure_aspects.yaml: what a follow-up is answered with, and which part of a card comes first."""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

from indexer.vntext import fold, has_diacritics, spelled_in, syllables

ASPECTS_FILE = Path(__file__).with_name("procedure_aspects.yaml")
ASPECTS = ("documents", "fee", "time", "where", "online", "who")


@lru_cache(maxsize=1)
def _phrases() -> dict[str, list[str]]:
    """The cues of each part as staff wrote them (procedure_aspects.yaml), read once."""
    data = yaml.safe_load(ASPECTS_FILE.read_text(encoding="utf-8"))
    return {aspect: [str(c) for c in data[aspect]] for aspect in ASPECTS}


@lru_cache(maxsize=1)
def _cues() -> dict[str, tuple[str, ...]]:
    return {aspect: tuple(" ".join(syllables(fold(c))) for c in cues) for aspect, cues in _phrases().items()}


# "nộp online mất bao nhiêu tiền" asks the fee: "online" is most often how, not what, so it counts last
_PRIORITY = ("fee", "time", "documents", "where", "who", "online")


@lru_cache(maxsize=1)
def aspect_words() -> frozenset[str]:
    """Every folded word that asks for a part of a procedure ("lệ phí", "mấy ngày", "ở đâu")."""
    return frozenset(w for cues in _cues().values() for cue in cues for w in cue.split())


@lru_cache(maxsize=1)
def _marked_aspect_words() -> frozenset[str]:
    return frozenset(w for cues in _phrases().values() for cue in cues for w in syllables(cue.lower()))


def is_aspect_word(word: str) -> bool:
    """A word that asks for a part, marks compared when it has them: folded, "tiến độ" would be "tiền" and "theo
    dõi" "đợi"."""
    return spelled_in(word, _marked_aspect_words(), aspect_words())


# words of the cues that say nothing of the part itself ("bao nhiêu", "có … không", "ở")
# "cong" and "qua" too: folded, "trên cổng" and "qua mạng" would find every "công an" and "kết quả"
_CUE_GRAMMAR = frozenset("bao nhieu may khi nao co gi o dau cho lam di den len ra khong duoc the nhu hay het "
                         "ai tai nha can mat bn xong gio cong qua phai khoi".split())


@lru_cache(maxsize=8)
def aspect_hints(aspect: str) -> tuple[str, ...]:
    """Words a text about one part of a procedure uses ("ngày", "hạn" for the time limit; "phí", "tiền" for the
    fee): what a guide's line answering "mất bao lâu?" shares with the question's cues."""
    return tuple(sorted({w for cue in _cues()[aspect] for w in cue.split()} - _CUE_GRAMMAR))


def asked_aspects(question: str) -> tuple[str, ...]:
    """Every part a question asks about a procedure, first the one that leads ("thời hạn bao nhiêu ngày, và có
    phải nộp lệ phí không": fee, then time). A word typed with marks is compared with the cue's own: "phải đổi lại"
    is no "phải đợi"; one typed without counts folded ("le phi bao nhiêu")."""
    typed = syllables(unicodedata.normalize("NFC", question.lower()))
    folded = [fold(w) for w in typed]
    text = " " + " ".join(folded) + " "
    asked = {aspect for aspect, cues in _marked_cues().items() for cue, own in cues
             if f" {cue} " in text and _said_as(cue, own, typed, folded)}
    return tuple(a for a in _PRIORITY if a in asked)


def _said_as(cue: str, own: str, typed: list[str], folded: list[str]) -> bool:
    """Somewhere the question says the folded `cue` with no word marked otherwise than the cue's `own` marks."""
    words, marks = cue.split(), own.split()
    n = len(words)
    return any(folded[i:i + n] == words and all(not has_diacritics(t) or t == m for t, m in zip(typed[i:i + n], marks))
               for i in range(len(folded) - n + 1))


@lru_cache(maxsize=1)
def _marked_cues() -> dict[str, tuple[tuple[str, str], ...]]:
    """Each part's cues folded, each with its own marks as staff wrote it."""
    return {aspect: tuple(zip(_cues()[aspect], (" ".join(syllables(unicodedata.normalize("NFC", c.lower())))
                                                for c in cues))) for aspect, cues in _phrases().items()}


def asked_aspect(question: str) -> str | None:
    """The one thing a question asks about a procedure, if it names one (the first of several)."""
    return next(iter(asked_aspects(question)), None)
