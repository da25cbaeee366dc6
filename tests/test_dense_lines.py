"""A follow-up whose words are not its guide's gets the guide's line it means, found by the bundled model."""
import datetime as dt

import numpy as np
import pytest

from bot.retrieval.dense_lines import DenseLines
from indexer.knowledge import KnowledgeEntry
from tests.chat import Chat

pytestmark = pytest.mark.slow


class _Axes:
    """Texts on fixed axes: the test decides which line leads and by how much."""

    def __init__(self, axes: dict[str, list[float]]) -> None:
        self.axes = axes
        self.passages = 0

    def _vec(self, text: str) -> list[float]:
        return next((v for k, v in self.axes.items() if k in text), [0.0, 0.0, 1.0])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.array([self._vec(t) for t in texts], dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages += len(texts)
        return np.array([self._vec(t) for t in texts], dtype=np.float32)


def _guide(body: str) -> KnowledgeEntry:
    return KnowledgeEntry(id="g", title="Trợ cấp", topic="thu-tuc", questions=(), links=(), sources=(),
                          reviewed=dt.date(2026, 12, 7), provinces=(), body=body, path="g.md")


def test_a_line_is_given_only_when_it_clearly_leads_and_each_guide_is_embedded_once():
    model = _Axes({"hạn chót": [1.0, 0.0, 0.0], "3 tháng": [0.9, 0.1, 0.0], "Nộp hồ sơ": [0.1, 0.9, 0.0],
                   "gần đều": [0.5, 0.5, 0.0]})
    lines = DenseLines(model)   # type: ignore[arg-type]
    guide = _guide("1. Nộp hồ sơ trên cổng.\n2. Thời hạn: trong 3 tháng.")
    assert lines.line(guide, "hạn chót là bao lâu") == "2. Thời hạn: trong 3 tháng."
    assert lines.line(guide, "gần đều") is None   # the two lines about as near: none is given
    assert model.passages == 2
    assert lines.line(_guide("Một dòng thôi."), "hạn chót") is None


def test_the_guides_kept_embedded_are_bounded(monkeypatch):
    """A portal card's text follows the question asked, so a long-running server must not keep every version."""
    monkeypatch.setattr("bot.retrieval.dense_lines._KEPT", 3)
    model = _Axes({"hạn chót": [1.0, 0.0, 0.0]})
    lines = DenseLines(model)   # type: ignore[arg-type]
    for n in range(6):
        lines.line(_guide(f"1. Dòng {n}.\n2. Dòng khác."), "hạn chót")
    assert len(lines._kept) == 3


# a follow-up sharing no word of weight with the line it means: "hạn chót nộp là bao lâu sau khi nghỉ" had been given
# the office's time instead of "Thời hạn nộp: trong 3 tháng kể từ ngày chấm dứt hợp đồng lao động"
@pytest.mark.parametrize("first, entry_id, follow_up, said", [
    ("cty cắt giảm nên e bị cho nghỉ từ 30/9, nghe bảo đc lãnh tiền thất nghiệp, nộp hồ sơ qua mạng kiểu j ad",
     "thutuc-tro-cap-that-nghiep", "hạn chót nộp là bao lâu sau khi nghỉ", "3 tháng"),
    ("Cho mình hỏi làm hộ chiếu cho bé nhà mình 5 tuổi để hè đi Thái Lan được không",
     "thutuc-ho-chieu", "hộ chiếu của bé dùng được mấy năm", "5 năm"),
])
async def test_a_follow_up_in_other_words_gets_the_line_it_means(dialogue, first, entry_id, follow_up, said):
    chat = Chat(dialogue)
    await chat(first)
    assert any(r.entry_id == entry_id for r in chat.last)
    await chat(follow_up)
    assert said in chat.text()


async def test_a_line_quoted_alone_keeps_the_warning_that_qualifies_it(dialogue):
    """The 3-month deadline is the 2013 law's; the guide's next line warns that the 2025 law applies from 1/1/2026
    and the deadline is not yet checked against it. The deadline must not be quoted without that warning."""
    chat = Chat(dialogue)
    await chat("nghỉ việc rồi nhận trợ cấp thất nghiệp online ở đâu")
    await chat("hạn chót nộp là bao lâu sau khi nghỉ")
    assert "3 tháng" in chat.text() and "Luật Việc làm 2025" in chat.text()
