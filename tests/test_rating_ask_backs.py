"""A reply that answers nothing (an ask-back, "the guide does not say", no guide at all) can still be rated 👎: citizens pressed 👎
after "Có mấy thủ tục…" and found no button, and the satisfaction figure only counted answers."""
import pytest

from bot.core.messages import Button, Reply
from bot.core.payloads import Act, encode, rate_buttons
from bot.domain.chat_port import NeedKind
from handlers.channels.zalo import zalo_messages
from tests.chat import Chat

pytestmark = pytest.mark.slow


def table(dialogue, name):
    return list(dialogue.storage.db[name].rows)


async def test_an_ask_back_takes_a_thumbs_down_with_its_question(dialogue):
    chat = Chat(dialogue)
    await chat("thanh toan")
    assert "Ý bạn là" in chat.text()
    titles = [b.title for r in chat.last for b in r.buttons]
    assert titles[-1] == "Chưa hài lòng 👎" and "Hài lòng 👍" not in titles   # nothing answered to be glad of
    await chat.press("Chưa hài lòng")
    assert "Vì sao" in chat.text()
    await chat.press("Khó hiểu")
    ratings, needs = table(dialogue, "ratings"), table(dialogue, "unmet_needs")
    assert [(r["value"], r["reason"], r["entry_id"], r["question"]) for r in ratings] == [
        ("down", "unclear", None, "thanh toan")]
    assert needs[0]["kind"] == NeedKind.BAD_RATING.value and needs[0]["rating_id"] == ratings[0]["id"]


async def test_the_guide_not_saying_takes_a_thumbs_down(dialogue):
    chat = Chat(dialogue)
    await chat("chứng thực điện tử là gì v ad")
    await chat("nó dùng thay bản giấy nộp cho cty dc ko")
    assert "chưa nói về điều bạn hỏi thêm" in chat.text()
    await chat.press("Chưa hài lòng")
    assert "Vì sao" in chat.text()


async def test_no_guide_takes_a_thumbs_down_beside_sending_the_question(dialogue):
    chat = Chat(dialogue)
    await chat("giá vàng hôm nay bao nhiêu")
    assert "chưa có hướng dẫn" in chat.text()
    titles = [b.title for r in chat.last for b in r.buttons]
    assert "Gửi câu hỏi cho tổ hỗ trợ" in titles and titles[-1] == "Chưa hài lòng 👎"
    await chat.press("Chưa hài lòng")
    assert "Vì sao" in chat.text()
    await chat.press("Sai thông tin")
    assert [(r["value"], r["reason"], r["entry_id"]) for r in table(dialogue, "ratings")] == [("down", "wrong", None)]


async def test_an_ask_back_leaves_the_last_answer_for_the_next_step(dialogue):
    chat = Chat(dialogue)
    await chat("dk vneid muc 2 o dau")
    answered = next(r.entry_id for r in chat.last if r.entry_id)
    await chat("thanh toan")
    assert "Ý bạn là" in chat.text()
    await chat("bước tiếp theo")
    assert any(b.payload and b.payload.startswith(f"{Act.STEPS.value}:{answered}") for r in chat.last
               for b in r.buttons) or "Bước 1/" in chat.text()


def _options(n: int) -> Reply:
    buttons = tuple(Button(f"Thủ tục {i}", encode(Act.ENTRY, f"muc-{i}")) for i in range(1, n + 1))
    return Reply("Có mấy thủ tục gần giống nhau?", buttons + (Button("Không phải các ý trên", encode(Act.REPHRASE)),)
                 + rate_buttons(7, up=False))


def test_zalo_drops_the_thumbs_down_before_it_numbers_the_options():
    kept = zalo_messages([_options(3)])[-1]
    assert [b["title"] for b in kept["attachment"]["payload"]["buttons"]] == [
        "Thủ tục 1", "Thủ tục 2", "Thủ tục 3", "Không phải các ý trên"]
    numbered = zalo_messages([_options(4)])[-1]
    assert "[6] Chưa hài lòng 👎" in numbered["text"] and "attachment" not in numbered
