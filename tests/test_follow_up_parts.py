"""A part asked of the entry just answered is shown, even when the question names that entry's subject, and in
miền Trung words: never the same answer again."""
import pytest

from bot.retrieval.aspects import asked_aspect
from bot.retrieval.follow_up import has_cue
from tests.chat import Chat

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("text, aspect", [
    ("làm khai tử có mất đồng mô không", "fee"), ("tốn đồng nào không con", "fee"),
    ("nộp mô rứa", "where"), ("mấy bữa thì có", "time"),
])
def test_regional_words_ask_a_part(text, aspect):
    assert asked_aspect(text) == aspect


def test_rua_starts_a_follow_up_and_thi_rang_ends_one():
    assert has_cue("rứa phải làm trong mấy ngày") and has_cue("con tui 10 tuổi thì răng")
    assert not has_cue("rửa tay xong rồi")


async def test_a_part_asked_naming_the_subject_just_answered_is_that_part(dialogue):
    chat = Chat(dialogue)
    await chat("Ôn nội tui mới mất hôm qua ở Quảng Trị, giờ làm giấy khai tử răng, có làm trên mạng được không?")
    first = chat.text()
    assert any(r.entry_id == "thutuc-khai-tu" for r in chat.last)
    await chat("làm khai tử có mất đồng mô không")
    assert "không mất lệ phí" in chat.text() and chat.text() != first
    await chat("rứa phải làm trong mấy ngày")
    assert "15 ngày" in chat.text()


async def test_the_subjects_own_words_asked_again_get_the_line_that_says_them(dialogue):
    """"khoa xong muon mo lai thi lam sao" after the lock-and-unlock guide had got the same guide again: its words are
    the guide's subject, and its unlocking step says them together."""
    chat = Chat(dialogue)
    await chat("bi lua lay ma otp vneid roi, khoa tai khoan o dau")
    assert any(r.entry_id == "vneid-khoa-mo-khoa" for r in chat.last)
    await chat("khoa xong muon mo lai thi lam sao")
    assert "Mở khóa:" in chat.text() and "Khóa ngay" not in chat.text()   # the step, not the whole guide again
