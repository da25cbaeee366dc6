"""A subject named to ask about, nothing asked yet ("chú muốn hỏi mấy chuyện về tài khoản định danh điện tử"): its
entries are offered, not the one nearest the subject as if it had been asked."""
from __future__ import annotations

import pytest

from bot.retrieval.topic_ask import asked_topic


@pytest.mark.parametrize("message, subject", [
    ("chú muốn hỏi mấy chuyện về tài khoản định danh điện tử", "tài khoản định danh điện tử"),
    ("hello ad, e hoi ve vu thanh toan online ti dc ko", "thanh toan online"),   # asking leave after it
    ("em oi chi hoi ve giay to xe may", "giay to xe may"),
    ("chào bạn, mình ở Tổ công nghệ số cộng đồng, đang soạn tin hướng dẫn bà con về giấy tờ hộ tịch",
     "giấy tờ hộ tịch"),
    ("cho tôi hỏi về bằng lái xe.", "bằng lái xe"),
    ("hỏi về thủ tục đăng ký thường trú", "đăng ký thường trú"),
    # something asked or told about the subject: a question of its own
    ("chao chau, bac muon hoi ve lam the can cuoc cho thang chau noi", None),
    ("tui muon hoi ve cai bang khen cua ong noi tui hoi xua bi mat", None),
    ("cho hỏi về lệ phí làm hộ chiếu", None),
    ("làm căn cước ở đâu", None),
])
def test_the_subject_of_a_message_that_only_names_it(message, subject):
    assert asked_topic(message) == subject


@pytest.mark.parametrize("message, among", [
    ("chú muốn hỏi mấy chuyện về tài khoản định danh điện tử", "vneid-"),   # had answered "Quên mật khẩu VNeID"
    ("hello ad, e hoi ve vu thanh toan online ti dc ko", "thanhtoan-"),   # had answered the ways to pay
])
def test_the_subjects_entries_are_offered(real_answerer, message, among):
    answer = real_answerer.ask(message)
    assert answer.kind == "clarify" and len(answer.options) >= 2
    assert all(o.id.startswith(among) for o in answer.options)


def test_a_rival_that_only_shares_doing_a_procedure_is_not_offered(real_answerer):
    """"đăng ký" is any procedure's: death registration shares nothing else with permanent residence."""
    answer = real_answerer.ask("hỏi về thủ tục đăng ký thường trú")
    assert answer.options[0].id == "thutuc-thuong-tru"
    assert "thutuc-khai-tu" not in [o.id for o in answer.options]
