"""A part asked of choices not yet made ("mất bao lâu" after the land procedures were offered): one line per
choice from the portal's records, side by side, so the citizen can choose by it."""
from __future__ import annotations

from bot.core.wording import say
from bot.retrieval.aspects import asked_aspects
from bot.retrieval.context_reading import ContextReader
from bot.retrieval.follow_up import unnumbered
from bot.retrieval.procedure_card import COMPARABLE, aspect_line, states_amount, states_duration
from bot.retrieval.question_says import length_said
from indexer.knowledge import KnowledgeEntry

_COMPARED_WORDS = 12  # a part asked of choices not made, in a question this short, is set side by side for each


def compared(reader: ContextReader, choices: list[str], question: str) -> list[tuple[KnowledgeEntry, str]]:
    """Each choice with its record's line on the parts asked ("phi bn, bao lau co": both); [] unless some
    choice's record says one."""
    aspects = [a for a in asked_aspects(question) if a in COMPARABLE]
    if reader.procedures is None or not aspects or length_said(question) > _COMPARED_WORDS:
        return []
    entries = [e for e in (reader.entry(c, question, "") for c in choices) if e is not None]
    named = [reader.portal.named_procedure(e.id, question, "") for e in entries]
    lines = ["; ".join(filter(None, (aspect_line(p, a) for a in aspects))) if p else None for p in named]
    # where the portal's record is silent, a guide staff wrote may say it ("khai tử trễ mấy ngày thì bị phạt": the
    # death guide's "trong 15 ngày kể từ ngày mất", beside records that state no time)
    lines = [line or _guide_line(reader, e, aspects) for e, line in zip(entries, lines)]
    if not any(lines):
        return []
    return [(e, line or say("compare_unknown")) for e, line in zip(entries, lines)]


def _guide_line(reader: ContextReader, entry: KnowledgeEntry, aspects: list[str]) -> str | None:
    """The first of a curated guide's own lines on the parts asked that states them (a time line must name a
    time); None for a portal card or a guide silent on them."""
    if entry.from_catalogue:
        return None
    lines = [line for line in reader.own_lines(entry.id, tuple(aspects))
             if ("time" not in aspects or states_duration(line)) and ("fee" not in aspects or states_amount(line)
                                                                       or "miễn" in line.lower())]
    return say("compare_guide", line=" ".join(unnumbered(lines[0]).split())) if lines else None
