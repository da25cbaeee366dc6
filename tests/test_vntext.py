import unicodedata

import pytest

from indexer.vntext import canonical, canonical_tone, clean, fold, has_diacritics, lexical_terms, syllables


@pytest.mark.parametrize("typed, expected", [
    (unicodedata.normalize("NFD", "Đăng ký định danh"), "Đăng ký định danh"),  # NFD from some phones
    ("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("Hoá đơn", "Hóa đơn"),   # new-style tone placement
    ("hòa", "hòa"), ("hoàn", "hoàn"), ("thuyền", "thuyền"), ("người", "người"),    # already canonical
    ("giữa", "giữa"), ("quý", "quý"), ("gì", "gì"), ("khuỷu", "khuỷu"),             # gi/qu onsets, triphthongs
    ("a\u200bb\u200fc", "abc"),                                                     # zero-width and bidi marks
    ("mã\x00 otp\x07\n\t ở đâu", "mã otp ở đâu"),                                   # control characters
    ("VNeID   mức 2", "VNeID mức 2"),
])
def test_canonical(typed, expected):
    assert canonical(typed) == expected


def test_tone_mark_on_single_syllable_keeps_other_text():
    assert canonical_tone("OTP") == "OTP"
    assert canonical_tone("2026") == "2026"


@pytest.mark.parametrize("text, folded", [
    ("Đăng ký định danh mức 2", "dang ky dinh danh muc 2"),
    ("ĐƯỜNG dương đương", "duong duong duong"),
    ("ko nhan dc otp", "ko nhan dc otp"),
])
def test_fold(text, folded):
    assert fold(text) == folded


def test_syllables_split_punctuation_and_emoji():
    assert syllables("Đăng ký, VNeID mức-2!! 😀👍") == ["đăng", "ký", "vneid", "mức", "2"]
    assert syllables("😀😀") == []


def test_has_diacritics():
    assert has_diacritics("đi") and has_diacritics("mức")
    assert not has_diacritics("dang ky vneid")


def test_clean_keeps_newline_free_single_spaced_text():
    assert clean("  a\n\n b\r\n") == "a b"


def test_lexical_terms_adds_bigrams():
    assert lexical_terms(["dang", "ky", "vneid"]) == ["dang", "ky", "vneid", "dang_ky", "ky_vneid"]
