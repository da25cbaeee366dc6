"""The splitter of long messages into their questions, and the words a piece is searched with (issue 18, item 2)."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.core.payloads import Act, StaleButton, encode, parse
from bot.dialogue.several_questions import (
    MAX_TITLE,
    Asked,
    asked_for,
    clearest,
    name_tags,
    offer,
    pieces,
    pressed,
    title,
)
from bot.privacy.redact import search_words
from bot.reading.background import done_apart
from bot.reading.split_questions import MAX_PIECES, Piece, asking_sentence, asks, split_questions, told_with_question
from bot.retrieval.answers import Answer, one_reading
from indexer.knowledge import KnowledgeEntry

REPO = Path(__file__).resolve().parents[1]
VOLUNTEER = ("Em là cộng tác viên ở xã, em hỏi giúp 2 bác trong xóm. Bác Nguyễn Văn Tư 70 tuổi bị mất thẻ căn cước "
             "thì làm lại ở đâu? Còn bác Lê Thị Hoa muốn đăng ký khai tử cho chồng thì cần giấy tờ gì, hồ sơ "
             "G22.39-241203-0001 nộp rồi mà chưa thấy kết quả.")


def questions(text: str) -> list[str]:
    return [p.question for p in split_questions(text)]


def test_the_volunteers_two_villagers_are_two_questions_and_the_intro_is_left_out():
    first, second = split_questions(VOLUNTEER)
    assert first.context == ()   # "Em là cộng tác viên ở xã, em hỏi giúp 2 bác trong xóm." is about the asker and first.question.startswith("Bác Nguyễn Văn Tư")
    assert second.question.startswith("bác Lê Thị Hoa")   # "Còn" joined it; it is not a search word


def test_people_told_after_a_colon_and_semicolons_then_one_request_are_a_question_each():
    """Three villagers' cases, one request for all ("hướng dẫn giúp từng người"): had been one search, offered the
    ID-card guides by the ID number in it."""
    pieces = split_questions(
        "Chào trợ lý, mình ở tổ công nghệ số cộng đồng thôn Đông. Sáng nay có ba người nhờ: bà Nguyễn Thị Mận bị mất "
        "thẻ bảo hiểm y tế; anh Hùng cho hai công nhân thuê trọ, muốn đăng ký tạm trú cho họ; chị Thu sinh con tháng "
        "trước, muốn làm khai sinh cho bé. Trợ lý hướng dẫn giúp từng người nhé.")
    assert [p.question.split()[:2] for p in pieces] == [["bà", "Nguyễn"], ["anh", "Hùng"], ["chị", "Thu"]]
    assert all(p.shared.startswith("Trợ lý hướng dẫn") for p in pieces)


def test_people_typed_without_marks_after_a_colon_or_opening_a_clause_are_cases_too():
    """The same message without diacritics ("ba Nguyen Thi Man", "anh Hung") had been one search again."""
    pieces = split_questions(
        "chao tro ly, minh o to cong nghe so thon Dong. Sang nay co 2 nguoi nho: ba Nguyen Thi Man bi mat the bao "
        "hiem y te; anh Hung cho cong nhan thue tro, muon dang ky tam tru cho ho. Tro ly huong dan giup tung nguoi nhe")
    assert [p.question.split()[:2] for p in pieces] == [["ba", "Nguyen"], ["anh", "Hung"]]


@pytest.mark.parametrize("text, expected", [
    ("em hoi giup 2 bac trong xom:\n1. bac Tu mat cccd lam lai o dau\n2) bac Hoa muon dang ky khai tu cho chong "
     "can giay to gi", ["bac Tu mat cccd lam lai o dau", "bac Hoa muon dang ky khai tu cho chong can giay to gi"]),
    ("cho e hoi 2 viec 1) lam ho chieu online can giay to gi 2) quen mat khau vneid thi lay lai the nao",
     ["lam ho chieu online can giay to gi", "quen mat khau vneid thi lay lai the nao"]),
    ("- lam lai cccd o dau\n- dang ky khai sinh cho con online the nao\n- nop phat giao thong online dc ko",
     ["lam lai cccd o dau", "dang ky khai sinh cho con online the nao", "nop phat giao thong online dc ko"]),
    ("thu nhat, lam ho chieu online can nhung gi. thu hai, quen mat khau vneid thi lay lai the nao",
     ["lam ho chieu online can nhung gi.", "quen mat khau vneid thi lay lai the nao"]),
    ("cho e hoi lam ho chieu online can giay to gi, voi lai quen mat khau vneid thi lay lai the nao a",
     ["cho e hoi lam ho chieu online can giay to gi", "quen mat khau vneid thi lay lai the nao a"]),
    ("Làm căn cước cho con 10 tuổi ở đâu ạ? Thêm nữa là đăng ký tạm trú online có được không?",
     ["Làm căn cước cho con 10 tuổi ở đâu ạ?", "đăng ký tạm trú online có được không?"]),
    ("lam ho chieu cho con 5 tuoi can giay to gi vay ad, cho em hoi them dang ky tam tru online co duoc khong",
     ["lam ho chieu cho con 5 tuoi can giay to gi vay ad", "dang ky tam tru online co duoc khong"]),
    ("1. làm lại cccd bị mất ở đâu 2. đổi số điện thoại vneid thế nào 3. quên passcode vneid",   # a list of subjects
     ["làm lại cccd bị mất ở đâu", "đổi số điện thoại vneid thế nào", "quên passcode vneid"]),
    ("Làm hộ chiếu ở đâu ạ? Bà em mất rồi. Làm khai tử ở đâu?", ["Làm hộ chiếu ở đâu ạ?", "Làm khai tử ở đâu?"]),
    # a problem told, then "với lại" another question: the problem is a question too
    ("tui hoi giup ong hang xom, ong Pham Van Ba sdt 0912345678 khong nhan duoc ma otp vneid, voi lai ong muon doi "
     "so dien thoai tai khoan vneid thi lam the nao",
     ["tui hoi giup ong hang xom, ong Pham Van Ba sdt 0912345678 khong nhan duoc ma otp vneid",
      "ong muon doi so dien thoai tai khoan vneid thi lam the nao"]),
])
def test_cases_numbered_bulleted_or_joined_are_split(text, expected):
    assert questions(text) == expected


def test_a_statement_is_the_context_of_the_question_after_it():
    first, second = split_questions("Bố em mất CCCD. Giờ làm lại ở đâu ạ? Còn mẹ em muốn làm hộ chiếu thì cần những gì?")
    assert (first.context, first.question) == (("Bố em mất CCCD.",), "Giờ làm lại ở đâu ạ?")
    assert first.text == "Bố em mất CCCD. Giờ làm lại ở đâu ạ?" and second.context == ()


@pytest.mark.parametrize("text", [
    "lam cccd o dau? mat bao lau?",                       # a short message is one question
    "Làm hộ chiếu online ở đâu vậy ạ? Hết bao nhiêu tiền?",   # the short one asks about the first
    "bac co muc 1 roi ma can bo xa van bao phai len muc 2. tai sao vay, muc 1 khong du a",
    "tu sang toi gio app vneid mo len cu bao he thong dang ban, thu lai sau. k vao duoc gi het, co ai bi giong e ko",
    "Thẻ căn cước của tôi còn hạn đến 2030, giờ đổi điện thoại mới thì đăng nhập VNeID thế nào ạ",
    "Tôi có mức 1. Cần lên mức 2. Làm thế nào để lên mức 2 ạ, thứ hai tuần sau tôi rảnh",
    # a short question sentence after the first asks about the same subject: the whole message is one question
    "Làm hộ chiếu cho con 5 tuổi cần giấy tờ gì? Con có phải đi cùng không?",
    "cho em hỏi đăng ký khai sinh online cho con thế nào? Mất bao nhiêu ngày thì có giấy?",
    "Tôi muốn đăng ký tạm trú cho người thuê trọ. Làm online được không? Chủ nhà có phải ký gì không?",
])
def test_one_question_with_its_context_is_not_split(text):
    assert split_questions(text) == []


def test_at_most_four_pieces_are_asked():
    text = "\n".join(f"- cau hoi so {n} ve lam can cuoc o dau" for n in range(1, 7))
    pieces = split_questions(text)
    assert len(pieces) == MAX_PIECES and "so 6" in pieces[-1].text


@pytest.mark.parametrize("text, asking", [("cần giấy tờ gì", True), ("nop phat online dc ko a", True),
                                          ("k vao duoc gi het", False), ("giờ không ai nhớ", False),
                                          ("em hỏi giúp 2 bác trong xóm", False), ("sim chinh chu ma", False),
                                          ("Bà Lan nhờ hỏi làm lại sổ hộ nghèo", True),
                                          ("e muon hoi ve tro cap that nghiep", True),
                                          ("em muốn hỏi giúp 2 bác trong xóm", False)])
def test_what_asks_something(text, asking):
    assert asks(text) is asking


def test_labelled_single_questions_are_not_split():
    """Every question of the citizen set is one question: the tuning split is never cut (the held-out one is not
    read here)."""
    rows = [json.loads(line) for line in (REPO / "bench" / "citizen_set.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    tune = [r["q"] for r in rows if r["split"] == "tune"]
    assert len(tune) > 200
    assert [q for q in tune if split_questions(q)] == []


@pytest.mark.parametrize("text, expected", [
    ("Bác Nguyễn Văn Tư 70 tuổi (CCCD 001203004567) bị mất thẻ căn cước thì làm lại ở đâu?",
     "Bác 70 tuổi bị mất thẻ căn cước thì làm lại ở đâu?"),
    ("bác Lê Thị Hoa muốn đăng ký khai tử cho chồng, hồ sơ G22.39-241203-0001 nộp rồi, sdt 0912345678",
     "bác muốn đăng ký khai tử cho chồng, hồ sơ nộp rồi"),
    ("hồ sơ 000.00.24.H12-241203-0012 của chị Hoa bị trả lại", "hồ sơ của chị bị trả lại"),
    ("ông Tran Van Binh muon lam ho chieu", "ông muon lam ho chieu"),
    ("tên tôi là Phạm Minh Châu, làm VNeID mức 2 ở đâu", "tên tôi là, làm VNeID mức 2 ở đâu"),
    ("đăng ký xe ở TP Hồ Chí Minh", "đăng ký xe ở TP Hồ Chí Minh"),
    ("Le phi lam ho chieu bao nhieu", "Le phi lam ho chieu bao nhieu"),
    ("Mai tôi đi làm căn cước ở Lâm Đồng", "Mai tôi đi làm căn cước ở Lâm Đồng"),
])
def test_dossier_codes_names_and_numbers_are_never_search_words(text, expected):
    assert search_words(text) == expected


def test_a_numbered_case_keeps_its_own_sentences_together():
    first, second = split_questions("em hoi 2 viec:\n1. bac Tu mat the can cuoc. Lam lai o dau?\n"
                                    "2. bac Hoa khai tu cho chong. Can giay gi?")
    assert second.text == "bac Hoa khai tu cho chong. Can giay gi?"
    assert (first.context, first.question) == ((), "bac Tu mat the can cuoc. Lam lai o dau?")


def test_cases_told_then_one_question_for_all_are_one_question_each():
    first, second = split_questions(
        "Dạ em chào anh chị, em là tình nguyện viên tổ công nghệ số thôn 3. Bác Nguyễn Văn Tư mất thẻ căn cước muốn "
        "làm lại, còn cô Lê Thị Hoa thì quên mật khẩu VNeID không đăng nhập được. Em hướng dẫn hai người thế nào ạ?")
    assert first.question == "Bác Nguyễn Văn Tư mất thẻ căn cước muốn làm lại"
    assert second.question == "cô Lê Thị Hoa thì quên mật khẩu VNeID không đăng nhập được."
    assert first.shared == second.shared == "Em hướng dẫn hai người thế nào ạ?"
    assert second.text.endswith("đăng nhập được. Em hướng dẫn hai người thế nào ạ?")


# ---- asking the pieces and offering the others
def answer(kind: str, score: float) -> Answer:
    return Answer("q", kind, None, score, (), (), None, False, 0.0)


def test_the_clearest_is_an_answer_before_a_question_back_before_dont_know_then_the_surest():
    asked = [Asked("a", "A", answer("clarify", 0.99)), Asked("b", "B", answer("answer", 0.7)),
             Asked("c", "C", answer("answer", 0.9)), Asked("d", "D", answer("dont_know", 1.0))]
    assert clearest(asked).text == "c"
    assert clearest([a for a in asked if a.answer.kind != "answer"]) is None   # none answered: the whole message


def test_titles_are_readable_short_and_identify_nobody():
    volunteer, other = pieces(VOLUNTEER)
    assert volunteer[1] == "Bác 70 tuổi bị mất thẻ căn cước thì làm lại ở đâu?"
    assert other[:2] == ("bác muốn đăng ký khai tử cho chồng thì cần giấy tờ gì, hồ sơ nộp rồi mà chưa thấy kết quả.",
                         "Bác muốn đăng ký khai tử cho chồng thì cần giấy tờ gì…")
    assert title(Piece("Giờ làm lại ở đâu ạ?", ("Bố em mất CCCD.",))) == "Bố em mất CCCD. Giờ làm lại ở đâu ạ?"
    long = title(Piece("bac oi cho chau hoi lam the nao de dang ky tai khoan dinh danh dien tu muc hai tren dien thoai"))
    assert len(long) <= MAX_TITLE + 1 and long.endswith("…") and " " not in long[-2:]


def test_a_button_stands_for_its_question_while_that_list_lasts():
    others = [Asked("bác muốn đăng ký khai tử", "Bác muốn đăng ký khai tử", answer("answer", 0.9))]
    reply = offer(others, "bác")
    assert reply.text == "Bác còn hỏi:"
    payload = parse(reply.buttons[0].payload)
    assert pressed(["bác muốn đăng ký khai tử"], payload) == "bác muốn đăng ký khai tử"
    for questions in ([], ["quên mật khẩu vneid"]):   # no list any more, or a newer one
        with pytest.raises(StaleButton):
            pressed(questions, payload)
    with pytest.raises(StaleButton):
        pressed(["bác muốn đăng ký khai tử"], parse(encode(Act.QUESTION, 3, payload.args[1])))


def test_a_question_is_found_again_by_who_it_was_about_without_keeping_the_name():
    """"dạ còn việc của bà Mai thì sao ạ" after a volunteer's two villagers had got "the guide does not say"."""
    key = b"k" * 32
    named = {tag: words for words, _, typed in pieces(TWO_PEOPLE) for tag in name_tags(key, typed)}
    assert not any("Mai" in t or "mai" in t or "Hùng" in t for t in named)   # tags, never the names
    assert "VNeID" in asked_for([], None, "dạ còn việc của bà Mai thì sao ạ", named, key)
    assert "hồ sơ" in asked_for([], None, "thế còn ông Hùng thì sao", named, key)
    assert asked_for([], None, "còn bà Lan thì sao", named, key) is None           # nobody of that message
    assert asked_for([], None, "dạ còn việc của bà Mai thì sao ạ", named, b"x" * 32) is None   # another install


TWO_PEOPLE = ("Chào trợ lý, em ở Tổ công nghệ số cộng đồng xã Tân Lập. Ông Phạm Văn Hùng nộp hồ sơ hơn 2 tuần mà "
              "chưa thấy kết quả, còn bà Đỗ Thị Mai thì muốn làm VNeID mức 2. Em hướng dẫn hai người thế nào ạ?")


STORY = ("chào cô. tôi người khơ me ở an giang. con tôi 7 tủi rồi mà chưa có làm giấy khai sin, hồi đó tôi đi làm trên "
         "bình dương. năm nay nó vô lớp 1 trường kêu phải có. tôi làm sao cô")


def test_a_long_story_is_also_read_one_told_sentence_at_a_time_with_its_question():
    assert told_with_question(STORY) == [
        "tôi người khơ me ở an giang. tôi làm sao cô",
        "con tôi 7 tủi rồi mà chưa có làm giấy khai sin, hồi đó tôi đi làm trên bình dương. tôi làm sao cô",
        "năm nay nó vô lớp 1 trường kêu phải có. tôi làm sao cô"]
    # a short message, or two sentences, is read whole only
    assert told_with_question("con tôi 7 tuổi chưa có giấy khai sinh. tôi làm sao cô") == []
    assert told_with_question("con tôi 7 tuổi rồi mà chưa có làm giấy khai sinh, hồi đó tôi đi làm trên bình dương "
                              "xa lắm, năm nay nó vô lớp 1 trường kêu phải có. tôi làm sao cô") == []


@pytest.mark.slow
def test_a_long_story_that_gets_nothing_whole_gets_what_its_telling_sentence_gets(real_answerer):
    """The story above had got don't-know: its background drowned "giấy khai sin"."""
    answer = real_answerer.ask(STORY)
    found = [answer.entry] if answer.entry is not None else list(answer.options)
    assert "thutuc-khai-sinh" in [e.id for e in found], (answer.kind, found)
    assert answer.question == STORY


DIVORCED = ("Chào em, chị mới ly hôn, con gái 6 tuổi ở với chị. Giờ chị muốn chuyển hộ khẩu của con về nhà ngoại ở "
            "cùng chị thì làm sao em")


def test_the_one_asking_sentence_of_a_message_that_also_tells():
    assert asking_sentence(DIVORCED) == "Giờ chị muốn chuyển hộ khẩu của con về nhà ngoại ở cùng chị thì làm sao em"
    assert asking_sentence("chuyển hộ khẩu của con về nhà ngoại thì làm sao em") is None        # one sentence
    assert asking_sentence("chị ly hôn rồi. làm sao?") is None                     # too short to stand alone
    assert asking_sentence("căn cước làm ở đâu. còn hộ chiếu thì làm ở đâu vậy em ơi") is None   # two ask


@pytest.mark.slow
def test_a_story_asked_back_whole_is_answered_when_its_asking_sentence_settles_the_choice(real_answerer):
    """Whole, the divorce and the child's age had blurred it into four choices; the asking sentence alone answers
    with the residence guide, which was one of them."""
    answer = real_answerer.ask(DIVORCED)
    assert (answer.kind, answer.entry and answer.entry.id) == ("answer", "thutuc-thuong-tru")
    assert answer.question == DIVORCED


def test_the_told_sentences_give_their_one_answer_else_their_one_question_back_else_nothing():
    def entry(i: str) -> KnowledgeEntry:
        return KnowledgeEntry(id=i, title=i, topic="t", questions=(), links=(), sources=(), reviewed=date(2026, 12, 6),
                              provinces=(), body="", path="")

    def got(kind: str, *ids: str) -> Answer:
        return Answer("q", kind, entry(ids[0]) if kind == "answer" else None, 0.5,
                      tuple(map(entry, ids)) if kind == "clarify" else (), (), None, False, 0.0)

    dont_know = Answer("q", "dont_know", None, 0.1, (), (), None, False, 0.0)
    assert one_reading([dont_know, got("clarify", "a", "b"), got("answer", "c")]).entry.id == "c"
    assert one_reading([got("answer", "c"), got("answer", "c")]).entry.id == "c"
    assert one_reading([got("answer", "c"), got("answer", "d")]) is None            # two sentences, two answers
    assert [o.id for o in one_reading([dont_know, got("clarify", "a", "b")]).options] == ["a", "b"]
    assert one_reading([got("clarify", "a", "b"), got("clarify", "e", "f")]) is None
    assert one_reading([dont_know]) is None and one_reading([]) is None


MARRIED = ("chào ad, tụi mình mới đăng ký kết hôn xong, giờ vợ muốn chuyển hộ khẩu về nhà chồng ở phường Hải Châu thì "
           "làm sao")
BOAT = "tui o nghe an, moi dong xong chiec tau ca 15 met, gio dang ky tau o dau chau"


def test_what_is_done_already_is_told_apart_from_what_is_asked_now():
    assert done_apart(MARRIED) == ("tụi mình mới đăng ký kết hôn xong",
                                   "chào ad, giờ vợ muốn chuyển hộ khẩu về nhà chồng ở phường Hải Châu thì làm sao")
    assert done_apart("đăng ký tạm trú xong, giờ bao lâu có") is None        # too little left to ask
    assert done_apart("em làm xong rồi") is None


@pytest.mark.slow
def test_a_message_answered_with_what_it_says_is_done_gets_what_it_asks_now(real_answerer):
    """The marriage guide had answered the wife's move; the boat built ("đóng xong chiếc tàu cá") is the subject
    of its question, and the rest alone finds nothing else: it stays read whole."""
    married = real_answerer.ask(MARRIED)
    assert (married.kind, married.entry and married.entry.id) == ("answer", "thutuc-thuong-tru")
    boat = real_answerer.ask(BOAT)
    found = [boat.entry] if boat.entry else list(boat.options)
    assert "tthc:1.003650" in [e.id for e in found], (boat.kind, found)


def test_a_person_named_after_a_comma_is_a_case_of_their_own():
    """"ông Sáu mất bằng lái…, chị Lan muốn đăng ký hộ kinh doanh…, còn cụ Tư…": three cases (the second had
    been read with the first, so "còn việc của chị Lan thì sao" found nothing of hers); a name opening a sentence,
    or one in the middle of a clause, cuts nothing."""
    pieces = split_questions(
        "Dạ chào trợ lý, em là thành viên Tổ công nghệ số thôn Phú Thượng. Sáng nay có ba người nhờ em: ông Sáu bị "
        "mất bằng lái xe máy cần cấp lại, chị Lan muốn đăng ký hộ kinh doanh để bán tạp hóa, còn cụ Tư 82 tuổi không "
        "có lương hưu muốn xin trợ cấp hưu trí xã hội. Em nên hướng dẫn từng người thế nào ạ?")
    assert [p.question.split(":")[-1].strip()[:9] for p in pieces] == ["ông Sáu b", "chị Lan m", "cụ Tư 82 "]
    assert split_questions("tôi mất căn cước, anh Nam bảo phải ra công an xã làm lại, có đúng không") == []
