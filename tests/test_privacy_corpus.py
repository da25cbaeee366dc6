"""bot.privacy.redact on the labelled privacy corpus: every piece of personal data disappears; useful numbers stay."""
from collections import Counter

import pytest

from bot.privacy.redact import redact
from tests.privacy_corpus import kept, leaked, load_corpus

CORPUS = load_corpus()
# Kinds of useful text the redactor protects on purpose; the rest ("other", mentions) is reported by bench/privacy.py.
PROTECTED = {"date", "money", "dossier_code", "procedure_code", "hotline", "year", "step", "legal"}


def test_corpus_is_large_and_well_labelled():
    secrets = Counter(category for row in CORPUS for category, _ in row.secrets)
    assert len(CORPUS) >= 200 and len({row.id for row in CORPUS}) == len(CORPUS)
    assert all(secrets[c] >= 20 for c in ("cccd", "cmnd", "phone", "email", "bank", "address", "name")), secrets
    assert sum(1 for row in CORPUS if not row.secrets) >= 50
    for row in CORPUS:
        assert all(text in row.text for _, text in row.secrets + row.keep), row.id


@pytest.mark.parametrize("row", [r for r in CORPUS if r.secrets], ids=lambda r: r.id)
def test_every_piece_of_personal_data_disappears(row):
    out = redact(row.text)
    for category, secret in row.secrets:
        assert not leaked(row.text, secret, out), (category, secret, out)


@pytest.mark.parametrize("row", [r for r in CORPUS if any(c in PROTECTED for c, _ in r.keep)], ids=lambda r: r.id)
def test_dates_money_and_codes_survive(row):
    out = redact(row.text)
    for category, text in row.keep:
        if category in PROTECTED:
            assert kept(text, out), (category, text, out)


@pytest.mark.parametrize("text, secret", [
    ("sđt 0912345678", "0912345678"),
    ("sđt 0912 345 678", "0912 345 678"),
    ("tên tôi là Nguyễn Văn An", "Nguyễn Văn An"),
    ("địa chỉ: 12 Lê Lợi, Huế", "12 Lê Lợi, Huế"),
])
def test_leak_check_can_fail(text, secret):
    """The judge itself: an unredacted or half-redacted message is caught."""
    assert leaked(text, secret, text)
    assert leaked(text, secret, text.replace(secret, secret[: len(secret) // 2] + "[x]"))
    assert not leaked(text, secret, redact(text))


def test_name_and_address_keep_the_cue_and_the_rest_of_the_message():
    assert redact("tên tôi là Nguyễn Văn A") == "tên tôi là [tên]"
    assert redact("địa chỉ: số 5 ngõ 10 Láng, Hà Nội. Tôi muốn hỏi") == "địa chỉ: [địa chỉ]. Tôi muốn hỏi"
    assert redact("Tên em là Lan, em muốn hỏi") == "Tên em là [tên], em muốn hỏi"


def test_long_pasted_text():
    text = ("tên tôi là Nguyễn Văn An, địa chỉ: số 1 Trần Phú, sđt 0912 345 678, ngày 12/03/2025, 50.000đ. " * 100
            + "1 2 3 4 5 6 7 8 9 " * 300)
    out = redact(text)
    assert "0912" not in out and "Trần Phú" not in out and "Nguyễn" not in out
    assert out.count("12/03/2025") == 100 and out.count("50.000đ") == 100 and "9 1 2" not in out
