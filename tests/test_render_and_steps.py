"""What a citizen reads, without the model: first bubble, step details, restorations shown, search links,
neutral provider links, the intent data file."""
from urllib.parse import parse_qs, urlparse

import pytest

from bot.dialogue.render import (
    FIRST_BUBBLE_CHARS,
    entry_replies,
    focused_replies,
    more_replies,
    restoration_is_attested,
    search_url,
)
from bot.dialogue.steps import is_procedural, split_steps, summary
from bot.retrieval.follow_up import Focused
from indexer.knowledge import load_knowledge
from tests.conftest import REPO

ENTRIES = {e.id: e for e in load_knowledge(REPO / "knowledge")[0]}


def test_first_bubble_is_short_and_the_rest_is_one_press_away():
    for entry in ENTRIES.values():
        first = entry_replies(entry, [], ())[0]
        payloads = [b.payload for b in first.buttons if b.payload]
        assert len(first.text) <= FIRST_BUBBLE_CHARS + 100, entry.id   # ~400 (a short tail and the review date)
        if f"more:{entry.id}" in payloads:
            rest = more_replies(entry)[0].text
            shown = first.text + "\n" + rest
            for line in summary(entry.body).splitlines():
                assert line.strip() in shown, (entry.id, line)   # nothing lost between the two bubbles
        else:
            assert "rà soát" in first.text


def test_details_are_kept_for_step_by_step_mode():
    body = "Mở đầu.\n1. Mở VNeID.\n   > Biểu tượng màu đỏ.\n   > Cập nhật nếu cũ.\n2. Bấm **Quên passcode**.\n💡 Ghi chú."
    steps = split_steps(body)
    assert [s.text for s in steps] == ["Mở đầu.\nMở VNeID.", "Bấm **Quên passcode**.\n💡 Ghi chú."]
    assert steps[0].detail == "Biểu tượng màu đỏ.\nCập nhật nếu cũ." and steps[1].detail == ""
    assert "Biểu tượng" not in summary(body) and is_procedural(body)
    assert not is_procedural("1. Gọi 1800 1096.\n2. Bấm phím 1.")   # no details: not offered step by step


def test_enough_procedural_entries_and_none_that_only_explains():
    procedural = {i for i, e in ENTRIES.items() if is_procedural(e.body)}
    assert len(procedural) >= 8
    assert {"vneid-quen-passcode", "vneid-kich-hoat", "thanhtoan-le-phi-cong-dvc"} <= procedural
    assert not procedural & {"vneid-tong-dai", "hoso-tong-dai-cong-dvc", "kyso-la-gi", "hoso-eform-la-gi"}
    for i in procedural:
        assert all(len(s.detail) <= 200 for s in split_steps(ENTRIES[i].body)), i   # written for a phone


def test_signature_and_payment_entries_point_to_official_lists_not_a_vendor():
    for entry in ENTRIES.values():
        if entry.topic in ("chu-ky-so", "thanh-toan"):
            for link in entry.links:
                host = urlparse(link.url).hostname
                assert host.endswith((".gov.vn", ".chinhphu.vn")), (entry.id, link.url)  # state sites only
    assert any("neac.gov.vn" in link.url for link in ENTRIES["kyso-dang-ky"].links)


@pytest.mark.parametrize("restored, ok", [
    ("đăng ký định danh mức 2", True), ("quên mật khẩu vneid", True),
    ("vneid mức hải", False), ("làm định đã mức 2", False),
])
def test_only_restorations_our_own_vietnamese_uses_are_shown(restored, ok):
    entries = [ENTRIES["vneid-dang-ky-muc-2"], ENTRIES["vneid-quen-mat-khau"]]
    assert restoration_is_attested(restored, entries) is ok


def test_search_link_carries_the_citizens_key_words_and_no_personal_data():
    url = search_url("cho em hỏi làm căn cước cho con ở đâu vậy, sđt 0912345678")
    assert url.startswith("https://dichvucong.gov.vn/tim-kiem-thu-tuc-hanh-chinh?keyword=")
    words = parse_qs(urlparse(url).query)["keyword"][0]
    assert words == "làm căn cước cho con"
    assert search_url("cho em hỏi ạ") == "https://dichvucong.gov.vn/tim-kiem-thu-tuc-hanh-chinh"


def test_intent_examples_never_collide_once_fillers_are_dropped():
    from bot.reading.intent_file import load_intents

    book = load_intents()
    seen = {}
    for intent, rule in book._rules.items():
        for example in rule.examples:
            assert example not in seen, f"'{example}' is both {seen[example]} and {intent}"
            seen[example] = intent


@pytest.mark.parametrize("text, yes", [
    ("chưa có ạ", False), ("bác ko có thẻ ngân hàng", False), ("không có", False), ("dạ chưa", False),
    ("có rồi", True), ("dạ có", True), ("rồi", True), ("đã có", True), ("ừ", True), ("em có ạ", True),
    ("không cần đâu", False), ("sao phải có ngân hàng?", None), ("đổi số điện thoại vneid thế nào?", None), ("chữ ký số là gì", None),
])
def test_natural_yes_and_no(text, yes):
    from bot.reading.intent_file import load_intents
    from bot.reading.yes_no import polarity

    assert polarity(load_intents(), text) is yes


def test_a_heading_is_never_the_last_line_of_the_first_bubble():
    """"Theo dữ liệu Cổng DVC quốc gia (…):" had ended the first bubble, its figures behind "Xem chi tiết"."""
    from bot.dialogue.render import _split_body

    shown, rest = _split_body("Tiêu đề\n\n", ["a" * 200, "Theo dữ liệu Cổng DVC quốc gia:", "b" * 300, "c" * 100])
    assert shown == ["a" * 200, "Theo dữ liệu Cổng DVC quốc gia:", "b" * 300] and rest == ["c" * 100]


def test_a_long_title_does_not_push_a_cards_facts_behind_more():
    """The portal's building-permit name runs to 300 characters: the first bubble had held only the title, the
    source line and the code, with where, online and fee behind "Xem chi tiết"."""
    from bot.dialogue.render import _split_body

    facts = ["Theo dữ liệu Cổng DVC quốc gia, cập nhật 07/2026.", "Mã thủ tục: 1.013225", "",
             "🏛️ Cơ quan giải quyết: Ủy ban nhân dân cấp xã", "💻 Làm trực tuyến được.", "💰 Phí, lệ phí: …",
             "x" * 400]
    shown, rest = _split_body("C" * 300 + "\n\n", facts)
    assert shown == facts[:-1] and rest == facts[-1:]
    shown, _ = _split_body("Tiêu đề\n\n", ["a" * 200, "b" * 150, "c" * 100])
    assert shown == ["a" * 200, "b" * 150]   # a short title keeps the bubble as it was


def test_a_part_that_is_only_the_portals_figures_is_not_said_to_be_the_guides():
    """"Về điều bạn hỏi thêm, hướng dẫn … ghi:" had headed the portal's recorded time, which the guide does not write."""
    entries = {e.id: e for e in load_knowledge(REPO / "knowledge")[0]}
    guide = entries["thutuc-dang-ky-xe"]
    figures = "Theo dữ liệu Cổng DVC quốc gia (cập nhật 07/2026, mã thủ tục 1.013067):\n⏱️ Thời hạn giải quyết: 2 ngày"
    text = focused_replies(Focused(guide, figures, portal_only=True))[0].text
    assert text.startswith("Về điều bạn hỏi thêm (thủ tục “Đăng ký xe") and "ghi:" not in text, text
    own = focused_replies(Focused(guide, "3. Nộp lệ phí đăng ký…"))[0].text
    assert own.startswith("Về điều bạn hỏi thêm, hướng dẫn “Đăng ký xe") and own.splitlines()[0].endswith("ghi:")
