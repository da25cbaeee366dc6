"""Conversations that hold up: pending steps, hand-offs, dead ends, guided steps, tone (issue 11).

Through the chat harness, as citizens type, against a real SQLite file and the real model.
"""
import pytest

from bot.core.messages import Incoming
from bot.core.wording import say
from bot.desk.service import CommunityDesk
from bot.dialogue.render import FIRST_BUBBLE_CHARS
from bot.domain.chat_port import NeedKind
from bot.domain.delivery import Deliverer
from bot.reading.flows import load_flows
from tests.chat import Chat

pytestmark = pytest.mark.slow


@pytest.fixture
def chat(dialogue):
    return Chat(dialogue)


def rows(dialogue, name):
    return list(dialogue.storage.db[name].rows)


def onward(replies):
    return [b for r in replies for b in r.buttons if b.payload and not b.payload.startswith("rate:")]


async def forged(chat, payload):
    return await chat._send(Incoming("test", chat.user, payload=payload))


# ---- readiness: natural answers, and questions in the middle
async def test_readiness_takes_natural_answers_as_elderly_people_type_them(chat):
    await chat("kiểm tra sẵn sàng")
    await chat("chưa có ạ")
    assert "2/4" in chat.text()
    await chat("bác ko có thẻ ngân hàng")
    assert "3/4" in chat.text() and "Bác có chữ ký số" in chat.text()
    await chat("không có")
    assert "4/4" in chat.text()
    await chat("dạ có")
    text = chat.text()
    assert "Việc bác nên làm" in text and "VNeID" in text and "neac.gov.vn" in text
    assert "smartsign" not in text.lower() and "vimass" not in text.lower()


async def test_a_question_during_readiness_is_answered_and_the_check_waits(chat, dialogue):
    await chat("kiểm tra sẵn sàng")
    await chat("có rồi")
    await chat("đổi số điện thoại vneid thế nào?")
    assert "Đổi số điện thoại" in chat.text() and "2/4" in chat.text()     # answered, then the check resumes
    assert chat.button("Có").payload == "ready:1:y"
    await chat("chưa")
    assert "3/4" in chat.text()


async def test_asking_for_a_person_during_readiness_leaves_it_with_a_word(chat, dialogue):
    await chat("kiểm tra sẵn sàng")
    await chat("cho tôi gặp nhân viên")
    assert "Đã dừng bài kiểm tra" in chat.text() and "Đã gửi cho" in chat.text()
    await chat("có")
    assert "2/4" not in chat.text()


# ---- comment after 👎: never swallows a new question
async def test_new_question_after_a_reason_is_answered_not_stored_as_a_comment(chat, dialogue):
    await chat("quên passcode vneid")
    await chat.press("Chưa hài lòng")
    await chat.press("Khó hiểu")
    await chat("đổi số điện thoại vneid thế nào?")
    assert "Đổi số điện thoại" in chat.text() and "sẽ xem để sửa" not in chat.text()
    assert rows(dialogue, "ratings")[0]["comment"] is None
    await chat.press("Lưu làm góp ý")   # it was a comment after all
    assert "đổi số điện thoại vneid" in rows(dialogue, "ratings")[0]["comment"]


async def test_a_comment_is_still_a_comment(chat, dialogue):
    await chat("quên passcode vneid")
    await chat.press("Chưa hài lòng")
    await chat.press("Sai thông tin")
    await chat("bước 3 không có nút đó, app của tôi khác")
    assert "Cảm ơn góp ý" in chat.text()
    assert "bước 3 không có nút" in rows(dialogue, "ratings")[0]["comment"]


async def test_a_comment_asking_for_a_call_back_becomes_a_handoff_that_says_so(chat, dialogue):
    await chat("quên passcode vneid")
    await chat.press("Chưa hài lòng")
    await chat.press("Lý do khác")
    await chat("làm mãi không được, gọi lại cho tôi 0912345678")
    text = chat.text()
    assert "chuyển thành yêu cầu gặp người hỗ trợ" in text and "sẽ xem để sửa" not in text
    assert "để lại số điện thoại" in text                       # the explicit question, not the number typed
    handoff = [n for n in rows(dialogue, "unmet_needs") if n["kind"] == NeedKind.HANDOFF.value]
    assert len(handoff) == 1 and "0912345678" not in handoff[0]["detail"]
    assert rows(dialogue, "callbacks") == []


# ---- tickets that inform, once
async def test_handoff_says_what_was_sent_who_answers_when_and_what_meanwhile(chat, dialogue):
    await chat("tài khoản vneid bị khóa, sđt 0987654321")
    await chat("cho mình nói chuyện với người thật được không?")
    text = chat.text()
    assert "Đã gửi cho Tổ hỗ trợ (mã" in text and "bị khóa" in text     # what was sent
    assert "1 ngày làm việc" in text and "1800 1096" in text              # when, and meanwhile
    need = rows(dialogue, "unmet_needs")[0]
    assert need["kind"] == NeedKind.HANDOFF.value and "0987654321" not in need["context"]
    await chat.press("Không cần")
    await chat("gặp nhân viên")                                         # pressing again
    assert "đã gửi rồi" in chat.text() and len(rows(dialogue, "unmet_needs")) == 1


async def test_expected_time_comes_from_the_setting(real_library, tmp_path):
    from bot.dialogue import Dialogue
    from bot.domain.tickets import SameForEveryone
    from tests.builders import open_storage

    d = Dialogue(real_library, open_storage(tmp_path / "x.db"), b"s", response_times=SameForEveryone(4))
    c = Chat(d)
    await c("gặp người hỗ trợ")
    assert "4 giờ làm việc" in c.text()


async def test_none_of_these_first_invites_a_rephrase(chat, dialogue):
    await chat("thanh toan")
    await chat.press("Không phải các ý trên")
    assert "hỏi lại bằng cách khác" in chat.text() and rows(dialogue, "unmet_needs") == []
    await chat("giá vàng hôm nay")
    assert "vẫn chưa tìm được" in chat.text()
    await chat.press("Gửi câu hỏi cho tổ hỗ trợ")
    need = rows(dialogue, "unmet_needs")[0]
    assert need["kind"] == NeedKind.NO_ANSWER.value and "thanh toan" in need["question"]
    assert "giá vàng" in need["question"] and "Đã gửi cho" in chat.text()
    await chat.press("☰ Menu")
    await chat("giá vàng hôm nay")
    await forged(chat, "ask_team")
    assert len(rows(dialogue, "unmet_needs")) == 2   # a different question is a different ticket


async def test_stuck_asks_where_and_files_one_ticket_with_the_citizens_words(chat, dialogue):
    await chat("quên passcode vneid")
    await chat.press("Làm từng bước")
    await chat.press("Xong")
    stuck = chat.button("Bị kẹt").payload
    await chat.press("Bị kẹt")
    assert "kẹt ở chỗ nào" in chat.text() and rows(dialogue, "unmet_needs") == []
    await chat("không thấy nút quên passcode, email tôi a.b@gmail.com")
    need = rows(dialogue, "unmet_needs")[0]
    assert need["kind"] == NeedKind.STUCK.value and need["entry_id"] == "vneid-quen-passcode" and need["step"] == 2
    assert "không thấy nút" in need["detail"] and "gmail" not in need["detail"]
    assert "Bị kẹt ở bước 2" in chat.text() and "không thấy nút" in chat.text()
    await chat.press("Không cần")
    await forged(chat, stuck)
    await chat.press("Gửi luôn")
    assert "đã gửi rồi" in chat.text() and len(rows(dialogue, "unmet_needs")) == 1


async def test_call_back_number_only_after_asking_kept_apart_and_deleted_on_close(chat, dialogue):
    await chat("gặp người hỗ trợ")
    assert "để lại số điện thoại" in chat.text()
    await chat.press("Có, để lại số")
    await chat("0912 345 678")
    assert "•••••••678" in chat.text() and "0912" not in chat.text()
    need = rows(dialogue, "unmet_needs")[0]
    assert dialogue.storage.callback(need["id"]).phone == "0912345678"
    assert all("0912345678" not in (m["text"] or "") for m in rows(dialogue, "messages"))
    desk = CommunityDesk(dialogue.storage, Deliverer(dialogue.storage, {}), dialogue.record_team_answer)
    admin = dialogue.storage.add_staff("an", "An", "hash", "admin")
    desk.claim(admin, need["id"])
    assert dialogue.storage.callback(need["id"]) is not None
    desk.close(admin, [need["id"]])
    assert dialogue.storage.callback(need["id"]) is None


async def test_a_wrong_number_is_asked_again_once_and_delete_my_data_removes_the_number(chat, dialogue):
    await chat("gọi lại cho tôi")
    await chat("có")
    await chat("09123")
    assert "chưa đúng" in chat.text()
    await chat("0987.654.321")
    assert len(rows(dialogue, "callbacks")) == 1
    await chat("xóa dữ liệu của tôi")
    await chat("có")
    assert "Đã xóa" in chat.text() and rows(dialogue, "callbacks") == [] and rows(dialogue, "unmet_needs") == []


async def test_deleting_ones_data_asked_in_a_sentence_is_the_same_request(chat, dialogue):
    """"thôi xoá hết dữ liệu của tôi đi cho chắc ăn" had been searched (and offered procedures): only the exact
    phrase of the privacy notice was read. Data kept elsewhere ("… trên vneid") is a question, not this request."""
    await chat("thôi xoá hết dữ liệu của tôi đi cho chắc ăn")
    await chat("ừ xoá đi")
    assert "Đã xóa" in chat.text() and rows(dialogue, "messages") == [], chat.text()
    assert load_flows().command("xoa du lieu cua toi tren vneid thi sao") is None


async def test_delete_confirmation_does_not_trap(chat, dialogue):
    await chat("xóa dữ liệu của tôi")
    await chat("quên mật khẩu vneid thì làm sao")
    assert "chưa xóa gì" in chat.text() and "Quên mật khẩu" in chat.text()
    assert rows(dialogue, "messages")
    await chat("xóa dữ liệu")
    await chat("thôi khỏi")   # "no", in words
    assert "giữ nguyên" in chat.text()


@pytest.mark.parametrize("payload", [
    "steps:vneid-quen-passcode:0", "steps:vneid-quen-passcode:-1", "steps:vneid-quen-passcode:9",
    "steps:vneid-tong-dai:1", "stuck:vneid-quen-passcode:2", "handoff", "ask_team", "send_stuck", "callback:y",
    "keep:1", "ready:go", "topic:vneid:9", "more:khong-co",
])
async def test_forged_or_out_of_range_buttons_are_stale_and_file_nothing(dialogue, payload):
    chat = Chat(dialogue, user=f"forger-{payload}")
    replies = await forged(chat, payload)
    assert any("Nút này đã cũ" in r.text for r in replies)
    assert "Bước 0" not in chat.text() and "Bước -1" not in chat.text()
    assert rows(dialogue, "unmet_needs") == [] and onward(replies)


# ---- always a way on
async def test_no_reply_is_a_dead_end(chat, dialogue):
    script = [("text", "xin chào"), ("text", "quên passcode vneid"), ("press", "Hài lòng"),
              ("text", "😀"), ("text", "ok cảm ơn bạn nhé"), ("press", "Menu"), ("press", "VNeID"),
              ("press", "Xem thêm"), ("text", "quên passcode vneid"), ("press", "Làm từng bước")]
    # "tỷ số bóng đá" is small talk, answered as such, with a person offered after two messages nothing answered
    script += [("press", "Xong")] * 5 + [("text", "giá vàng hôm nay"), ("text", "tỷ số bóng đá"),
                                        ("press", "Gặp người hỗ trợ"), ("text", "tạm biệt"), ("text", "hủy")]
    for how, what in script:
        replies = await (chat(what) if how == "text" else chat.press(what))
        assert onward(replies), (what, [r.text for r in replies])


async def test_social_turns_at_length_are_answered_and_a_greeting_is_no_miss(chat):
    """Nothing in the knowledge answers these, and each says too much for its cue alone: the cue is answered, not
    "chưa có hướng dẫn"; a greeting asks nothing, so small talk after it is not "mấy câu liền" unanswered."""
    await chat("chào cháu, bà ở Huế đây hỉ")
    assert say("greeting_again", you="bà").split("!")[0] in chat.text()
    await chat("tối nay coi bóng đá không bot, MU đá đó")
    assert say("chitchat_reply", you="bà").split("😊")[0] in chat.text()
    assert "mấy câu liền" not in chat.text() and "chưa có hướng dẫn chắc chắn" not in chat.text()
    await chat("bà đọc ba lần rồi mà vẫn hông hiểu chi hết")
    assert "chưa có hướng dẫn chắc chắn" not in chat.text()


async def test_a_vent_at_length_is_answered_as_one_not_as_the_words_it_borrows(chat):
    """"ko làm đc gì" is also how "chưa hiểu" is said; a morning lost on the portal is anger, not confusion."""
    await chat("trời ơi cái web dịch vụ công này tệ thật sự, mất nguyên buổi sáng mà ko làm đc gì")
    assert say("complaint_reply").split(",")[0] in chat.text()
    assert say("not_understood_reply").split(".")[0] not in chat.text()


async def test_a_problem_told_at_length_is_not_taken_for_not_understanding(chat):
    """"… là răng rứa" (why is that) also says "là răng" (what do you mean); a first message telling what went wrong
    had been told "tôi nói chưa rõ", with nothing said before it."""
    await chat("chú hỏi cái vê en i đi của chú nó không gửi mã về máy chú bấm gửi lại mấy lần rồi vẫn không thấy "
               "là răng rứa")
    assert say("not_understood_reply").split(".")[0] not in chat.text()


async def test_topic_lists_page_so_every_entry_is_reachable(chat, real_answerer):
    await chat("chủ đề")
    await chat.press("VNeID")
    seen = set()
    while True:
        seen |= {b.payload for r in chat.last for b in r.buttons if b.payload and b.payload.startswith("entry:")}
        if not any("Xem thêm" in b.title for r in chat.last for b in r.buttons):
            break
        await chat.press("Xem thêm")
    vneid = {f"entry:{e.id}" for e in real_answerer.entries.values() if e.topic == "vneid"}
    assert seen == vneid and len(vneid) > 8


async def test_two_misses_in_a_row_offer_a_person(chat):
    await chat("giá vàng hôm nay bao nhiêu")
    assert "mấy câu liền" not in chat.text()
    await chat("tỷ số trận đấu tối qua")
    assert "mấy câu liền" in chat.text() and chat.button("Gặp người hỗ trợ")


async def test_frustration_inside_a_question_is_acknowledged(chat):
    await chat("hỏi mãi không được, chán quá, quên mật khẩu vneid thì làm sao")
    assert "Quên mật khẩu" in chat.text() and say("frustration_noted") in chat.text()


async def test_last_night_is_no_complaint(chat):
    """"Bố em vừa mất tối qua…" had been told "Xin lỗi vì bạn phải hỏi nhiều lần": folded, "tối qua" (last night)
    was the complaint cue "tồi quá"."""
    await chat("Bố em vừa mất tối qua, giờ em cần làm những giấy tờ gì ạ")
    assert "khai tử" in chat.text() and say("frustration_noted") not in chat.text(), chat.text()


async def test_dont_know_links_a_portal_search_with_the_citizens_words(chat):
    await chat("cách xây chuồng gà cho đẹp")   # no entry, and no procedure either (the catalogue offers those)
    urls = [b.url for r in chat.last for b in r.buttons if b.url]
    assert any(u.startswith("https://dichvucong.gov.vn/tim-kiem-thu-tuc-hanh-chinh?keyword=") and "x%C3%A2y" in u
               for u in urls), urls


# ---- guided steps, long answers
async def test_guided_steps_only_for_procedures_and_with_details(chat):
    await chat("tổng đài vneid số mấy")
    assert "Làm từng bước" not in [b.title for r in chat.last for b in r.buttons]
    await chat("quên passcode vneid")
    await chat.press("Làm từng bước")
    await chat.press("Xong")
    await chat.press("Xong")
    assert chat.text().startswith("Bước 3/5") and "💡" in chat.text() and "Quên passcode" in chat.text()
    await chat.press("Bước trước")
    assert chat.text().startswith("Bước 2/5")


async def test_long_answer_first_bubble_is_short_and_more_shows_the_rest(chat):
    await chat("liên thông khai sinh, thường trú, thẻ bảo hiểm y tế cho con")
    first = next(r for r in chat.last if r.entry_id)
    assert len(first.text) <= FIRST_BUBBLE_CHARS + 100
    await chat.press("Xem chi tiết")
    assert "rà soát" in chat.text()


# ---- tone
async def test_the_bot_calls_the_citizen_what_he_calls_himself(chat):
    await chat("cho bác hỏi quên mật khẩu vneid thì làm sao")
    text = chat.text()
    assert "bác" in text.lower() and " bạn " not in text and "Bạn " not in text


async def test_english_and_chinese_get_a_short_reply_in_their_language(chat, dialogue):
    await chat("how do I register for a VNeID account?")
    assert "answers in Vietnamese only" in chat.text() and "1800 1096" in chat.text()
    await chat("如何注册电子身份账户")
    assert "越南语" in chat.text()
    assert rows(dialogue, "unmet_needs") == []


async def test_what_to_bring_for_a_new_procedure_is_not_a_paper_for_the_one_in_focus(chat):
    """"cần mang gì" names no paper: with "muốn làm căn cước" before it the subject is new. After the building
    permit it had got that permit's line on decree 14/2026, the child's age read as the decree's number."""
    await chat("xin giay phep xay nha cap 4 can gi")
    await chat("1")
    assert "giấy phép xây dựng" in chat.text()
    await chat("con tui 14t muon lam can cuoc thi can mang gi")
    assert "căn cước" in chat.text().lower() and "14/2026" not in chat.text(), chat.text()
