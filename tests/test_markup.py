"""The markup contract of Reply.text, rendered per channel, and splitting under channel limits."""
import pytest

from bot.core.markup import split_text, to_html, to_plain


def test_html_escapes_everything_and_keeps_only_bold():
    text = "Bấm **Đăng nhập** <script>alert(1)</script> & <b>x</b>"
    assert to_html(text) == "Bấm <b>Đăng nhập</b> &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;"


def test_plain_drops_bold_markers_only():
    assert to_plain("1. Mở **VNeID** rồi bấm *Cá nhân*") == "1. Mở VNeID rồi bấm *Cá nhân*"


def test_short_text_is_one_chunk():
    assert split_text("Xin chào", 100) == ["Xin chào"]


@pytest.mark.parametrize("limit", [50, 120, 2000, 4096])
def test_split_at_paragraphs_under_the_limit_and_loses_nothing(limit):
    paragraphs = [(f"{i}. " + "Bước làm hồ sơ trực tuyến " * (i % 5 + 1)).strip() for i in range(1, 40)]
    text = "\n\n".join(paragraphs)
    chunks = split_text(text, limit)
    assert all(len(c) <= limit for c in chunks)
    assert " ".join(" ".join(chunks).split()) == " ".join(text.split())
    if limit >= 200:
        assert all(c.split("\n\n")[-1] in paragraphs for c in chunks)  # cuts fall between paragraphs


def test_one_long_word_is_cut_hard():
    chunks = split_text("x" * 250, 100)
    assert [len(c) for c in chunks] == [100, 100, 50]


def test_bold_is_never_split_across_chunks():
    text = "a " * 40 + "**" + "đậm " * 10 + "**" + " b" * 40
    for chunk in split_text(text, 60):
        assert chunk.count("**") % 2 == 0
