"""A follow-up unclear alone, right after an answer, offers that answer's subject first among its choices; not after
an ask-back, and not beside options sure of their own subject."""
import pytest

from bot.core.payloads import Act
from tests.chat import Chat

pytestmark = pytest.mark.slow


def offered(chat: Chat) -> list[str]:
    return [b.payload.split(":", 1)[1] for r in chat.last for b in r.buttons
            if b.payload and b.payload.startswith(f"{Act.ENTRY.value}:")]


async def test_a_follow_up_asked_back_offers_the_answer_before_it_first(dialogue):
    chat = Chat(dialogue)
    await chat("hi ad, tụi mình ở Đà Nẵng, tính tháng 1 đăng ký kết hôn, giờ làm online trên dvc được hông")
    assert any(r.entry_id == "thutuc-ket-hon" for r in chat.last)
    await chat("hôm hẹn ký thì 2 đứa phải cùng lên hay 1 đứa đi cũng đc, ảnh đi làm ca khó xin nghỉ")
    assert "Ý bạn là" in chat.text() and offered(chat)[0] == "thutuc-ket-hon"


async def test_after_an_ask_back_the_older_answer_is_not_pushed_into_new_choices(dialogue):
    chat = Chat(dialogue)
    await chat("Anh đi Hàn hơn 3 năm, trước khi đi không khai báo tạm vắng gì cả, giờ về thì hộ khẩu có bị xóa không")
    first = next(r.entry_id for r in chat.last if r.entry_id)
    await chat("vậy giờ anh đăng ký lại thường trú ở nhà bố mẹ thì cần giấy tờ gì")
    assert "Ý anh là" in chat.text()
    await chat("nhưng mà căn cước anh hết hạn hồi đang ở bên Hàn, giờ đổi luôn được không")
    assert first not in offered(chat) and any("can-cuoc" in o for o in offered(chat))


async def test_options_sure_of_their_own_subject_keep_to_it(dialogue):
    chat = Chat(dialogue)
    await chat("chào bạn, cho tôi hỏi về chế độ thương binh")
    await chat("số 2")
    shown = next(r.entry_id for r in chat.last if r.entry_id)
    await chat("Bố tôi là thương binh 2/4, giấy chứng nhận thương binh bị thất lạc lúc chuyển nhà, giờ xin cấp lại ở đâu")
    assert shown not in offered(chat) and "tthc.1.010814" in offered(chat)


async def test_what_to_prepare_after_the_choices_is_asked_of_them(dialogue):
    """"Cần chuẩn bị những gì?" after the driving-permit choices asks their papers: it had got the guide on what
    to have before filing online."""
    chat = Chat(dialogue)
    await chat("Tôi sắp đi công tác Nhật Bản, muốn xin giấy phép lái xe quốc tế, nộp trực tuyến được không?")
    assert "tthc.3.000353" in offered(chat)
    await chat("Cần chuẩn bị những gì?")
    assert "tthc.3.000353" in offered(chat) and "Điện thoại thông minh" not in chat.text()
