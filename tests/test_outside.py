"""knowledge/ngoai-pham-vi.yaml: examples and subject phrases of what we do not cover make the bot say "don't know"
rather than answer with the nearest entry, and a bad file is reported like any knowledge problem."""
from __future__ import annotations

import dataclasses

import pytest

from bot.retrieval.answerer import Answerer
from indexer.build import build_index
from indexer.check import check_knowledge
from indexer.knowledge import KnowledgeError
from indexer.outside import OUTSIDE_FILE, read_outside
from indexer.store import load_snapshot
from tests.conftest import FAKE_MODEL, FakeEmbedder, fake_answerer

EXAMPLES = """\
chu_de:
  ngân hàng:
    - vay vốn ngân hàng cần mang theo giấy tờ gì
    - mở thẻ ngân hàng ở đâu
"""


def answerer_for(kb, tmp_path) -> Answerer:
    embedder, index = FakeEmbedder(), tmp_path / "index"
    build_index(kb, index, FAKE_MODEL, lambda _: embedder, progress=False)
    answerer = fake_answerer(index, embedder)
    # the fake embedder's cosines are not e5's: answer from any confidence, so only the screens decide
    answerer.decision = dataclasses.replace(answerer.decision, answer_at=0.0, clarify_at=0.0, rival_at=2.0,
                                            outside_margin=0.0)
    return answerer


def test_a_question_nearer_an_example_than_any_entry_gets_dont_know(small_kb, tmp_path):
    question = "đi vay vốn ngân hàng thì mang theo giấy tờ gì"
    assert answerer_for(small_kb, tmp_path / "without").ask(question).kind == "answer"  # nearest entry, wrongly
    (small_kb / OUTSIDE_FILE).write_text(EXAMPLES, encoding="utf-8")
    answerer = answerer_for(small_kb, tmp_path / "with")
    assert answerer.ask(question).kind == "dont_know"
    covered = answerer.ask("quên mật khẩu VNeID thì làm sao")
    assert covered.kind == "answer" and covered.entry.id == "quen-mat-khau"


def test_examples_are_embedded_in_the_build_and_an_edit_rebuilds(small_kb, tmp_path):
    index = tmp_path / "index"
    embedder = FakeEmbedder()
    build_index(small_kb, index, FAKE_MODEL, lambda _: embedder, progress=False)
    assert load_snapshot(index).outside is None
    (small_kb / OUTSIDE_FILE).write_text(EXAMPLES, encoding="utf-8")
    assert build_index(small_kb, index, FAKE_MODEL, lambda _: embedder, progress=False).changed
    assert load_snapshot(index).outside.shape == (2, FakeEmbedder.dimension)
    assert embedder.embedded[-2:] == ["vay vốn ngân hàng cần mang theo giấy tờ gì", "mở thẻ ngân hàng ở đâu"]


@pytest.mark.parametrize("text, field", [
    ("chu_de: [a, b]\n", "chu_de"),
    ("chu_de:\n  thuế: []\n", "chu_de.thuế"),
    ("chu_de:\n  thuế:\n    - ''\n", "chu_de.thuế[1]"),
    ("chu_de: {thuế: [\n", "(tệp)"),
    ("chu_de:\n  thuế: [nộp thuế ở đâu]\ntu_khoa: vssid\n", "tu_khoa"),
    ("chu_de:\n  thuế: [nộp thuế ở đâu]\ntu_khoa: [vssid, '']\n", "tu_khoa[2]"),
])
def test_a_bad_file_is_named_with_its_field_and_fails_the_check(small_kb, text, field):
    (small_kb / OUTSIDE_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as raised:
        read_outside(small_kb)
    assert [p.field for p in raised.value.problems] == [field]
    report, _ = check_knowledge(small_kb)
    assert not report.ok and report.problems[0].file == OUTSIDE_FILE


def test_a_subject_phrase_blocks_entries_silent_on_it_and_travels_inside_the_build(small_kb, tmp_path):
    question = "quên mật khẩu VssID thì làm sao"
    assert answerer_for(small_kb, tmp_path / "without").ask(question).entry.id == "quen-mat-khau"
    (small_kb / OUTSIDE_FILE).write_text(EXAMPLES + "tu_khoa:\n  - VssID\n", encoding="utf-8")
    answerer = answerer_for(small_kb, tmp_path / "with")
    (small_kb / OUTSIDE_FILE).unlink()  # the running build keeps its own copy
    assert answerer.ask(question).kind == "dont_know"
    assert answerer.ask("quên mật khẩu VNeID thì làm sao").entry.id == "quen-mat-khau"


def test_the_shipped_file_loads(real_settings):
    shipped = read_outside(real_settings.knowledge_dir)
    assert len(shipped.questions) >= 30 and "vssid" in shipped.subjects
