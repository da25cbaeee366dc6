"""A message that names a subject to ask about and asks nothing yet: "chú muốn hỏi mấy chuyện về tài khoản định
danh điện tử", "e hoi ve vu thanh toan online ti dc ko", "đang soạn tin hướng dẫn bà con về giấy tờ hộ tịch".

Searched whole, such a message got the one entry nearest its subject ("Quên mật khẩu VNeID", "Có những cách nào để
thanh toán trực tuyến?") as if that had been asked; the person had not said which part of the subject they want, so
the entries of the subject are offered instead (answerer.py). Pure functions over the folded text.
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence

from bot.retrieval.answers import Answer, unique
from bot.retrieval.decision import Kind
from bot.retrieval.question_says import ANY_PROCEDURE, POLITE
from indexer.knowledge import KnowledgeEntry
from indexer.vntext import fold, folded_syllables

# "hỏi (mấy chuyện) về", "tìm hiểu về", "hướng dẫn (bà con) về", "liên quan đến" … and what may stand before the
# subject ("vụ", "việc", "mấy cái")
_FRAME = re.compile(
    r"\b(?:hoi|tim hieu|thac mac|huong dan(?: \w+){0,2})"
    r"(?: (?:mot chut|chut|ti|xiu|vai|may|mot so|cac|it))?"
    r"(?: (?:chuyen|dieu|cau|viec|van de|thong tin|cai|thu|cau hoi))?"
    r" (?:ve|lien quan den|lien quan toi|lien quan)"
    r"(?: (?:vu|viec|chuyen|van de|cai|may cai|mang|linh vuc|phan|cac|nhung|thu tuc))? (?P<topic>.+)$")
# said after the subject, asking leave rather than a question: "… ti dc ko", "… chút được không ạ", "… nhé cháu"
_TAIL = frozenset("ti chut xiu duoc khong ko k dc a nhe nha nhen nghen voi chau con em ad admin ban oi di thoi "
                  "bot ah ak ne".split())
_PUNCTUATION = " .,!?;:…\"'“”()"
# a subject word that says what happened or what is wanted makes it a question: "về làm thẻ căn cước cho cháu",
# "về cái bằng khen … bị mất"
_SAYS_MORE = frozenset("sao nao dau bao khong chua gi lam mat quen loi bi can phai duoc nop huy doi sai het han "
                       "cho cua muon xin tra cuu the".split())
TOPIC_WORDS = 6


def asked_topic(question: str) -> str | None:
    """The subject, as typed, of a message that only says it wants to ask about it; None when the message asks
    something ("hỏi về làm căn cước cho cháu nội") or names no subject so framed."""
    typed = " ".join(unicodedata.normalize("NFC", question).split())
    folded = fold(typed)
    if len(folded) != len(typed):   # a letter whose folding is not one letter: positions would not match
        return None
    found = _FRAME.search(folded)
    if found is None:
        return None
    words = typed[found.start("topic"):].split()
    while words and fold(words[-1].strip(_PUNCTUATION)) in _TAIL | {""}:
        words.pop()
    said = folded_syllables(" ".join(words))
    if not 0 < len(said) <= TOPIC_WORDS or _SAYS_MORE & set(said):
        return None
    return " ".join(words).strip(_PUNCTUATION)


def subject_words(subject: str) -> set[str]:
    """The words (folded) that name the subject, not the doing of any procedure ("đăng ký", "giấy tờ")."""
    return set(folded_syllables(subject)) - ANY_PROCEDURE - POLITE


def as_choices(about: Answer, rivals: Sequence[KnowledgeEntry], at_most: int) -> Answer | None:
    """The entries of the subject to choose from, nearest first: "Ý bạn là…?" already, or the entry answering the
    subject alone with its close `rivals`; None when the subject alone gets neither, or no rival is close."""
    if about.kind == Kind.CLARIFY.value:
        return about
    if about.kind != Kind.ANSWER.value or about.entry is None:
        return None
    options = unique([about.entry, *rivals])[:at_most]
    if len(options) < 2:
        return None
    return dataclasses.replace(about, kind=Kind.CLARIFY.value, entry=None, options=tuple(options), related=())
