"""Phrasings written for the readings of the dialogue (7 Dec 2026: helpers wrote them as citizens type, before the
bot read them; tests/data/*.tsv): a typed pick of a numbered option, a social turn told from a question, the form a
first message asks for, a reason after 👎, a withdrawal after a ticket, a yes or no, a correction of the form, a
call-back's number and time, a term's meaning. A question read as a social turn is never searched, so none may
be; a social turn read as a question is searched and mostly gets the generic don't-know, so few may be."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.wording import say
from bot.dialogue.handoff_words import HandoffWords, load_handoff_words
from bot.dialogue.session import Session
from bot.dialogue.tone import correction, hear
from bot.domain.tickets import phone_number
from bot.reading.intent_file import load_intents
from bot.reading.yes_no import polarity
from bot.retrieval.glossary import Glossary

DATA = Path(__file__).parent / "data"
OPTIONS = 4
SOCIAL_MISREAD_AT_MOST = 16   # of 165 social turns, 7 Dec 2026 (60 before their cues were added)


def _rows(name: str) -> list[tuple[str, str]]:
    return [tuple(line.split("\t")) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line]


def _intents_read(name: str, label_first: bool = False, none: str | None = "question") -> list[tuple[str, str, str]]:
    """(label, intent read or `none`, text) for each row of a set, written "text<TAB>label" or "label<TAB>text"."""
    book = load_intents()
    rows = [(label, text) for label, text in _rows(name)] if label_first else [(b, a) for a, b in _rows(name)]
    return [(label, (m.intent.value if (m := book.match(text)) else none), text) for label, text in rows]


def _address_missed(name: str) -> list[tuple[str, str, str]]:
    """(form wanted, form heard, text) for each first message whose form of address is misread."""
    book = load_intents()
    missed = []
    for want, text in _rows(name):
        session = Session()
        hear(book, session, text)
        if session.you != want:
            missed.append((want, session.you, text))
    return missed


@pytest.mark.parametrize("text, picked", _rows("typed_picks.tsv"))
def test_a_typed_pick_is_read_and_a_lookalike_is_not(text, picked):
    """"bà lấy cái thứ hai nhé cháu" picks 2; "lấy số thứ tự ở đâu", "con thứ 2 có được hỗ trợ không" pick nothing."""
    got = HandoffWords.load().choice(text, OPTIONS)
    assert (0 if got is None else got + 1) == int(picked)


def test_social_turns_are_read_and_questions_are_searched():
    read = _intents_read("social_phrasings.tsv")
    questions_taken = [r for r in read if r[0] == "question" and r[1] != "question"]
    social_missed = [r for r in read if r[0] != "question" and r[1] != r[0]]
    assert not questions_taken
    assert len(social_missed) <= SOCIAL_MISREAD_AT_MOST, social_missed


ADDRESS_MISREAD_AT_MOST = 2   # of 172 first messages, 7 Dec 2026 (18 before: "Bác chào cháu", "bà hỏi chút", …)


def test_the_form_of_address_heard_from_a_first_message():
    """The form the bot uses for a writer after their first message: their own form ("Chú năm nay 60 tuổi", "anh
    người Quảng Trị"), "bác" for one who calls the bot "con"/"cháu", "bạn" when unsure or when a form is someone
    else's ("mình làm căn cước cho bà nội thì bà có cần đi cùng không")."""
    missed = _address_missed("address_first_messages.tsv")
    assert len(missed) <= ADDRESS_MISREAD_AT_MOST, missed


REASON_MISREAD_AT_MOST = 16   # of 151 typed after 👎, 7 Dec 2026 (62 before their cues were added)
CANCEL_MISSED_AT_MOST = 7     # of 61 withdrawals after a ticket, 7 Dec 2026 (23 before their cues were added)


def test_a_reason_typed_after_a_thumbs_down_is_its_buttons_code():
    """"trật chỏm rồi" is "Không đúng câu hỏi", "đọc hổng vô, dài thòng" "Khó hiểu", "luật đổi rồi mà bot còn nói
    luật cũ" "Sai thông tin"; a missing part or a new question has no code (a comment, or searched)."""
    words, book = HandoffWords.load(), load_intents()
    missed = []
    for label, text in _rows("typed_reasons.tsv"):
        read = words.reason(text)
        got = read.code if read else ("question" if book.is_question(text) else "comment")
        if got != label:
            missed.append((label, got, text))
    assert len(missed) <= REASON_MISREAD_AT_MOST, missed


def test_a_request_withdrawn_after_a_ticket_cancels_and_nothing_else_does():
    """"con gái tui nó làm giùm rồi, khỏi gọi nghe" withdraws; "hủy cái hồ sơ cũ thì làm sao ad", "thôi khỏi nhắn,
    gọi thẳng cho tui" do not."""
    read = _intents_read("after_a_ticket.tsv", label_first=True, none=None)
    assert not [r for r in read if r[0] == "keep" and r[1] == "cancel"]
    missed = [r for r in read if r[0] == "cancel" and r[1] != "cancel"]
    assert len(missed) <= CANCEL_MISSED_AT_MOST, missed


CONSENT_MISREAD_AT_MOST = 10       # of 173 answers to a yes/no question, 7 Dec 2026 (39 before)
CORRECTION_MISREAD_AT_MOST = 7     # of 102 messages, 7 Dec 2026 (33 before; 17 before a clause of its own was read)


def test_a_yes_or_no_typed_to_a_consent_question():
    """"ừ thôi khỏi cũng được", "để sau" decline; "không sao, cứ gửi đi", "gửi đi e", "muốn chứ" agree; "có an toàn
    không, lỡ bị lừa" answers neither (a question)."""
    book = load_intents()
    missed = [(label, text) for label, text in _rows("consent_answers.tsv")
              if {True: "yes", False: "no", None: "other"}[polarity(book, text)] != label]
    assert len(missed) <= CONSENT_MISREAD_AT_MOST, missed


def test_a_correction_of_the_form_of_address_and_nothing_else():
    """"gọi chị chứ", "kêu bà đi con", "tui già rồi, gọi ông cho phải phép" correct the form; "cháu ơi bà 80 tuổi
    rồi", "sao em gọi chị hoài vậy" do not say which one to use."""
    book = load_intents()
    read = [(label, correction(book, text, "bạn") or "none", text)
            for label, text in _rows("address_corrections.tsv")]
    assert not [r for r in read if r[0] == "none" and r[1] != "none"]
    assert len([r for r in read if r[0] != r[1]]) <= CORRECTION_MISREAD_AT_MOST


TIME_MISREAD_AT_MOST = 7   # of 125, 7 Dec 2026 (33 before): "lúc 15h" for "15h", "lúc nào cũng được" kept as said


def test_the_number_and_the_time_of_a_call_back_request():
    """"84909871234 goi lai 19h giup minh", "ĐT bàn nhà tôi 028 3829 1456, sáng mai gọi giúp", "10h sáng mai gọi cho
    e", "chiều ni gọi cho o nghe": the number as ten or eleven digits, the time as typed; "tôi chờ 5 giờ ở phường"
    names no time to call."""
    words = load_handoff_words()
    rows = [line.split("\t") for line in (DATA / "callback_requests.tsv").read_text(encoding="utf-8").splitlines()]
    assert [(p, t) for p, _, t in rows if (phone_number(t) or "-") != p] == []
    missed = [(w, t) for _, w, t in rows if (words.when_to_call(t) or "-") != w]
    assert len(missed) <= TIME_MISREAD_AT_MOST, missed


TERM_MISREAD_AT_MOST = 12   # of 142 asking a term's meaning or a subject referred, 7 Dec 2026 (54 before; 21 before "… là j luôn", "… vậy mọi người")


def test_a_terms_meaning_and_a_subject_referred_and_nothing_else():
    """"otp la cai chi, co phai mat khau ko", "Cái app vneid đó là gì vậy con, xã kêu cài mà bà hổng biết" ask a
    term's meaning; "không nhận được OTP thì sao", "chữ ký số là gì vậy, tôi cần nó để làm gì" stay questions."""
    glossary = Glossary.load(Path(__file__).parents[1] / "knowledge")
    read = []
    for label, text in _rows("terms_and_referrals.tsv"):
        terms = glossary.asked_term(text)
        row = None if terms else glossary.referral(text)
        read.append((label, f"term:{terms[0].name}" if terms else f"referral:{row.subject}" if row else "question",
                     text))
    assert not [r for r in read if r[0] == "question" and r[1] != "question"]
    assert len([r for r in read if r[0] != r[1]]) <= TERM_MISREAD_AT_MOST


# Round two (7 Dec 2026, later): helpers wrote new phrasings of the same kinds, without reading the bot's code, to
# measure how far the readings above carry to wording they were not fitted on. Read before any change: picks 22
# of 110 missed, social turns 72 of 154 (and 2 of 60 questions taken), withdrawals 16 of 70 missed (1 time change
# taken for one); the bounds are what the cues added from them reach.
ROUND2_PICKS_MISSED_AT_MOST = 3      # "số1", "ba đó cháu" ("ba" is also a father), "thứ tư nha" (also Wednesday)
ROUND2_SOCIAL_MISSED_AT_MOST = 31   # 37 before "hế lô bot", "thôi tắt máy đây", "…, bai nha", "khổ dữ dzậy"…
ROUND2_CANCELS_MISSED_AT_MOST = 4
ROUND2_KEPT_CANCELLED_AT_MOST = 1    # "sáng khỏi gọi nha, chiều 3h gọi là được" moves the call, withdraws nothing


def test_round_two_typed_picks():
    words = HandoffWords.load()
    read = [(int(picked), 0 if (got := words.choice(text, OPTIONS)) is None else got + 1, text)
            for text, picked in _rows("typed_picks_round2.tsv")]
    assert not [r for r in read if r[0] == 0 and r[1] != 0]   # "con thứ 2 đi học…", "mai thứ 3 có làm việc không"
    assert len([r for r in read if r[0] != r[1]]) <= ROUND2_PICKS_MISSED_AT_MOST


def test_round_two_social_turns():
    read = _intents_read("social_round2.tsv")
    # "ok tks, mà tài khoản định danh mức 1 lên mức 2 phải ra công an hả", "vcl, sao thanh toán lệ phí online cứ báo
    # giao dịch thất bại" had been taken for thanks and an insult: a clause turning to ask is a question
    assert not [r for r in read if r[0] == "question" and r[1] != "question"]
    assert len([r for r in read if r[0] != "question" and r[1] != r[0]]) <= ROUND2_SOCIAL_MISSED_AT_MOST


def test_round_two_withdrawals_after_a_ticket():
    read = _intents_read("after_a_ticket_round2.tsv", label_first=True, none=None)
    assert len([r for r in read if r[0] == "keep" and r[1] == "cancel"]) <= ROUND2_KEPT_CANCELLED_AT_MOST
    assert len([r for r in read if r[0] == "cancel" and r[1] != "cancel"]) <= ROUND2_CANCELS_MISSED_AT_MOST


OTHERS_MISSED_AT_MOST = 14   # of 110, 7 Dec 2026 (104 before bot/reading/someone_asked.py; 1 own question refused)


def test_someone_elses_data_is_refused_and_a_how_to_about_a_relative_is_not():
    """"con nhà ông Thành đầu ngõ đã làm căn cước chưa ad", "ad check giùm thằng Trần Minh Khoa đã đk tạm trú chưa",
    "số cccd 001089012345 là của ai" ask for someone's data; "tra cứu hồ sơ của con tôi thì vào đâu", "Bà Đỗ Thị Mai
    muốn làm VNeID, xem giúp em cần hồ sơ gì", "cụ Tư có làm được tài khoản mức 2 không" are questions to answer."""
    read = _intents_read("someone_elses_data.tsv", label_first=True)
    assert not [r for r in read if r[0] == "own" and r[1] == "others_data"]
    assert len([r for r in read if r[0] == "others" and r[1] != "others_data"]) <= OTHERS_MISSED_AT_MOST


GENERIC_DONT_KNOW = "chưa có hướng dẫn chắc chắn"
# social turns of the round-two set given the generic don't-know as a first message (19 of 154 before a social cue
# in a message nothing answers was answered): "hế lô bot 🙋‍♀️", "chatbot này do nhà nước làm hả", "thôi tắt máy đây",
# "thiệt tình, làm cái giấy mà khổ dữ dzậy", "e đăng ký nhận cuộc gọi tư vấn ạ"
ROUND2_GENERIC_AT_MOST = 5


@pytest.mark.slow
def test_a_social_turn_nothing_answers_gets_its_social_reply_not_the_generic_dont_know(dialogue):
    """"tối nay coi bóng đá không bot, MU đá đó", "kính chào, tôi là trưởng thôn ở Quảng Trị", "e vẫn chưa hiểu lắm, ad
    nói lại đơn giản hơn dc ko" say too much for their cues alone; nothing answers them, so their cue does. "tks ad,
    vậy nộp hồ sơ xong bao lâu có kết quả ạ" asks in a clause of its own, and is searched."""
    from bot.core.messages import Incoming

    generic, swallowed = [], []
    for i, (text, label) in enumerate(_rows("social_round2.tsv") + [("tks ad, vậy nộp hồ sơ xong bao lâu có kết quả ạ",
                                                                       "question")]):
        said = "\n".join(r.text for r in dialogue.handle(Incoming("web", f"s{i}", text=text)))
        if label != "question" and GENERIC_DONT_KNOW in said:
            generic.append(text)
        if label == "question" and say("thanks_reply", you="bạn").split("!")[0] in said:
            swallowed.append(text)
    assert len(generic) <= ROUND2_GENERIC_AT_MOST, generic
    assert swallowed == []


ROUND2_ADDRESS_MISREAD_AT_MOST = 12   # of 150 first messages helpers wrote without reading the code (18 before
# "bà muốn hỏi …", "Bà nhờ cháu …", "mệ năm ni 84 tuổi", "cô 52 tuổi, …", "… cháu chỉ ông với" were read)


def test_round_two_the_form_of_address_heard_from_a_first_message():
    """Still misread: "a hỏi tí e, …" and "c hỏi tí nha e" (a letter for "anh", "chị" before a call mid-message),
    unmarked "co hoi em ti" and "chi hoi em chut" ("có", "chỉ"), and minors who give their age in a later clause."""
    missed = _address_missed("address_round2.tsv")
    assert len(missed) <= ROUND2_ADDRESS_MISREAD_AT_MOST, missed


ROUND3_SOCIAL_MISREAD_AT_MOST = 34    # of 275 social turns, 7 Dec 2026, 32nd session (77 before their cues)
ROUND3_ADDRESS_MISREAD_AT_MOST = 10   # of 149 first messages, 7 Dec 2026, 32nd session (19 before)


def test_round_three_social_turns_and_questions_beside_them():
    """A third set, written by a helper who saw neither the bot nor the other sets: greetings, thanks, goodbyes,
    complaints, insults, identity questions, requests for a person or a call, withdrawals, the menu, not
    understood, and 30 questions that carry those cue words ("cán bộ xã có làm giúp hồ sơ không" had filed a
    ticket)."""
    read = _intents_read("social_round3.tsv")
    assert not [r for r in read if r[0] == "question" and r[1] != "question"]
    missed = [r for r in read if r[0] != "question" and r[1] != r[0]]
    assert len(missed) <= ROUND3_SOCIAL_MISREAD_AT_MOST, missed


def test_round_three_forms_of_address():
    """A third set of first messages, by a helper who saw neither the bot's tests nor its sets: none of the 34 that
    should stay "bạn" (relatives, others named) may take a form."""
    missed = _address_missed("address_round3.tsv")
    assert not [m for m in missed if m[0] == "bạn"], missed
    assert len(missed) <= ROUND3_ADDRESS_MISREAD_AT_MOST, missed
