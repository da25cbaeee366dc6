"""The lines of a curated guide, as staff wrote them, that answer a part of its procedure asked ("mất bao lâu",
"lệ phí bao nhiêu") or a number to call: what a follow-up is answered with before the portal's figures."""
from __future__ import annotations

import re
from collections.abc import Callable

from bot.privacy.redact import HOTLINE
from bot.retrieval.aspects import aspect_hints
from bot.retrieval.follow_up import parts_of, passage
from bot.retrieval.procedure_card import states_amount
from indexer.knowledge import KnowledgeEntry
from indexer.vntext import fold

# "vậy gọi số nào", "số điện thoại bao nhiêu": a number to call, which a guide's line gives in digits
_CALL_ASKED = re.compile(r"\b(goi|lien he|lien lac) (so|dau|ai|cho ai)\b|\bso (dien thoai|dt)\b|\bsdt\b|\bhotline\b"
                         r"|\btong dai\b")
# what a guide's step of doing it online says ("Đăng nhập Cổng DVC quốc gia bằng VNeID…"), folded: "làm online được
# không" after the unemployment guide had been told the guide does not say
_ONLINE_STEP = ("dang", "nhap", "cong")


def own_lines(written: KnowledgeEntry | None, aspects: tuple[str, ...], idf: Callable[[str], float]) -> list[str]:
    """The guide's own lines about each part asked, each line once (two parts may share one); none for a card."""
    if written is None:
        return []
    return list(dict.fromkeys(line for a in aspects for line in _lines_of(written, a, idf)))


def _lines_of(written: KnowledgeEntry, aspect: str, idf: Callable[[str], float]) -> list[str]:
    """The line about one part ("… tới UBND xã nơi cư trú của một trong hai người" for "ở đâu"). For the fee, the
    lines stating sums too, in the guide's order: the line the fee's words point to may say only who is exempt
    ("miễn lệ phí: trẻ em…")."""
    hints = list(aspect_hints(aspect)) + (list(_ONLINE_STEP) if aspect == "online" else [])
    line = passage(written, hints, idf, 0.0, one_rare=False)
    if aspect != "fee":
        return [line] if line else []
    return [p for p in parts_of(written.body) if p == line or states_amount(p)]


def call_line(focus: KnowledgeEntry, question: str) -> str | None:
    """The guide's first line with a public line to call (1800…, 1900…), for "vậy gọi số nào" (its words share
    only "gọi")."""
    if not _CALL_ASKED.search(fold(question)):
        return None
    return next((part for part in parts_of(focus.body) if HOTLINE.search(part)), None)
