"""A citizen's turn and a team's answer each write all or nothing, and never over each other (issue 20).

Real SQLite file, real threads, the real dialogue on a small knowledge set with the fake embedder.
"""
import sqlite3
import threading

import pytest

from bot.conversation import Incoming
from bot.dialogue import Dialogue
from bot.sqlite_storage import SqliteStorage
from tests.chat import Chat
from tests.desk_helpers import small_services


@pytest.fixture
def services(small_kb, tmp_path):
    return small_services(small_kb, tmp_path)


async def test_a_turn_that_fails_after_a_first_write_leaves_no_partial_write(services, monkeypatch):
    chat = Chat(services.dialogue, channel="web")
    await chat("quên mật khẩu VNeID")
    down = chat.button("Chưa hài lòng").payload

    def disk_full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(services.storage, "add_unmet_need", disk_full)   # fails after the rating is written
    replies = await chat.press("Chưa hài lòng")
    assert "trục trặc" in replies[-1].text
    assert services.storage.ratings() == []                # no 👎 without the need the team would see
    assert services.storage.recent_messages(chat.dialogue.user_key("web", chat.user), 1)[0]["payload"] == down


@pytest.mark.parametrize("workers", ["one worker", "two workers"])
def test_a_team_answer_during_a_turn_keeps_the_turns_pending_step(services, tmp_path, monkeypatch, workers):
    """The desk stores a team's answer (remembering it in the session so it can be rated) while the citizen
    starts the readiness check: the session ends with both. The answer is held just after reading the
    session until the turn is done (at most 1 s: a turn that waits for the answer cannot finish first)."""
    answering = services.dialogue
    turning = (answering if workers == "one worker"
               else Dialogue(services.library, SqliteStorage(tmp_path / "dvcbot.db"), b"s"))
    key = answering.user_key("web", "c1")
    read, turn_done = threading.Event(), threading.Event()
    real_load = answering.storage.load_session

    def load_then_wait(user: str):
        loaded = real_load(user)
        if threading.current_thread().name == "team-answer":
            read.set()
            turn_done.wait(1)
        return loaded

    monkeypatch.setattr(answering.storage, "load_session", load_then_wait)
    answered = {}
    team = threading.Thread(name="team-answer", target=lambda: answered.update(
        id=answering.record_team_answer(key, "web", "Tổ trả lời: mang căn cước đến công an xã.", "hỏi gì")[0]))

    def turn() -> None:
        read.wait(5)
        turning.handle(Incoming("web", "c1", text="kiểm tra sẵn sàng"))
        turn_done.set()

    citizen = threading.Thread(target=turn)
    team.start()
    citizen.start()
    team.join(15)
    citizen.join(15)
    assert read.is_set() and not team.is_alive() and not citizen.is_alive()
    session = real_load(key).state
    assert (session["pending"] or {}).get("waiting") == "ready"   # the turn's step is not overwritten
    assert str(answered["id"]) in session["rated"]             # and the team's answer can be rated


def test_a_team_answer_that_read_the_session_before_a_turn_saved_does_not_overwrite_it(services, monkeypatch):
    """What a backend without one write lock per transaction allows (PostgreSQL at READ COMMITTED): the team's
    answer reads the session, a turn of the citizen saves its pending step, then the answer saves. Its save names
    the version it read, is refused, and the answer is taken again on the session the turn left."""
    dialogue, storage = services.dialogue, services.storage
    key = dialogue.user_key("web", "c1")
    dialogue.handle(Incoming("web", "c1", text="chao ad, cho e hoi chut"))
    before_the_turn = storage.load_session(key)
    dialogue.handle(Incoming("web", "c1", text="kiem tra san sang"))
    assert (storage.load_session(key).state["pending"] or {}).get("waiting") == "ready"
    real_load, reads = storage.load_session, []

    def first_read_is_from_before_the_turn(user: str):
        reads.append(user)
        return before_the_turn if len(reads) == 1 else real_load(user)

    monkeypatch.setattr(storage, "load_session", first_read_is_from_before_the_turn)
    answer_id, replies = dialogue.record_team_answer(key, "web", "Tổ trả lời: mang căn cước đến công an xã.", "hỏi gì")
    monkeypatch.undo()
    stored = storage.load_session(key)
    assert len(reads) == 2                                              # taken again once
    assert (stored.state["pending"] or {}).get("waiting") == "ready"    # the turn's step is kept
    assert str(answer_id) in stored.state["rated"] and "Tổ trả lời" in replies[0].text
    team_rows = [m for m in storage.recent_messages(key, 50) if m["text"] and "Tổ trả lời" in m["text"]]
    assert [m["id"] for m in team_rows] == [answer_id]                  # the first try left nothing behind


def test_a_turn_that_read_the_session_before_a_team_answer_saved_is_taken_again(services, monkeypatch):
    """The other order: the turn reads the session, the team's answer is saved, then the turn saves. The turn is
    refused and taken again from the start: the answer stays rateable, the turn's step is there, its message once."""
    dialogue, storage = services.dialogue, services.storage
    key = dialogue.user_key("web", "c1")
    dialogue.handle(Incoming("web", "c1", text="chao ad"))
    before_the_answer = storage.load_session(key)
    answer_id, _ = dialogue.record_team_answer(key, "web", "Tổ trả lời: làm tại công an xã.", "hỏi gì")
    real_load, reads = storage.load_session, []

    def first_read_is_from_before_the_answer(user: str):
        reads.append(user)
        return before_the_answer if len(reads) == 1 else real_load(user)

    monkeypatch.setattr(storage, "load_session", first_read_is_from_before_the_answer)
    dialogue.handle(Incoming("web", "c1", text="kiem tra san sang", message_id="d-1"))
    monkeypatch.undo()
    stored = storage.load_session(key)
    assert len(reads) == 2
    assert (stored.state["pending"] or {}).get("waiting") == "ready" and str(answer_id) in stored.state["rated"]
    assert [m["text"] for m in storage.recent_messages(key, 50)].count("kiem tra san sang") == 1
