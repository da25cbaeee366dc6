"""A citizen asks about procedures through the conversation engine (fake embedder, small catalogue)."""
from __future__ import annotations

import json

import pytest

from bot.dialogue import Dialogue
from bot.retrieval.library import KnowledgeLibrary
from handlers.app.cli import answer_json
from indexer.build import build_index
from tests.builders import open_storage
from tests.catalogue_helpers import write_catalogue
from tests.chat import Chat
from tests.conftest import FAKE_MODEL, FakeEmbedder, fake_answerer


@pytest.fixture
def answerer(small_kb, tmp_path):
    write_catalogue(small_kb)
    build_index(small_kb, tmp_path / "index", FAKE_MODEL, FakeEmbedder, progress=False)
    return fake_answerer(tmp_path / "index", FakeEmbedder())


@pytest.fixture
def chat(answerer, tmp_path):
    library = KnowledgeLibrary(tmp_path / "index", lambda: answerer)
    return Chat(Dialogue(library, open_storage(tmp_path / "dvcbot.db"), b"test-secret"))


async def test_a_card_with_its_portal_link_details_and_rating(chat):
    await chat("dang ky tam tru o dau")
    text = chat.text()
    assert "Đăng ký tạm trú" in text and "Công an cấp xã" in text
    links = [b.url for r in chat.last for b in r.buttons if b.url]
    assert "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bf7-770b-734d-b7fb-5e1995f194f4" in links
    assert "https://dichvucong.gov.vn/nop-ho-so?formalityId=019d2bf7-770b-734d-b7fb-5e1995f194f4" in links
    chat.button("Hài lòng")  # rated like any answer
    await chat.press("Xem chi tiết")
    assert "Các bước" in chat.text() and "68/2020/QH14" in chat.text()


async def test_a_follow_up_is_answered_from_the_procedure_in_focus(chat):
    await chat("đăng ký tạm trú ở đâu")
    await chat("thế lệ phí bao nhiêu?")
    assert "Đăng ký tạm trú" in chat.text()
    assert first_fact(chat.text()).startswith("💰") and "7.000" in first_fact(chat.text())
    await chat("mất mấy ngày?")
    assert first_fact(chat.text()).startswith("⏱️") and "3 ngày làm việc" in first_fact(chat.text()).lower()
    # the portal's record is no guide staff wrote: it is called what it is
    assert "hướng dẫn" not in chat.text().lower() and "thủ tục “" in chat.text() and chat.button("Xem lại cả thủ tục")


async def test_follow_ups_in_citizens_words_are_read_with_the_procedure(chat):
    await chat("đăng ký tạm trú ở đâu")
    await chat("bao lâu thì có kết quả")        # "kết quả" asks the time, it is not a word to look for
    assert first_fact(chat.text()).startswith("⏱️")
    await chat("thế có phải mang giấy khai sinh không")   # a paper to bring: the procedure's own list
    assert "Đăng ký tạm trú" in chat.text() and "📄" in chat.text()
    await chat("lam o xa duoc ko")              # where, in the citizen's words
    assert first_fact(chat.text()).startswith("🏛️")


async def test_a_longer_question_on_another_subject_keeps_its_own_options(chat):
    """Citizens change subject mid-chat: options offered for the new question are not replaced by the card
    of the procedure in focus because the question also asks "giấy tờ gì"."""
    await chat("đăng ký tạm trú ở đâu")
    await chat("thủ tục đăng ký khai sinh cho cháu nội mới sinh, bố cháu là việt kiều, thì cần giấy tờ gì vậy ạ")
    titles = [b.title for r in chat.last for b in r.buttons if b.payload]
    assert "Thủ tục đăng ký khai sinh" in titles and "Đăng ký tạm trú" not in chat.text()


def first_fact(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(("💰", "🏛️", "💻", "⏱️", "📄")))


async def test_siblings_come_as_options_and_each_opens_its_card(chat):
    """"việt kiều" cues the foreign sibling: both are offered, never the plain one guessed."""
    await chat("dang ky khai sinh cho be, bo be la viet kieu")
    titles = [b.title for r in chat.last for b in r.buttons if b.payload]
    assert "Thủ tục đăng ký khai sinh" in titles and "Thủ tục đăng ký khai sinh có yếu tố nước ngoài" in titles
    await chat.press("có yếu tố nước ngoài")
    assert "khai sinh có yếu tố nước ngoài" in chat.text() and "Mã thủ tục: 1.001695" in chat.text()


def test_ask_json_names_the_procedures_and_the_options(answerer):
    answered = answer_json(answerer.ask("đăng ký tạm trú nộp online mất bao nhiêu tiền"))
    assert answered["entry_id"] == "tthc:1.004194" and answered["procedures"] == ["1.004194"]
    assert answered["options"] == [] and answered["matched"] is True
    assert "7.000 đ" in answered["answer"]
    asked_back = answer_json(answerer.ask("dang ky khai sinh cho be, bo be la viet kieu"))
    assert asked_back["entry_id"] is None and asked_back["procedures"] == []
    assert [o["entry_id"] for o in asked_back["options"]] == [f"tthc:{o['procedures'][0]}" for o in asked_back["options"]]
    assert {o["procedures"][0] for o in asked_back["options"]} == {"1.001193", "1.001695"}
    other = answer_json(answerer.ask("quên mật khẩu VNeID"))
    assert other["procedures"] == [] and other["options"] == []
    json.dumps(answered, ensure_ascii=False)
