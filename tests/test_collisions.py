"""`dvcbot check` warns when a synonyms key, typed without marks, also spells another word of the knowledge."""
import argparse

from handlers.app.cli import cmd_check
from handlers.runtime.settings import Settings
from indexer.collisions import folding_collisions
from indexer.knowledge import load_knowledge
from indexer.synonyms import Synonyms
from tests.conftest import REPO, write_entry


def synonyms(tmp_path, text: str) -> Synonyms:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return Synonyms.load(path)


def kb_with_broken_card(small_kb):
    write_entry(small_kb, "the-hong", "Thẻ căn cước bị hỏng", ["Thẻ bị hỏng chip", "thẻ căn cước hỏng", "thẻ gãy"],
                "Đến công an xã làm thủ tục cấp đổi. Xin cảm ơn.")
    return load_knowledge(small_kb)[0]


def test_unaccented_key_folding_onto_a_marked_knowledge_word_is_reported(small_kb, tmp_path):
    entries = kb_with_broken_card(small_kb)
    found = folding_collisions(synonyms(tmp_path, "viet_tat:\n  hong: không\n  ko: không\n"), entries)
    assert [(c.section, c.key, c.words) for c in found] == [("viet_tat", "hong", ("hỏng",))]
    assert "the-hong" in found[0].entries
    assert "hỏng" in str(found[0]) and "nhieu_nghia" in str(found[0])


def test_keys_meaning_the_knowledge_word_or_read_by_context_are_not_reported(small_kb, tmp_path):
    entries = kb_with_broken_card(small_kb)
    text = ("viet_tat:\n  khong: không\nbo_qua:\n  - xin cảm ơn\n"
            "nhieu_nghia:\n  hong:\n    - {thanh: hỏng, sau: [bị]}\n    - {thanh: không}\n")
    assert folding_collisions(synonyms(tmp_path, text), entries) == []


def test_check_prints_the_warning_and_still_passes(small_kb, capsys):
    kb_with_broken_card(small_kb)
    (small_kb / "synonyms.yaml").write_text("viet_tat:\n  hong: không\n", encoding="utf-8")
    (small_kb / "topics.yaml").write_text("topics:\n  vneid: VNeID\n", encoding="utf-8")
    settings = Settings(knowledge_dir=small_kb, data_dir=small_kb.parent / "var", index_dir=small_kb.parent / "i")
    code = cmd_check(argparse.Namespace(max_age_days=100_000, links=False, stamp=False), settings)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "CẢNH BÁO" in out and "«hong»" in out and "«hỏng»" in out


def test_the_shipped_knowledge_has_no_collision():
    """`dvcbot check` on a clean checkout warns about nothing ("chữ ký số do…" once folded onto «sổ đỏ»)."""
    entries, _ = load_knowledge(REPO / "knowledge")
    assert [str(c) for c in folding_collisions(Synonyms.load(REPO / "knowledge" / "synonyms.yaml"), entries)] == []


def test_a_case_cue_that_folds_onto_another_word_of_the_knowledge_is_reported():
    """"hội" (an association) cued the organisations' case in every "cho hỏi…"; the shipped cues keep only the
    two single words kept knowingly (phan-biet.yaml says why)."""
    from indexer.catalogue.index import kept_cues, read_cue_words, read_discriminators
    from indexer.collisions import cue_collisions

    entries, _ = load_knowledge(REPO / "knowledge")
    found = cue_collisions({"tổ chức": ("công ty", "hội")}, entries)
    assert [c.key for c in found] == ["hội"] and "hỏi" in found[0].words and "phan-biet.yaml" in str(found[0])
    folder = REPO / "knowledge" / "catalogue"
    shipped = cue_collisions(read_cue_words(folder), entries)
    assert {c.key for c in shipped} == set(kept_cues(folder)) == {"mất", "đổi"}, [str(c) for c in shipped]
    assert "giữ dù trùng khi bỏ dấu" not in read_discriminators(folder)   # a list for the check, not a case
