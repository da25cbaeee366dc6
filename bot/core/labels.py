"""Button labels for long official names.

Catalogue names run to 300 characters ("Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV (Công trình
không theo tuyến/…/Dự án) và nhà ở riêng lẻ"). On a phone such a button fills the screen, and a channel that cuts
the end loses what tells siblings apart ("(thực hiện tại cấp xã)", "(trường hợp không cấp giấy phép xây dựng)").
A label keeps the head and the tail and drops the middle; the card itself still shows the whole name.
"""
from __future__ import annotations

import re

LABEL_CHARS = 90
_LEAD = re.compile(r"^Thủ tục\s+(?=\w)")
_LONG_BRACKETS = re.compile(r"\s*\([^()]{45,}\)")   # a list of cases, not a short difference like "(cấp xã)"
_LAST_BRACKETS = re.compile(r"\s*\([^()]{1,44}\)$")
_MIN_HEAD = 12


def short_label(title: str, limit: int = LABEL_CHARS) -> str:
    """`title` within `limit` characters: without a leading "Thủ tục" or long bracketed lists, then its middle cut."""
    text = " ".join(title.split())
    if len(text) <= limit:
        return text
    text = _LONG_BRACKETS.sub("", _LEAD.sub("", text)).rstrip(" :;,.")
    text = text[:1].upper() + text[1:]
    if len(text) <= limit:
        return text
    last = _LAST_BRACKETS.search(text)
    if last and limit - len(last.group(0)) - 2 >= _MIN_HEAD:
        head, tail = text[:last.start()], last.group(0).strip()
    else:
        head, tail = text, _words_from_end(text, limit // 3)
    head = head[:limit - len(tail) - 2].rsplit(" ", 1)[0].rstrip(" ,;:")
    return f"{head}… {tail}"


def _words_from_end(text: str, size: int) -> str:
    """The last whole words of `text`, at most `size` characters."""
    cut = text[-size:]
    return cut.split(" ", 1)[1] if " " in cut and not text.endswith(" " + cut) else cut
