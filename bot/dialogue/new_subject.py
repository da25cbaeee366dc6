"""Whether a question goes on about what was just shown (an answer, or choices not yet made) or is a subject of
its own: the readings the dialogue makes before it treats a question as a follow-up."""
from __future__ import annotations

import dataclasses
import re

from bot.dialogue.turn import Turn
from bot.retrieval.answers import Answer
from bot.retrieval.aspects import aspect_words
from bot.retrieval.decision import Kind
from bot.retrieval.follow_up import has_cue
from bot.retrieval.places import place_words
from bot.retrieval.question_says import subject_unsaid
from bot.retrieval.tier_arbitration import title_subject
from indexer.knowledge import KnowledgeEntry
from indexer.vntext import common_runs, fold, syllables

SUBJECTLESS_WORDS = 10   # a question this short that no entry answers alone may lack only its subject
_PLACE_SAID = re.compile(r"\bnơi (?:thường trú|tạm trú|cư trú|ở)\b|\b(?:đến|ra|lên|về|tới) cơ quan [^,.?!;]*")


def own_question(turn: Turn, text: str, answer: Answer) -> bool:
    """A long message that finds an entry of its own first, not a choice offered, is a new question, not a part
    asked of the choices: "à còn mẹ mình 56 tuổi sắp nghỉ hưu…, hồ sơ hưởng lương hưu làm ở đâu" after the
    old-age allowances had been asked which of them it was for."""
    first = answer.entry or (answer.options[0] if answer.options else None)
    if first is None or answer.query is None or first.id in turn.choices:
        return False
    # it must say what that entry is about, not only a part or a place ("trả lời chung chung quá, mình muốn
    # biết phí cụ thể ở Gia Lai" asks the choices' fee, and finds Gia Lai's land procedures by "phí"; its
    # "chung" is not their "chứng", so words are compared as read, with diacritics)
    # the province as named, old names too ("tỉnh Thừa Thiên Huế" is in the title of Huế's own procedures)
    places = place_words(text)
    about = title_subject(first.title) - aspect_words()
    title = syllables(first.title.lower())
    subject = {w for w in title if fold(w) in about}
    # the question as the search read it, without the synonyms added for matching ("đóng tiền" brings "thanh
    # toán", which had made "… mà e cũng phải đóng tiền hả chị" a question of its own about failed payments),
    # and without a place ("về công an xã nơi thường trú làm", "hay phải đến cơ quan bảo hiểm xã hội" ask where,
    # of the procedures in question)
    read = [w if fold(w) not in places else "" for w in syllables(_PLACE_SAID.sub(" ", answer.query.said.lower()))]
    # a stretch of its title with a word of its subject ("hưởng lương hưu"), not the subject's words scattered
    # ("nuôi con nhỏ" is no "làm con nuôi")
    runs = [" ".join(read[end - n:end]) for end, n in common_runs(read, title)
            if n >= 2 and subject & set(read[end - n:end])]
    if not runs or len(syllables(text)) > SUBJECTLESS_WORDS + 2:
        return bool(runs)
    # short, it may only lack the choices' subject, or ask a paper to bring for them ("phải mang giấy khai sinh
    # không"); its own when no choice's text says what it names ("khai tu tre co bi phat ko, han chot may ngay"
    # after pension procedures had got each one's time)
    if turn.answerer.only_aspect(text):
        return False
    texts = [f" {' '.join(syllables(f'{e.title} {e.body}'.lower()))} "
             for e in (turn.answerer.entry(c) for c in turn.choices) if e is not None]
    return not any(f" {run} " in t for run in runs for t in texts)


def says_no_subject_of(answer: Answer, shown: list[str]) -> bool:
    """The procedure answered is none of the choices `shown`, and the question (with the synonyms its search added: "bằng
    lái" says "giấy phép lái xe") says none of its title's subject: "có cần ba mẹ đi cùng không" after the ID-card
    choices found the birth guide by "mẹ" alone. Such a question is asked of the choices first."""
    if answer.entry is None or answer.entry.id in shown:
        return False
    # a guide to the service itself (the hotline, a province's portal) is asked by what it does
    return bool(answer.entry.procedures or answer.entry.from_catalogue) and subject_unsaid(answer)


def referred_elsewhere(turn: Turn, text: str, answer: Answer, focus: KnowledgeEntry | None) -> bool:
    """A question nothing answers alone, about a subject another body handles that neither the entry in focus
    nor the choices offered name, is no follow-up: "nhà bác bị bão làm sập mái, xin hỗ trợ ở đâu" right after
    the birth-certificate options had been answered with the copy's agency. One that goes on from the answer
    ("nhưng t chưa nhận đc giấy gì, có phải scam ko" after the fines guide) is read with it first. The subject
    words count as this message says them: "muốn xem lại quá trình đóng bhxh thì xem ở đâu" after the
    maternity procedures (BHXH's "thai sản") is for BHXH, not which of them."""
    row = turn.answerer.glossary.referral(text) if answer.kind == Kind.DONT_KNOW.value and not has_cue(text) \
        else None
    if row is None:
        return False
    shown = [e for e in (turn.answerer.entry(i) for i in turn.choices) if e is not None] + [focus] * bool(focus)
    spelt = answer.query.text if answer.query is not None else text
    return not any(turn.answerer.glossary.names_said(row, e.title, text, spelt) for e in shown)


def with_subject(turn: Turn, text: str, shown: list[str]) -> Answer | None:
    """The question asked with what the entries `shown` all are about, for a new case of it: "còn nếu bán phần
    còn lại cho người ngoài thì sang tên thế nào" after the land procedures for splitting a plot is about land
    ("đất"), and finds the transfer. None when it finds one of them again or nothing."""
    entries = [e for e in (turn.answerer.entry(i) for i in shown) if e is not None]
    if not entries:   # gone from a knowledge edit since they were shown
        return None
    titles = [e.title for e in entries]
    shared = set.intersection(*(title_subject(t) for t in titles))
    subject = " ".join(dict.fromkeys(w for w in syllables(titles[0].lower()) if fold(w) in shared))
    if not subject:
        return None
    again = turn.ask(f"{subject} {text}")
    got = [again.entry] if again.entry is not None else list(again.options)
    found = {e.id for e in got}
    # one of them again, or the portal's card of a procedure a guide shown declares
    procedures = {c for e in entries for c in e.procedures}
    if again.kind == Kind.DONT_KNOW.value or not found or found & set(shown) or any(
            procedures & set(e.procedures) for e in got):
        return None
    return dataclasses.replace(again, question=text)
