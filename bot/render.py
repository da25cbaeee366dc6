"""How an answer reads on a phone: one function for every outcome, used by every channel and by `dvcbot ask`.

So what is measured (ask --json) is what citizens read.
"""
from __future__ import annotations

import datetime as dt

from bot.answerer import Answer
from bot.conversation import Button, Reply, numbered_texts
from bot.decision import Kind
from bot.markup import to_plain
from bot.wording import say
from indexer.knowledge import KnowledgeEntry

MAX_LINK_BUTTONS = 3


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


def entry_replies(entry: KnowledgeEntry, notes: list[str], related: tuple[KnowledgeEntry, ...]) -> list[Reply]:
    """The answer bubble (steps, link buttons, "Làm từng bước"), then follow-ups when there are any."""
    links = tuple(Button(link.title, url=link.url) for link in entry.links[:MAX_LINK_BUTTONS])
    replies = [Reply("\n".join(notes + [entry_text(entry, with_links=False)]),
                     links + (Button(say("btn_steps"), f"steps:{entry.id}:1"),), entry_id=entry.id)]
    if related:
        replies.append(Reply(say("related"), tuple(Button(e.title, f"entry:{e.id}") for e in related)))
    return replies


def answer_replies(answer: Answer) -> list[Reply]:
    """Everything a citizen sees for one looked-up question (the dialogue adds the rating prompt)."""
    notes = [Reply(say("truncated"))] if answer.truncated else []
    if answer.kind == Kind.ANSWER.value and answer.entry:
        return notes + entry_replies(answer.entry, restored_note(answer), answer.related)
    if answer.kind == Kind.CLARIFY.value:
        buttons = tuple(Button(e.title, f"entry:{e.id}") for e in answer.options)
        return notes + [Reply("\n".join(restored_note(answer) + [say("clarify")]),
                              buttons + (Button(say("btn_none_of_these"), "ask_team"),))]
    if answer.kind == Kind.DONT_KNOW.value:
        return notes + [Reply(say("dont_know"), (Button(say("btn_portal_search"), url=say("search_url")),
                                                Button(say("btn_ask_team"), "ask_team")))]
    return notes + [Reply(say(answer.kind))]  # empty, no words, other language


def plain_turn(replies: list[Reply]) -> str:
    """One turn as read on a channel without buttons: numbered choices, 🔗 links, no markup."""
    return to_plain("\n\n".join(numbered_texts(replies)))


def answer_text(answer: Answer) -> str:
    """Exactly what a citizen reads for this question (`dvcbot ask` prints this)."""
    return plain_turn(answer_replies(answer))
