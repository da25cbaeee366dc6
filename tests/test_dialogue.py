"""The conversation engine, through a test channel, against a real SQLite file and the real model."""
import pytest

from bot.core.messages import Incoming, numbered_texts
from bot.core.wording import say
from bot.domain.chat_port import NeedKind
from tests.chat import Chat

pytestmark = pytest.mark.slow


@pytest.fixture
def chat(dialogue):
    return Chat(dialogue)


def table(dialogue, name):
    return list(dialogue.storage.db[name].rows)


async def test_scripted_conversation_leaves_one_rating_and_one_unmet_need(chat, dialogue):
    replies = await chat("xin chào")
    assert "🔒" in replies[0].text                       # privacy notice on first contact
    assert chat.button("VNeID") and chat.button("Chữ ký số") and chat.button("Thủ tục thường gặp")

    await chat("thanh toan")                             # unaccented and vague
    assert "Ý bạn là" in chat.text() and "“thanh toán”" in chat.text()
    await chat.press("Thanh toán phí, lệ phí")           # pick an option
    assert "Quản lý hồ sơ" in chat.text()
    assert any(b.url and b.url.startswith("https://") for r in chat.last for b in r.buttons)
    await chat.press("Chưa hài lòng")
    assert "Vì sao" in chat.text()
    await chat.press("Khó hiểu")
    await chat.press("Bỏ qua")

    ratings, needs = table(dialogue, "ratings"), table(dialogue, "unmet_needs")
    assert len(ratings) == 1 and len(needs) == 1
    assert ratings[0]["value"] == "down" and ratings[0]["reason"] == "unclear"
    assert ratings[0]["entry_id"] == "thanhtoan-le-phi-cong-dvc" and ratings[0]["question"] == "thanh toan"
    assert ratings[0]["channel"] == "test"
    assert needs[0]["kind"] == NeedKind.BAD_RATING.value and needs[0]["rating_id"] == ratings[0]["id"]


async def test_privacy_notice_only_on_first_contact(chat):
    await chat("chào")
    await chat("chào")
    assert "🔒" not in chat.text()


async def test_answer_has_steps_rating_and_follow_ups(chat):
    await chat("dk vneid muc 2 o dau")
    assert "công an cấp xã" in chat.text().lower() or "công an xã" in chat.text().lower()
    assert chat.button("Làm từng bước") and chat.button("Hài lòng") and chat.button("Chưa hài lòng")
    assert "Có thể bạn cũng cần" in chat.text()


async def test_rating_can_change_but_counts_once(chat, dialogue):
    await chat("quên passcode vneid")
    up = chat.button("Hài lòng 👍")
    down = chat.button("Chưa hài lòng")
    await chat.press("Chưa hài lòng")
    await chat._send(Incoming("test", chat.user, payload=up.payload))
    await chat._send(Incoming("test", chat.user, payload=down.payload))
    ratings = table(dialogue, "ratings")
    assert len(ratings) == 1 and ratings[0]["value"] == "down"
    assert len(table(dialogue, "unmet_needs")) == 1


async def test_cannot_rate_someone_elses_answer(chat, dialogue):
    await chat("quên passcode vneid")
    payload = chat.button("Hài lòng 👍").payload
    await Chat(dialogue, user="intruder")._send(Incoming("test", "intruder", payload=payload))
    assert table(dialogue, "ratings") == []


async def test_dont_know_offers_portal_and_sends_question_to_team(chat, dialogue):
    await chat("giá vàng hôm nay bao nhiêu, gọi tôi 0912345678")
    assert "chưa có hướng dẫn" in chat.text()
    assert any(b.url and "dichvucong.gov.vn" in b.url for r in chat.last for b in r.buttons)
    await chat.press("Gửi câu hỏi cho tổ hỗ trợ")
    needs = table(dialogue, "unmet_needs")
    assert len(needs) == 1 and needs[0]["kind"] == NeedKind.NO_ANSWER.value
    assert "giá vàng" in needs[0]["question"] and "0912345678" not in needs[0]["question"]


async def test_guided_steps_and_stuck_records_entry_and_step(chat, dialogue):
    await chat("quên passcode vneid")
    await chat.press("Làm từng bước")
    assert chat.text().startswith("Bước 1/5")
    await chat.press("Xong")
    assert chat.text().startswith("Bước 2/5")
    await chat.press("Bị kẹt")
    assert "bước 2" in chat.text() and table(dialogue, "unmet_needs") == []   # first: where are you stuck?
    await chat.press("Gửi luôn")
    need = table(dialogue, "unmet_needs")[0]
    assert need["kind"] == NeedKind.STUCK.value and need["entry_id"] == "vneid-quen-passcode" and need["step"] == 2
    assert "bước 2" in chat.text()


async def test_guided_steps_finish_with_rating(chat):
    await chat("quên passcode vneid")
    await chat.press("Làm từng bước")
    for _ in range(5):
        await chat.press("Xong")
    assert "xong tất cả" in chat.text() and chat.button("Hài lòng")


async def test_readiness_check_builds_a_personal_list(chat):
    await chat("xin chào")
    await chat.press("sẵn sàng")
    for answer in ("Chưa", "Có", "Chưa", "Có"):
        await chat.press(answer)
    text = chat.text()
    assert "VNeID" in text and "chữ ký số" in text.lower() and "https://" in text
    assert "thanh toán trực tuyến?" not in text.lower()
    assert chat.button("Đăng ký tài khoản định danh")


async def test_readiness_signature_note_follows_the_signature_question_not_its_place(real_library, tmp_path):
    """The note about digital signatures belongs to the question that asks about them, wherever flows.yaml puts it."""
    import dataclasses

    from bot.dialogue import Dialogue
    from bot.reading.flows import load_flows
    from tests.builders import open_storage

    flows = load_flows()
    signature = next(q for q in flows.readiness if q.note == "ready_signature_note")
    others = [q for q in flows.readiness if q is not signature]
    moved = dataclasses.replace(flows, readiness=(signature, *others))   # the signature question asked first
    chat = Chat(Dialogue(real_library, open_storage(tmp_path / "dvcbot.db"), b"test-secret", flows=moved))
    await chat("kiem tra san sang")
    for answer in ("co", "co", "chua", "co"):   # "chưa" at position 3 is no longer the signature question
        await chat(answer)
    assert "Việc bạn nên làm trước" in chat.text() and "Chữ ký số chỉ cần" not in chat.text()
    await chat("kiem tra san sang")
    for answer in ("chua", "co", "co", "co"):
        await chat(answer)
    assert "Chữ ký số chỉ cần" in chat.text()


async def test_readiness_accepts_typed_answers(chat):
    await chat("kiểm tra sẵn sàng")
    for answer in ("có", "co", "rồi", "có"):
        await chat(answer)
    assert "đủ điều kiện" in chat.text()


async def test_handoff_records_recent_context(chat, dialogue):
    await chat("tài khoản vneid bị khóa, sđt 0987654321")
    await chat("gặp người hỗ trợ")
    need = table(dialogue, "unmet_needs")[0]
    assert need["kind"] == NeedKind.HANDOFF.value
    assert "bị khóa" in need["context"] and "0987654321" not in need["context"]
    assert "Đã gửi cho Tổ hỗ trợ" in chat.text()


async def test_comment_after_bad_rating_is_redacted(chat, dialogue):
    await chat("quên passcode vneid")
    await chat.press("Chưa hài lòng")
    await chat.press("Sai thông tin")
    await chat("bước 3 sai rồi, email tôi a.b@gmail.com")
    rating = table(dialogue, "ratings")[0]
    assert rating["reason"] == "wrong" and "bước 3 sai" in rating["comment"] and "gmail" not in rating["comment"]


async def test_topic_menu_lists_entries(chat):
    await chat("chủ đề")
    await chat.press("Chữ ký số")
    assert "Chữ ký số" in chat.text() and len(chat.last[0].buttons) >= 3


async def test_numbered_answers_for_channels_without_buttons(chat):
    replies = await chat("thanh toan")
    assert "\n[1] " in numbered_texts(replies)[-1]
    await chat("1")
    assert "Hài lòng" in " ".join(b.title for r in chat.last for b in r.buttons)


async def test_a_number_where_buttons_show_counts_the_options_listed_never_the_rating(dialogue):
    """"cai 2" after an answer had been recorded as 👍 (the second payload button of the turn); on the web it is
    the second entry offered. In the terminal, where every button is a numbered line, "2" is the line marked [2]."""
    web = dialogue.handle(Incoming("web", "w1", "quên passcode vneid"))
    offered = [b.payload for r in web for b in r.buttons if b.payload and b.payload.startswith("entry:")]
    picked = dialogue.handle(Incoming("web", "w1", "cai 2"))
    assert not dialogue.storage.ratings()
    assert [r.entry_id for r in picked if r.entry_id] == [offered[1].removeprefix("entry:")]
    cli = dialogue.handle(Incoming("cli", "c1", "quên passcode vneid"))
    second = [b for r in cli for b in r.buttons if b.payload][1]
    dialogue.handle(Incoming("cli", "c1", "2"))
    assert second.payload.startswith("rate:") and len(dialogue.storage.ratings()) == 1


async def test_a_number_counts_the_buttons_as_shown_links_too_when_no_options_are_listed(dialogue):
    """After a don't-know the citizen sees "Tìm trên Cổng DVC" (a link), "Gửi câu hỏi", "Menu": "cái 2" had
    opened the menu (the second button that sends something). Typing a link's number shows that link again."""
    shown = [b for r in dialogue.handle(Incoming("web", "w2", "abc xyz qwe zzz")) for b in r.buttons]
    assert shown[0].url and shown[1].payload == "ask_team"
    dialogue.handle(Incoming("web", "w2", "cái 2"))
    needs = dialogue.storage.unmet_needs()
    assert [(n.kind, n.question) for n in needs] == [("khong_co_cau_tra_loi", "abc xyz qwe zzz")]
    dialogue.handle(Incoming("web", "w3", "abc xyz qwe zzz"))
    again = dialogue.handle(Incoming("web", "w3", "1"))
    assert again[0].buttons[0].url == shown[0].url and shown[0].title in again[0].text


async def test_a_number_nothing_shown_has_is_said_so_not_searched(dialogue):
    """"so 2" after an answer listing one related guide had been read as a question and offered three guides."""
    dialogue.handle(Incoming("web", "w4", "quên passcode vneid"))
    dialogue.handle(Incoming("web", "w4", "cái 1"))   # the one guide listed: now its own answer shows
    for typed in ("so 9", "9"):
        replies = dialogue.handle(Incoming("web", "w4", typed))
        assert [r.text for r in replies] == [say("no_such_choice", number="9")], typed
    year = dialogue.handle(Incoming("web", "w4", "2026"))[0].text   # a year (or a phone number) is no pick
    assert "lựa chọn số" not in year, year


async def test_cancel_help_thanks(chat):
    await chat("kiểm tra sẵn sàng")
    assert "1/4" in chat.text()
    await chat("hủy")
    assert "Đã hủy" in chat.text()
    await chat("có")  # no longer part of the readiness check
    assert "1/4" not in chat.text() and "2/4" not in chat.text()
    await chat("trợ giúp")
    assert "xóa dữ liệu của tôi" in chat.text()
    await chat("cảm ơn!")
    assert "Rất vui" in chat.text()


async def test_delete_my_data(chat, dialogue):
    await chat("quên passcode vneid")
    await chat.press("Chưa hài lòng")
    await chat("xóa dữ liệu của tôi")
    await chat.press("Xóa dữ liệu")
    assert "Đã xóa" in chat.text()
    for name in ("messages", "ratings", "unmet_needs", "consent", "sessions"):
        assert table(dialogue, name) == [], name
    assert len(table(dialogue, "deletion_requests")) == 1


async def test_stale_or_forged_buttons_get_a_kind_reply(chat):
    for payload in ("steps:khong-co:1", "rate:abc:up", "why:1:x", "delete:y", "ready:3:y", "zzz", "entry:",
                    "rate:99:up", "why:99:wrong", "topic:khong-co"):
        replies = await chat._send(Incoming("test", chat.user, payload=payload))
        assert "Nút này đã cũ" in replies[-1].text, payload


async def test_session_expires(dialogue):
    now = [1000.0]
    dialogue._clock = lambda: now[0]
    chat = Chat(dialogue)
    await chat("kiểm tra sẵn sàng")
    now[0] += 31 * 60
    await chat("có")
    assert "2/4" not in chat.text()


async def test_user_ids_are_stored_hashed(chat, dialogue):
    await chat("xin chào")
    users = {r["citizen"] for r in table(dialogue, "messages")}
    assert users and chat.user not in users and all(len(u) == 32 for u in users)


async def test_bad_input_never_crashes(chat):
    for text in ("", "   ", "😀😀", "\u200b", "x" * 10_000, "如何注册", "\x00\x07"):
        replies = await chat(text)
        assert replies and all(r.text for r in replies)


async def test_internal_failure_gets_an_apology_and_keeps_the_message(chat, dialogue, real_answerer, monkeypatch):
    def broken(*_):
        raise RuntimeError("index file vanished")

    monkeypatch.setattr(real_answerer, "ask", broken)
    replies = await chat("quên mật khẩu vneid")
    assert "trục trặc" in replies[-1].text
    assert [m["text"] for m in table(dialogue, "messages")] == ["quên mật khẩu vneid"]


async def test_a_turn_is_one_commit(dialogue):
    """Issue 10: a commit per row cost one fsync each (~4 ms); a citizen's turn now commits once."""
    statements = []
    dialogue.storage.db.conn.set_trace_callback(statements.append)
    try:
        replies = dialogue.handle(Incoming("web", "u1", "quên mật khẩu vneid"))
    finally:
        dialogue.storage.db.conn.set_trace_callback(None)
    writes = [s for s in statements if s.split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert replies and len(writes) >= 3   # the message, the replies, the session…
    assert sum(s.strip().upper().startswith("COMMIT") for s in statements) == 1
