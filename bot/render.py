"""How an answer reads on a phone: the steps, then the portal links, then the review date."""
from __future__ import annotations

import datetime as dt

from bot.answerer import Answer
from bot.decision import Kind
from bot.wording import say
from indexer.knowledge import KnowledgeEntry


def entry_text(entry: KnowledgeEntry, with_links: bool = True, today: dt.date | None = None) -> str:
    """Channels with link buttons pass with_links=False so a link is not shown twice."""
    parts = [entry.title, *([say("outdated")] if entry.expired(today) else []), "", entry.body.strip()]
    if entry.links and with_links:
        parts += ["", say("links_heading")] + [f"• {link.title}: {link.url}" for link in entry.links]
    parts += ["", say("reviewed", date=entry.reviewed.strftime("%d/%m/%Y"))]
    return "\n".join(parts)


def restored_note(answer: Answer | None) -> list[str]:
    """"(Tôi hiểu câu hỏi là: …)" when diacritics were added to the citizen's words."""
    return [say("restored", restored=answer.query.text)] if answer and answer.query and answer.query.restored else []


def reply_text(answer: Answer) -> str:
    """Everything a citizen sees for one looked-up question."""
    notes = [say("truncated")] if answer.truncated else []
    if answer.kind == Kind.ANSWER.value and answer.entry:
        return "\n".join(notes + restored_note(answer) + [entry_text(answer.entry)])
    if answer.kind == Kind.CLARIFY.value:
        notes += restored_note(answer)
        options = [f"{i}. {e.title}" for i, e in enumerate(answer.options, 1)]
        return "\n".join(notes + [say("clarify"), *options])
    if answer.kind == Kind.DONT_KNOW.value:
        return "\n".join(notes + [say("dont_know")])
    return say(answer.kind)
