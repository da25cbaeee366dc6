"""An entry whose words sound general but hold for one subject (front matter `asked_with`): offered only to a
question that says that subject, and otherwise not competing at all. A real build (fake embedder), real pipeline."""
import datetime as dt

import pytest

from bot.retrieval.answers import Retrieved
from bot.retrieval.hybrid import Hit
from bot.retrieval.subject_bound import SubjectBound
from indexer.build import build_index
from indexer.knowledge import KnowledgeEntry, load_catalog, parse_entry
from indexer.store import entry_from_json, entry_to_json
from tests.conftest import FAKE_MODEL, FakeEmbedder, fake_answerer

MERGER = """\
---
id: giay-to-sau-sap-nhap
title: Sau khi sáp nhập tỉnh, giấy tờ ghi địa danh cũ có phải đổi không?
topic: vneid
questions:
  - sáp nhập tỉnh rồi thẻ căn cước có phải đổi không
  - giấy tờ ghi tỉnh cũ có còn dùng được không
  - nhập tỉnh thì giấy tờ cũ có phải làm lại không
links:
  - title: Cổng Dịch vụ công quốc gia
    url: https://dichvucong.gov.vn
sources:
  - title: Nghị quyết 190/2025/QH15
reviewed: 2026-12-06
asked_with: [sáp nhập, nhập tỉnh, tỉnh cũ]
---
Giấy tờ còn hạn vẫn dùng được, không phải đổi thẻ căn cước chỉ vì tên tỉnh thay đổi.
"""


@pytest.fixture
def kb(small_kb):
    (small_kb / "giay-to-sau-sap-nhap.md").write_text(MERGER, encoding="utf-8")
    return small_kb


def test_the_phrases_load_and_survive_the_build(kb):
    entry, problems = parse_entry(kb / "giay-to-sau-sap-nhap.md", kb, load_catalog(kb))
    assert not problems and entry.asked_with == ("sáp nhập", "nhập tỉnh", "tỉnh cũ")
    assert entry_from_json(entry_to_json(entry)).asked_with == entry.asked_with


def test_an_entry_whose_subject_is_unsaid_is_left_out_of_what_was_found():
    bound = SubjectBound.of([_entry("a", ("sáp nhập",)), _entry("b", ())])
    found = Retrieved(query=None, asked=frozenset(), dense=[Hit("a", 0.9), Hit("b", 0.8)],
                      lexical=[Hit("a", 3.0), Hit("b", 1.0)], cosine={}, median=0.0, weight=None)
    kept = bound.kept(found, "địa chỉ trên căn cước có phải đổi không")
    assert [h.entry_id for h in kept.dense] == ["b"] and [h.entry_id for h in kept.lexical] == ["b"]
    said = bound.kept(found, "sap nhap tinh roi the can cuoc co phai doi ko")   # no marks: still said
    assert [h.entry_id for h in said.dense] == ["a", "b"]


def test_a_question_that_says_the_subject_gets_the_entry_one_that_does_not_never_does(kb, tmp_path):
    build_index(kb, tmp_path / "index", FAKE_MODEL, FakeEmbedder, progress=False)
    answerer = fake_answerer(tmp_path / "index", FakeEmbedder())

    def found(question):
        a = answerer.ask(question)
        return [e.id for e in ((a.entry,) if a.entry else a.options)]
    assert found("sáp nhập tỉnh rồi thẻ căn cước có phải đổi không") == ["giay-to-sau-sap-nhap"]
    assert "giay-to-sau-sap-nhap" not in found("chuyển nhà rồi thẻ căn cước có phải đổi không")
    assert "giay-to-sau-sap-nhap" not in found("giấy tờ ghi địa chỉ cũ có còn dùng được không")


def _entry(i, asked_with):
    return KnowledgeEntry(id=i, title=i, topic="t", questions=(), links=(), sources=(), reviewed=dt.date(2026, 12, 6),
                          provinces=(), body="", path="", asked_with=asked_with)


@pytest.mark.slow
@pytest.mark.parametrize("question, merger", [
    ("Mà Bình Dương nhập vô TP.HCM rồi, mấy giấy tờ cũ ghi tỉnh Bình Dương như căn cước, giấy khai sinh của cháu có "
     "phải đi đổi lại hết không ad", True),
    ("sap nhap tinh co phai lam lai giay to ko", True), ("bằng lái ghi tỉnh cũ có phải đổi không", True),
    ("địa chỉ trên căn cước có phải đổi không", False),        # moved house: the card guide, not the merger
    ("chuyển chỗ vậy thì giấy an toàn thực phẩm cũ còn dùng được không", False),
])
def test_the_guide_on_papers_after_the_merger_is_only_for_the_merger(real_answerer, question, merger):
    a = real_answerer.ask(question)
    found = [e.id for e in ((a.entry,) if a.entry else a.options)]
    assert ("hoso-giay-to-sau-sap-xep" in found) == merger, (a.kind, found)
    if merger:
        assert a.kind == "answer", (a.kind, found)
