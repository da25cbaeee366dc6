"""A part asked of choices not yet made ("mất bao lâu" after the land procedures were offered): one line per
choice from the portal's records, side by side, so the citizen can choose by it."""
from __future__ import annotations

from bot.core.wording import say
from bot.retrieval.aspects import asked_aspects
from bot.retrieval.context_reading import ContextReader, length_said
from bot.retrieval.procedure_card import COMPARABLE, aspect_line
from indexer.knowledge import KnowledgeEntry

_COMPARED_WORDS = 12  # a part asked of choices not made, in a question this short, is set side by side for each


def compared(reader: ContextReader, choices: list[str], question: str) -> list[tuple[KnowledgeEntry, str]]:
    """Each choice with its record's line on the parts asked ("phi bn, bao lau co": both); [] unless some
    choice's record says one."""
    aspects = [a for a in asked_aspects(question) if a in COMPARABLE]
    if reader.procedures is None or not aspects or length_said(question) > _COMPARED_WORDS:
        return []
    entries = [e for e in (reader.entry(c, question, "") for c in choices) if e is not None]
    named = [reader.named_procedure(e.id, question, "") for e in entries]
    lines = ["; ".join(filter(None, (aspect_line(p, a) for a in aspects))) if p else None for p in named]
    if not any(lines):
        return []
    return [(e, line or say("compare_unknown")) for e, line in zip(entries, lines)]
