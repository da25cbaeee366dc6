"""What a question says of itself, read without the conversation: how long it is, politeness aside; how many of a
title's subject words it says; whether it asks about a paper to bring. The follow-up reader (context_reading.py)
and the comparison of choices (choices_compared.py) both weigh a question by these."""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.retrieval.aspects import asked_aspect, aspect_words
from bot.retrieval.follow_up import ADDRESS
from bot.retrieval.normalize import NormalizedQuery
from bot.retrieval.tier_arbitration import title_subject
from indexer.knowledge import KnowledgeEntry
from indexer.vntext import fold, syllables

if TYPE_CHECKING:
    from bot.retrieval.answers import Answer

# words that make a message polite, not longer: "em làm trên điện thoại được không ạ" is as short as "làm trên
# điện thoại được không" (folded)
POLITE = frozenset("a da vay nhe nha ad ak ah oi em e anh chi bac chau minh toi tui t cho hoi xin".split())
# folded words every procedure's question may use ("đăng ký", "làm thủ tục", "nộp hồ sơ", "xin cấp giấy"): alone
# beside a part asked, they name no procedure
ANY_PROCEDURE_MARKED = frozenset("đăng ký làm thủ tục hồ sơ xin cấp nộp giấy tờ".split())
ANY_PROCEDURE = frozenset(fold(w) for w in ANY_PROCEDURE_MARKED)
_BRING = re.compile(r"\b(phai|can|co can|co phai) (mang|dem|nop|photo|cong chung) |\b(mang|dem) theo\b")
# "cần mang gì" asks which papers (the documents part, `ContextReader.only_aspect`), naming no paper: with "muốn làm
# căn cước" before it, the subject is a new procedure, not something to bring for the one in focus
_BRING_WHAT = re.compile(r"\b(mang|dem|nop|photo|cong chung)( theo)? (nhung |cai )?gi\b")
NAMED_OPTION = 2   # words of an option's subject a question says to name it
# "xác" of "xác nhận", which hundreds of procedures' names open with: saying it names none of them ("chủ trọ … không
# có mặt để xác nhận thì sao" after the tạm trú guide had been offered "Xác nhận thông tin về cư trú" and the like)
_CERTIFYING = frozenset({"xac"})
_BRING_WORDS = 12   # "có phải mang … không" this short asks about a paper for the procedure in focus


def subject_said(query: NormalizedQuery, title: str) -> int:
    """How many of a title's subject words the question says (as typed, or as the normaliser restored them, marks
    compared: "bắt buộc" is no "bất động sản")."""
    grammar = aspect_words() | ANY_PROCEDURE | POLITE | _CERTIFYING
    said = {w for w in syllables(query.text.lower()) if fold(w) not in grammar}
    folded = title_subject(title)
    return len({w for w in syllables(title.lower()) if fold(w) in folded} & said)


def names_an_option(query: NormalizedQuery, titles: Sequence[str]) -> bool:
    """The question says an option's subject in two words or more: the options are its own."""
    return any(subject_said(query, title) >= NAMED_OPTION for title in titles)


def length_said(question: str) -> int:
    """How many words a question says, politeness aside."""
    return sum(fold(s) not in POLITE for s in syllables(question))


def asks_to_bring(question: str) -> bool:
    """"có phải mang giấy khai sinh không": a short question about a paper to bring for the procedure in hand."""
    folded = fold(question)
    return bool(_BRING.search(folded)) and not _BRING_WHAT.search(folded) and length_said(question) <= _BRING_WORDS


def subject_unsaid(answer: Answer) -> bool:
    """The entry answered, none of whose title's subject the question says."""
    return (answer.entry is not None and answer.query is not None
            and not title_subject(answer.entry.title) & set(answer.query.terms))


def procedure_subject_unsaid(answer: Answer, question: str) -> bool:
    """A procedure guide found for a part asked ("bao lâu") whose subject the question never says: "làm xong thì bao
    lâu mới dùng được" after the VNeID level-2 guide had got the thường trú guide, sure, alone."""
    return (answer.entry is not None and bool(answer.entry.procedures) and asked_aspect(question) is not None
            and subject_unsaid(answer))


def focus_named(focus: KnowledgeEntry, alone: Answer) -> bool:
    """The focus is among the options of a question that says its subject, and no option offered before it is named
    by more than that: "khai tử trễ có bị phạt không, hạn chót mấy ngày" after the khai tử guide had been asked "Đăng
    ký lại khai tử" or the guide; "… với người nước ngoài" would still be asked."""
    ids = [o.id for o in alone.options]
    if focus.id not in ids or alone.query is None:
        return False
    said = set(alone.query.terms)
    subject = title_subject(focus.title)
    before = alone.options[:ids.index(focus.id)]
    return bool(subject & said) and all(title_subject(o.title) & said <= subject for o in before)


# how the asker is (marked), which names no other subject: "bà già rồi làm lại có phải đóng tiền hông" asks the fee
_SELF_STATE = frozenset({"già", "yếu", "ốm", "bệnh", "tuổi", "lớn", "khuyết", "tật"})


def says_how_asker_is(words: list[str]) -> bool:
    """"bà già rồi", "tui 77 tuổi": the words then name who asks, not whom a procedure is for ("cháu nội mới đẻ")."""
    return any(w in _SELF_STATE for w in words)   # "tuổi" too: "2 tuần" alone is no age


def about_asker(word: str) -> bool:
    """Who asks and how they are ("bà", "77", "tuổi", "già"): no subject of its own beside a part asked."""
    return word in _SELF_STATE or word.isdigit() or fold(word) in ADDRESS
