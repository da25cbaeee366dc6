import logging

import pytest

from bot.privacy.redact import RedactingFilter, redact


@pytest.mark.parametrize("text, secret", [
    ("CCCD của tôi là 001234567890", "001234567890"),
    ("số căn cước 001 234 567 890 nhé", "001 234 567 890"),
    ("cmnd cũ 123456789", "123456789"),
    ("sđt 0912345678", "0912345678"),
    ("gọi em +84 912 345 678", "912 345 678"),
    ("số 84912345678", "84912345678"),
    ("0912.345.678 hoặc 0912-345-678", "345"),
    ("mail nguyen.van.a@gmail.com", "nguyen.van.a@gmail.com"),
    ("email: a @ b . vn", "a @ b . vn"),
    ("STK 1903 4567 8901 Techcombank", "1903 4567 8901"),
    ("chuyển khoản Vietcombank 0011004567890", "0011004567890"),
    ("số tài khoản: 12345678", "12345678"),
    ("０９１２３４５６７８", "０９１２３４５６７８"),            # full-width digits
    ("09\u200b1234\u200d5678", "5678"),                       # zero-width characters inside
    ("mã 1234567890123456", "1234567890123456"),              # any long run of digits
])
def test_personal_data_is_removed(text, secret):
    out = redact(text)
    assert secret not in out
    assert not any(run in out for run in ("0912", "345678", "4567"))


@pytest.mark.parametrize("text", ["mức 2, ngày 1/7/2024", "tổng đài 1900 0368 hoặc 18001096", "lệ phí 200.000 đ"])
def test_useful_numbers_are_kept(text):
    assert redact(text) == text


def test_none_passes_through():
    assert redact(None) is None


def test_log_filter_redacts_formatted_message():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "user said %s", ("0912345678",), None)
    RedactingFilter().filter(record)
    assert "0912345678" not in record.getMessage()
