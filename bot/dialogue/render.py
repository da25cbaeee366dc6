"""How an answer reads on a phone: one function for every outcome, used by every channel and by `dvcbot ask`.

So what is measured (ask --json) is what citizens read. A long answer's first
bubble stops at about 400 characters, with "Xem chi tiết" for the rest.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from urllib.parse import quote

from bot.core.labels import short_label, sibling_labels, told_apart
from bot.core.markup import to_plain
from bot.core.messages import Button, Reply, numbered_texts
from bot.core.payloads import Act, ask_team_button, encode, handoff_button, menu_button
from bot.core.wording import DEFAULT_YOU, say, speak_to
from bot.dialogue.share import share_button
from bot.dialogue.steps import detail_of, is_detail, is_procedural, summary
from bot.retrieval.answers import Answer, InputKind
from bot.retrieval.aspects import ASPECTS
from bot.retrieval.decision import Kind
from bot.retrieval.follow_up import Focused
from bot.retrieval.keywords import search_keywords
from bot.retrieval.places import province_display
from indexer.knowledge import KnowledgeEntry
from indexer.vntext import has_diacritics, syllables

MAX_LINK_BUTTONS = 3
FIRST_BUBBLE_CHARS = 400
_SLACK = 60                # a rest that fits in this much more is shown at once rather than behind "Xem chi tiết"
_HEAD_CHARS = 120          # of the first bubble, a title counts this much at most: the portal's names run to 300
                           # characters, and had pushed a card's where, fee and time behind "Xem chi tiết"


def _split_body(head: str, body_lines: list[str]) -> tuple[list[str], list[str]]:
    """Lines for the first bubble (about FIRST_BUBBLE_CHARS with the head) and the rest."""
    shown, size = [], min(len(head), _HEAD_CHARS)
    for i, line in enumerate(body_lines):
        if shown and size + len(line) + 1 > FIRST_BUBBLE_CHARS:
            rest = body_lines[i:]
            if size + sum(len(r) + 1 for r in rest) <= FIRST_BUBBLE_CHARS + _SLACK:
                return body_lines, []
            if shown[-1].rstrip().endswith(":"):   # a heading is shown with the line it heads
                shown, rest = shown + rest[:1], rest[1:]
            return shown, rest
        shown.append(line)
        size += len(line) + 1
    return shown, []


def _reviewed(entry: KnowledgeEntry) -> str:
    if entry.from_catalogue:  # read from the portal on that day, not reviewed by our staff
        return say("card_taken", date=entry.reviewed.strftime("%d/%m/%Y"))
    return say("reviewed", date=entry.reviewed.strftime("%d/%m/%Y"))


def reviewed_line(entry: KnowledgeEntry) -> str:
    """The same date line outside the chat (the public page of a shared answer)."""
    return _reviewed(entry)


def entry_text(entry: KnowledgeEntry, with_links: bool = True, today: dt.date | None = None) -> str:
    """The whole answer in one text (`dvcbot show`, the bench); channels with link buttons pass with_links=False."""
    parts = [entry.title, *([say("outdated")] if entry.expired(today) else []), "", summary(entry.body)]
    if entry.links and with_links:
        parts += ["", say("links_heading")] + [f"• {link.title}: {link.url}" for link in entry.links]
    parts += ["", _reviewed(entry)]
    return "\n".join(parts)


def _texts_of(entries: list[KnowledgeEntry]) -> list[list[str]]:
    return [syllables(t.lower()) for e in entries for t in (e.title, *e.questions, summary(e.body))]


def restoration_is_attested(restored: str, entries: list[KnowledgeEntry]) -> bool:
    """Every word we added diacritics to sits next to a neighbour exactly as in the knowledge text.

    "đăng ký định danh mức 2" passes; "vneid mức hải" or "làm định đã mức 2" do not: they are not
    phrases our own Vietnamese uses, so showing them would cost the citizen's trust.
    """
    words = syllables(restored.lower())
    texts = _texts_of(entries)
    unigrams = {w for t in texts for w in t}
    bigrams = {pair for t in texts for pair in zip(t, t[1:])}
    for i, w in enumerate(words):
        if not has_diacritics(w):
            continue
        left = i > 0 and (words[i - 1], w) in bigrams
        right = i + 1 < len(words) and (w, words[i + 1]) in bigrams
        alone = len(words) == 1 and w in unigrams
        if not (left or right or alone):
            return False
    return True


def restored_note(answer: Answer | None, you: str = DEFAULT_YOU) -> list[str]:
    """"(Tôi hiểu câu hỏi là: …)" when diacritics were added and the result is Vietnamese we know."""
    if not answer or not answer.query or not answer.query.restored:
        return []
    entries = [answer.entry] if answer.entry else list(answer.options)
    if not entries or not restoration_is_attested(answer.query.text, entries):
        return []
    return [say("restored", you=you, restored=answer.query.said)]


def entry_replies(entry: KnowledgeEntry, notes: list[str], related: tuple[KnowledgeEntry, ...],
                  you: str = DEFAULT_YOU) -> list[Reply]:
    """The answer bubble (link buttons, "Xem chi tiết" when long, "Làm từng bước" when it is a procedure),
    then follow-ups when there are any."""
    links = tuple(Button(link.title, url=link.url) for link in entry.links[:MAX_LINK_BUTTONS])
    head = "\n".join(notes + [entry.title]) + "\n\n"
    shown, rest = _split_body(head, speak_to(summary(entry.body), you).splitlines())
    text = head + "\n".join(shown) + ("" if rest else "\n\n" + _reviewed(entry))
    buttons = links
    if rest:
        buttons += (Button(say("btn_more"), encode(Act.MORE, entry.id)),)
    if is_procedural(entry.body):
        buttons += (Button(say("btn_steps"), encode(Act.STEPS, entry.id, 1)),)
    # last, after what the answer itself needs: on Zalo (four buttons) a full card shares from a text line instead
    buttons += (share_button(entry.id),)
    replies = [Reply(text, buttons, entry_id=entry.id)]
    if related:
        replies.append(Reply(say("related", you=you), tuple(Button(short_label(e.title), encode(Act.ENTRY, e.id))
                                                             for e in related)))
    return replies


def focused_replies(focused: Focused, you: str = DEFAULT_YOU) -> list[Reply]:
    """A follow-up about the entry just answered: the part that answers it, or plainly that the guide does not
    say; the whole guide and a person one press away either way."""
    entry = focused.entry
    card = "_card" if entry.from_catalogue else ""    # the portal's data is called so, not a guide
    title = short_label(entry.title.rstrip(". "))   # the portal's names run long and may end with a stop
    whole = Button(say(f"btn_whole{card or '_guide'}"), encode(Act.ENTRY, entry.id))
    if focused.passage is None:   # the part asked named, so two parts asked in turn get two different replies
        part = say(f"part_{focused.aspect}") if focused.aspect in ASPECTS else ""
        silent = f"follow_up_silent{card}" + ("_part" if part else "")
        # a card silent on the part asked points to the portal's own page, which may say more
        page = tuple(Button(link.title, url=link.url) for link in entry.links[:1]) if card and part else ()
        return [Reply(say(silent, you=you, title=title, part=part),
                      (*page, ask_team_button(), whole, menu_button()), rateable=True)]
    card = card or ("_card" if focused.portal_only else "")   # the guide is not said to write the portal's figures
    text = say(f"follow_up_part{card}", you=you, title=title) + "\n\n" + speak_to(_details_shown(focused.passage), you)
    return [Reply(text, (whole, share_button(entry.id)), entry_id=entry.id)]


def _details_shown(part: str) -> str:
    """A step's detail lines ("> …" in the knowledge file) as step-by-step mode shows them, for a part quoted alone."""
    return "\n".join(say("step_detail", detail=detail_of(line)) if is_detail(line) else line
                     for line in part.splitlines())


def more_replies(entry: KnowledgeEntry, you: str = DEFAULT_YOU) -> list[Reply]:
    """The rest of a long answer, after "Xem chi tiết"."""
    head = entry.title + "\n\n"
    _, rest = _split_body(head, speak_to(summary(entry.body), you).splitlines())
    text = "\n".join(rest + ["", _reviewed(entry)]).strip()
    buttons = (Button(say("btn_steps"), encode(Act.STEPS, entry.id, 1)),) if is_procedural(entry.body) else ()
    return [Reply(text, buttons + (menu_button(),))]


def search_url(question: str | None) -> str:
    """The portal's procedure search, prefilled with the citizen's key words when there are any."""
    words = search_keywords(question or "")
    base = say("search_url")
    return f"{base}?keyword={quote(' '.join(words))}" if words else base


def dont_know_replies(question: str, you: str = DEFAULT_YOU) -> list[Reply]:
    url = search_url(question)
    # the link is on the button only (a raw URL overflows a phone bubble); open to a 👎 like any reply to a question
    return [Reply(say("dont_know", you=you),
                  (Button(say("btn_portal_search"), url=url), ask_team_button(), menu_button()), rateable=True)]


def other_language_replies(language: str) -> list[Reply]:
    key = {"en": "other_language_en", "zh": "other_language_zh"}.get(language, "other_language")
    return [Reply(say(key), (handoff_button(), menu_button()))]


def language_of(answer: Answer) -> str:
    return "zh" if any("CJK" in unicodedata.name(c, "") for c in answer.question) else "other"


def choices_reply(text: str, entries: Sequence[KnowledgeEntry], rateable: bool = True) -> Reply:
    """"Ý bạn là…?" and its kin: one button per entry to open it, "none of these", and a 👎 (an ask-back that
    did not help is said to have: a citizen pressed 👎 after "Có mấy thủ tục…" and found none to press).
    Not `rateable` when it follows an answer that has its own rating."""
    tags = [say("label_province", province=province_display(e.provinces[0])) if e.provinces
            else say("label_national") for e in entries]
    labels = told_apart(sibling_labels([e.title for e in entries]), tags)
    buttons = tuple(Button(label, encode(Act.ENTRY, e.id)) for label, e in zip(labels, entries))
    return Reply(text, buttons + (Button(say("btn_none_of_these"), encode(Act.REPHRASE)),), rateable=rateable)


def answer_replies(answer: Answer, you: str = DEFAULT_YOU) -> list[Reply]:
    """Everything a citizen sees for one looked-up question (the dialogue adds the rating prompt)."""
    notes = [Reply(say("truncated", you=you))] if answer.truncated else []
    if answer.kind == Kind.ANSWER.value and answer.entry:
        return notes + entry_replies(answer.entry, restored_note(answer, you), answer.related, you)
    if answer.kind == Kind.CLARIFY.value:
        # "several near-identical procedures" only when there are several
        several = len(answer.options) > 1 and all(e.from_catalogue for e in answer.options)
        asked = "clarify_procedure" if several else "clarify"
        return notes + [choices_reply("\n".join(restored_note(answer, you) + [say(asked, you=you)]), answer.options)]
    if answer.kind == Kind.DONT_KNOW.value:
        return notes + dont_know_replies(answer.question, you)
    if answer.kind == InputKind.OTHER_LANGUAGE:
        return notes + other_language_replies(language_of(answer))
    return notes + [Reply(say(answer.kind, you=you), (menu_button(),))]  # empty, no words


def plain_turn(replies: list[Reply]) -> str:
    """One turn as read on a channel without buttons: numbered choices, 🔗 links, no markup."""
    return to_plain("\n\n".join(numbered_texts(replies)))


def answer_text(answer: Answer) -> str:
    """Exactly what a citizen reads for this question (`dvcbot ask` prints this)."""
    return plain_turn(answer_replies(answer))
