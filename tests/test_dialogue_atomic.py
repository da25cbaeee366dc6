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
