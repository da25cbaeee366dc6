"""Remove personal data before anything is stored or logged.

Citizens paste CCCD numbers, phone numbers, e-mails and bank accounts into
chats. Text is NFKC-normalised first (full-width digits, look-alike forms) and
invisible characters are removed, so "０９１２ ３４５ ６７８" cannot slip through.
"""
from __future__ import annotations

import logging
import re
import unicodedata

from indexer.vntext import INVISIBLE

_SEP = r"[\s.\-–_/]?"
# the look-behind starts a match only where a run of name characters starts: the same matches, but a long run
# without "@" (10,000 "a"s) costs linear time instead of quadratic (seconds per message)
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+\s*(?:@|\(at\)|\[at\])\s*[\w\-]+(?:\s*\.\s*[\w\-]+)+", re.I)
_BANKS = (r"stk|s[ốo] t[àa]i kho[ảa]n|t[àa]i kho[ảa]n(?: ng[âa]n h[àa]ng)?|tk|account|vietcombank|vcb|bidv|"
          r"agribank|vietinbank|techcombank|tcb|mb ?bank|mbb|acb|tpbank|sacombank|vpbank|shb|hdbank|ocb|"
          r"msb|seabank|vib|eximbank|lpbank|lienvietpostbank|nam a ?bank|bac a ?bank|abbank|pvcombank|"
          r"kienlongbank|vietbank|baovietbank|ncb|scb|momo|zalopay|viettel money|vnpt money")
_BANK_ACCOUNT = re.compile(rf"((?:{_BANKS})\b[^\d\n]{{0,20}})(\d(?:{_SEP}\d){{5,18}})", re.I)
_PHONE = re.compile(rf"(?<!\d)(?:\+\s?84|84|0)(?:{_SEP}\d){{9,10}}(?!\d)")
_ID12 = re.compile(rf"(?<!\d)\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}(?!\d)")
_ID9 = re.compile(r"(?<!\d)\d{9}(?!\d)")
_LONG_DIGITS = re.compile(rf"(?<!\d)\d(?:{_SEP}\d){{8,}}(?!\d)")

PLACEHOLDERS = {"email": "[email]", "bank": "[số tài khoản]", "phone": "[số điện thoại]",
                "id": "[số giấy tờ]", "digits": "[dãy số]"}


def normalise(text: str) -> str:
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def redact(text: str | None) -> str | None:
    """Replace personal data with placeholders; safe to store and log."""
    if text is None:
        return None
    text = normalise(text)
    text = _EMAIL.sub(PLACEHOLDERS["email"], text)
    text = _BANK_ACCOUNT.sub(lambda m: m.group(1) + PLACEHOLDERS["bank"], text)
    text = _PHONE.sub(PLACEHOLDERS["phone"], text)
    text = _ID12.sub(PLACEHOLDERS["id"], text)
    text = _ID9.sub(PLACEHOLDERS["id"], text)
    return _LONG_DIGITS.sub(PLACEHOLDERS["digits"], text)


class RedactingFilter(logging.Filter):
    """Last line of defence: redact every log record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True
