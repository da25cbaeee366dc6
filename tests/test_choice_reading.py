"""A typed reply to "Ý bạn là…?" that states an age or cues a case keeps only the options it fits; a question that
states an age is not answered with an entry for other ages."""
from __future__ import annotations

import pytest

from bot.retrieval.choice_reading import age_range, fits_age, fitting, for_age, paid_pension, stated_age
from tests.chat import Chat

ID_CARD = ["Cấp đổi, cấp lại thẻ căn cước", "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên",
           "Cấp thẻ căn cước cho người dưới 14 tuổi",
           "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên (thực hiện tại cấp tỉnh)"]


@pytest.mark.parametrize("text, age", [
    ("no 15 tuoi roi", 15), ("cháu 10t", 10), ("con tôi 7 tủi", 7), ("tui muon lam the", None), ("bé mới sinh", 0), ("con 8 tháng tuổi", 0),
    ("trẻ chưa đủ 14 tuổi", 13), ("dưới 14 tuổi", 13), ("ông trên 60 tuổi", 61),
    ("tôi 65 tuổi làm cho cháu 10 tuổi", None),   # two ages: whose is asked about is unclear
    ("nộp 3 tháng rồi chưa có", None), ("làm ở đâu", None),
    # a school year: lớp 1 at six
    ("thằng út nhà tui học lớp 7", 13), ("con em dang hoc lop 3", 9), ("nhà ở lớp 2 tầng", None),
])
def test_the_age_a_message_states(text, age):
    assert stated_age(text) == age


@pytest.mark.parametrize("title, span", [
    (ID_CARD[1], (14, 200)), (ID_CARD[2], (0, 14)), (ID_CARD[0], None),
    ("Hỗ trợ chi phí mai táng cho người cao tuổi từ đủ 75 tuổi đến 80 tuổi", (75, 81)),
])
def test_the_ages_a_title_is_for(title, span):
    assert age_range(title) == span
    assert fits_age(title, None) and (span is None or fits_age(title, span[0]) and not fits_age(title, span[1]))


@pytest.mark.parametrize("reply, kept", [
    ("no 15 tuoi roi", [1, 3]), ("bé mới sinh", [2]), ("chau 10t", [2]),
    ("làm ở đâu", []),                                    # no age: nothing picked
    ("con tôi 15 tuổi, làm căn cước lần đầu ở đâu thì tiện nhất ạ", []),   # a question of its own
])
def test_a_short_reply_picks_the_options_of_its_age(reply, kept):
    assert fitting(ID_CARD, reply, {}) == kept


def test_what_stands_of_a_reply_for_a_stated_age():
    title = dict(zip("abcd", ID_CARD)).__getitem__
    assert for_age(None, "c", (), title) == ()                        # no age: as it was
    assert for_age(15, "c", (), title) is None                        # an answer for under-14s
    assert for_age(15, "b", (), title) == ()
    assert for_age(15, None, ("a", "c", "b"), title) == ("a", "b")     # no age named fits every age
    assert for_age(15, None, ("c", "b"), title) is None                # the nearest is for other ages …
    assert for_age(15, None, ("c", "b"), title, nearest_decides=False) == ("b",)   # … unless siblings all count
    assert for_age(15, None, ("c",), title, nearest_decides=False) is None


def test_a_reply_picks_the_option_of_the_case_it_cues():
    titles = ["Thủ tục đăng ký khai sinh", "Thủ tục đăng ký khai sinh có yếu tố nước ngoài"]
    cases = {"có yếu tố nước ngoài": ("người hàn", "việt kiều")}
    assert fitting(titles, "chồng em người Hàn", cases) == [1]
    assert fitting(titles, "chồng em người Việt", cases) == []


@pytest.mark.parametrize("reply, kept", [("lam o xa", [0]), ("o phuong a", [0]), ("cap tinh", [1]),
                                         ("lên thành phố làm", [1]), ("ở tỉnh khác thì sao", []), ("cần gì", []),
                                         ("làm ở xã, được không", [0]),
                                         ("con o xa", []), ("nó ở xa lắm", [])])   # far away, not the commune
def test_a_reply_picks_the_option_of_the_level_it_names(reply, kept):
    """The same procedure at two levels: "làm ở xã" had been asked "which one?" again."""
    titles = ["Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên",
              "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên (thực hiện tại cấp tỉnh)"]
    assert fitting(titles, reply, {}) == kept


@pytest.mark.slow
async def test_an_age_typed_after_the_options_keeps_those_that_fit(dialogue):
    chat = Chat(dialogue)
    await chat("chao chau, bac muon hoi ve lam the can cuoc cho thang chau noi")
    offered = [b.title for r in chat.last for b in r.buttons if b.payload]
    assert any("dưới 14 tuổi" in t for t in offered) and any("từ đủ 14 tuổi" in t for t in offered)
    await chat("no 15 tuoi roi")
    kept = [b.title for r in chat.last for b in r.buttons if b.payload]
    assert kept and not any("dưới 14 tuổi" in t for t in kept)
    assert sum("từ đủ 14 tuổi" in t for t in kept) == 2   # the commune's and the province's: the citizen chooses
    await chat.press("từ đủ 14 tuổi trở lên")
    assert "Mã thủ tục: 1.014061" in chat.text()


@pytest.mark.slow
@pytest.mark.parametrize("question", ["lam the can cuoc lan dau cho con 15 tuoi",
                                      "Con tôi vừa đủ 14 tuổi, đi làm căn cước lần đầu cần mang gì?"])
def test_a_question_stating_an_age_gets_no_entry_for_other_ages(real_answerer, question):
    answer = real_answerer.ask(question)
    shown = [e for e in (answer.entry, *answer.options) if e is not None]
    assert shown and all(fits_age(e.title, stated_age(question)) for e in shown)
    assert "1.014061" in {c for e in shown for c in e.procedures}


@pytest.mark.parametrize("text, paid", [
    ("bố em đang hưởng lương hưu, tiền mai táng thì nhận ở đâu", True), ("ong nha toi dang lanh luong huu", True),
    # having none is what the social pension allowance is for
    ("ba tui khong co luong huu", False), ("Bà nhà tôi không có lương hưu, thẻ bhyt hết hạn", False),
    ("trợ cấp hưu trí xã hội cho người đang hưởng lương hưu", False), ("tiền mai táng ở đâu", False),
])
def test_a_paid_pension_is_told_from_having_none(text, paid):
    assert paid_pension(text) is paid


@pytest.mark.slow
def test_a_pensioner_gets_no_procedure_of_the_social_pension_allowance(real_answerer):
    """"bố em đang hưởng lương hưu, tiền mai táng…" had been answered, sure, with the funeral support for those on
    the social pension allowance, which is for old people with no pension."""
    answer = real_answerer.ask("bố em đang hưởng lương hưu, tiền mai táng thì nhận ở đâu")
    shown = [e for e in (answer.entry, *answer.options) if e is not None]
    assert not any("hưu trí xã hội" in e.title for e in shown), [e.title for e in shown]


@pytest.mark.parametrize("codes, asked", [(["1.001776"], "Ý bạn là"), (["1.014061", "2.000200"], "gần giống nhau")])
def test_one_procedure_left_is_asked_as_one(codes, asked):
    """Options narrowed to one procedure ("mẹ em 81 tuổi" drops the 75-to-80 sibling) are not "several alike"."""
    import datetime as dt

    from bot.dialogue.render import answer_replies
    from bot.retrieval.answers import Answer
    from indexer.knowledge import KnowledgeEntry

    options = tuple(KnowledgeEntry(id=f"tthc:{c}", title=f"Thủ tục {c}", topic="thu-tuc", questions=(), links=(),
                                   sources=(), reviewed=dt.date(2026, 12, 4), provinces=(), body="", path="")
                    for c in codes)
    answer = Answer("q", "clarify", None, 0.5, options, (), None, False, 1.0)
    assert asked in answer_replies(answer)[0].text


@pytest.mark.slow
async def test_a_vocative_an_age_and_a_paper_to_bring_in_one_chat(dialogue):
    """"cháu ơi" is a call, not a search word; after the age keeps two options, "phải mang giấy khai sinh ko"
    asks which of them, and the one picked shows its documents first."""
    chat = Chat(dialogue)
    await chat("chau oi bac muon lam can cuoc cho chau gai")
    assert any("dưới 14 tuổi" in b.title for r in chat.last for b in r.buttons if b.payload)
    await chat("con be moi 8 tuoi")
    kept = [b.title for r in chat.last for b in r.buttons if b.payload]
    assert kept and all("dưới 14 tuổi" in t for t in kept if "Không phải" not in t and "👎" not in t)
    await chat("phai mang giay khai sinh ko chau")
    assert [b.title for r in chat.last for b in r.buttons if b.payload] == kept
    await chat.press("dưới 14 tuổi")
    facts = [line for line in chat.text().splitlines() if line.startswith(("🏛️", "💻", "💰", "⏱️", "📄"))]
    assert "1.014062" in chat.text() and facts[0].startswith("📄")
