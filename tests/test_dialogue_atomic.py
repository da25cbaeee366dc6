"""A citizen's turn and a team's answer each write all or nothing, and never over each other (issue 20).

Real SQLite file, real threads, the real dialogue on a small knowledge set with the fake embedder.
"""
import sqlite3

import pytest

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
