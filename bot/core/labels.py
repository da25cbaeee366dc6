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
_MIN_TAIL = 8   # characters a tail starting after a comma keeps at least


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
    room = limit - len(tail) - 2
    head = head[:room]
    clause = head.rsplit(", ", 1)[0] if ", " in head else ""
    # at a comma when that keeps most of the room ("… hàng tháng", not "… hàng tháng, hỗ" of "hỗ trợ")
    head = clause if len(clause) >= room * 0.6 else head.rsplit(" ", 1)[0]
    return f"{head.rstrip(' ,;:')}… {tail}"


def _words_from_end(text: str, size: int) -> str:
    """The last whole words of `text`, at most `size` characters, from a comma when there is one: a Vietnamese
    word is often two syllables, and a cut between them read "… sóc, nuôi dưỡng hàng tháng" (of "chăm sóc")."""
    cut = text[-size:]
    phrase = cut.split(", ", 1)[1] if ", " in cut[:-_MIN_TAIL] else ""
    if phrase:
        return phrase
    return cut.split(" ", 1)[1] if " " in cut and not text.endswith(" " + cut) else cut


_SHARED_WORDS = 6    # siblings sharing this many first words are told apart by what follows them
_KEPT_HEAD = 4       # words of the shared start kept, so the label still says what it is
_KEPT_BEFORE = 2     # shared words kept before the first that differs ("đối với hộ gia đình…")


def _shared_start(a: list[str], b: list[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n].lower() == b[n].lower():
        n += 1
    return n


def sibling_labels(titles: list[str], limit: int = LABEL_CHARS) -> list[str]:
    """Labels for a list of options: a long name that starts like another option's keeps its first words and
    then what differs ("Đăng ký đất đai, tài sản… đối với hộ gia đình, cá nhân…" beside "… đối với tổ chức…"),
    where `short_label` would have cut the difference out of the middle."""
    words = [" ".join(t.split()).split(" ") for t in titles]
    labels = []
    for i, mine in enumerate(words):
        shared = max((_shared_start(mine, other) for j, other in enumerate(words) if j != i), default=0)
        text = " ".join(mine)
        if len(text) <= limit or shared < _SHARED_WORDS or shared >= len(mine):
            labels.append(short_label(text, limit))
            continue
        rest = " ".join(mine[max(shared - _KEPT_BEFORE, _KEPT_HEAD):])
        label = f"{' '.join(mine[:_KEPT_HEAD]).rstrip(' ,;:')}… {rest}"
        if len(label) > limit:
            label = label[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
        labels.append(label)
    return labels


def told_apart(labels: list[str], tags: list[str], limit: int = LABEL_CHARS) -> list[str]:
    """Labels that came out the same (a province's own procedure beside the national one of the same name) end
    with their tag ("(tỉnh Gia Lai)"), their head shortened to keep within `limit`; the others are left alone."""
    out = []
    for label, tag in zip(labels, tags):
        if labels.count(label) < 2 or not tag:
            out.append(label)
            continue
        room = limit - len(tag) - 1
        head = label if len(label) <= room else label[:room - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
        out.append(f"{head} {tag}")
    return out
