"""The catalogue inside a build: its vectors reused, its records answered as cards, siblings offered."""
from __future__ import annotations

import gzip
import json

import pytest

from bot.retrieval.decision import Kind
from indexer.build import build_index
from indexer.catalogue.index import cache_file
from indexer.catalogue.snapshot import folder_of, load_catalogue, read_records
from indexer.embedder import RememberedQueries, model_id_for
from tests.catalogue_helpers import records, tam_tru, write_catalogue
from tests.conftest import FAKE_MODEL, FakeEmbedder, fake_answerer, write_entry
from tests.test_indexer import Factory


@pytest.fixture
def kb(small_kb):
    write_catalogue(small_kb)
    return small_kb


def _build(kb, idx, factory=None, keep_vectors=False):
    return build_index(kb, idx, FAKE_MODEL, factory or Factory(), progress=False, keep_vectors=keep_vectors)


def test_snapshot_is_deterministic_and_round_trips(kb):
    path = folder_of(kb) / "procedures.jsonl.gz"
    first = path.read_bytes()
    write_catalogue(kb)
    assert path.read_bytes() == first  # no timestamp inside the gzip: a re-import of the same data changes nothing
    assert read_records(path) == sorted(records(), key=lambda p: p.code)
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    lines = gzip.decompress(first).decode().splitlines()
    assert [json.loads(line)["code"] for line in lines] == sorted(p.code for p in records())


def test_internal_procedures_are_never_indexed(kb, tmp_path):
    report = _build(kb, tmp_path / "index")
    assert report.procedures == 5  # six records, one internal to the state
    answerer = fake_answerer(tmp_path / "index", FakeEmbedder())
    assert "1.009999" not in answerer.procedures._codes


def test_catalogue_vectors_are_reused_and_shipped(kb, tmp_path):
    f = Factory()
    _build(kb, tmp_path / "index", f, keep_vectors=True)
    names = [p.name for p in records() if p.kind != "internal"]
    assert all(any(n in t for t in f.texts) for n in names)
    assert cache_file(kb, model_id_for(FAKE_MODEL)).exists()  # kept beside the snapshot for a fresh clone

    (kb / "dang-ky-muc-2.md").write_text((kb / "dang-ky-muc-2.md").read_text().replace("thẻ căn cước", "căn cước"))
    again = Factory()
    report = _build(kb, tmp_path / "index", again)
    assert report.changed and report.procedure_texts_embedded == 0
    assert not any("tạm trú" in t for t in again.texts)

    fresh = Factory()  # a fresh clone: no previous build, only the shipped cache
    report = _build(kb, tmp_path / "other-index", fresh)
    assert report.procedure_texts_embedded == 0 and not any("tạm trú" in t for t in fresh.texts)


def test_only_dvcbot_index_writes_vectors_into_the_knowledge_folder(kb, tmp_path):
    _build(kb, tmp_path / "index")  # what `serve`, the desk's rebuilds and tests do
    assert not cache_file(kb, model_id_for(FAKE_MODEL)).exists()


def test_a_changed_record_is_re_embedded_alone(kb, tmp_path):
    _build(kb, tmp_path / "index")
    changed = [p if p.code != "1.001193" else p.__class__(**{**p.__dict__, "name": "Đăng ký khai sinh cho trẻ em"})
               for p in records()]
    write_catalogue(kb, changed)
    f = Factory()
    report = _build(kb, tmp_path / "index", f)
    assert report.procedure_texts_embedded == 2  # its name and its situation
    assert all("khai sinh cho trẻ em" in t for t in f.texts if "khai sinh" in t)


def test_fee_question_gets_the_card_with_the_fee_first(kb, tmp_path):
    _build(kb, tmp_path / "index")
    answerer = fake_answerer(tmp_path / "index", FakeEmbedder())
    answer = answerer.ask("đăng ký tạm trú nộp online mất bao nhiêu tiền")
    assert answer.kind == Kind.ANSWER.value and answer.entry.id == "tthc:1.004194"
    assert answer.entry.procedures == ("1.004194",)
    body = answer.entry.body.splitlines()
    first = next(line for line in body if line.startswith(("💰", "🏛️", "💻", "⏱️", "📄")))
    assert first.startswith("💰") and "7.000 đ" in first and "15.000 đ" in first
    assert any("Thông tư 117/2026/TT-BTC" in line for line in body)
    assert [link.url for link in answer.entry.links][:1] == [
        "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bf7-770b-734d-b7fb-5e1995f194f4"]


def test_siblings_are_offered_not_guessed(kb, tmp_path):
    """A sibling that only adds words the citizen did not say ("… có yếu tố nước ngoài") is no reason to ask back;
    once the question says them, the plain one is no longer answered outright."""
    _build(kb, tmp_path / "index")
    answerer = fake_answerer(tmp_path / "index", FakeEmbedder())
    plain = answerer.ask("thủ tục đăng ký khai sinh")
    assert plain.kind == Kind.ANSWER.value and plain.entry.id == "tthc:1.001193"
    foreign = answerer.ask("dang ky khai sinh co yeu to nuoc ngoai cho con")
    found = {e.id for e in (foreign.entry, *foreign.options) if e}
    assert "tthc:1.001695" in found
    assert not (foreign.kind == Kind.ANSWER.value and foreign.entry.id == "tthc:1.001193")


def test_province_specific_procedures_only_in_their_province(kb, tmp_path):
    _build(kb, tmp_path / "index")
    from bot.retrieval.answerer import Answerer
    from indexer.store import load_snapshot
    from tests.conftest import FAKE_DECISION

    question = "hỗ trợ học phí cho học sinh vùng biển đảo"
    snapshot = load_snapshot(tmp_path / "index", model_id_for(FAKE_MODEL))
    elsewhere = Answerer.load(snapshot, FakeEmbedder(), FAKE_DECISION, province="ha-tinh").ask(question)
    assert "3.000100" not in {p for e in (elsewhere.entry, *elsewhere.options) if e for p in e.procedures}
    there = Answerer.load(snapshot, FakeEmbedder(), FAKE_DECISION, province="dak-lak").ask(question)
    assert there.entry is not None and there.entry.id == "tthc:3.000100"
    # a citizen who names the province is offered its own procedure by another province's assistant too
    named = Answerer.load(snapshot, FakeEmbedder(), FAKE_DECISION, province="ha-tinh").ask(f"o Dak Lak {question}")
    assert "3.000100" in {p for e in (named.entry, *named.options) if e for p in e.procedures}


def test_a_curated_entry_declaring_the_procedure_wins(kb, tmp_path):
    path = write_entry(kb, "tam-tru", "Đăng ký tạm trú trên VNeID",
                       ["đăng ký tạm trú online", "khai báo tạm trú trên mạng", "làm tạm trú qua VNeID"],
                       "Mở VNeID, chọn Thủ tục hành chính, Khai báo tạm trú.")
    path.write_text(path.read_text().replace("reviewed:", "procedures: [1.004194]\nreviewed:"))
    _build(kb, tmp_path / "index")
    answerer = fake_answerer(tmp_path / "index", FakeEmbedder())
    answer = answerer.ask("đăng ký tạm trú nộp online mất bao nhiêu tiền")
    assert answer.entry is not None and answer.entry.id == "tam-tru"
    assert answer.entry.procedures == ("1.004194",)
    # the record's facts lead with the part asked about: the time limit for "mất bao lâu", the fee for "bao nhiêu tiền"
    for question, sign in (("đăng ký tạm trú online mất bao lâu", "⏱️"),
                           ("đăng ký tạm trú online hết bao nhiêu tiền", "💰")):
        body = answerer.with_facts(answerer.entries["tam-tru"], question).body.splitlines()
        assert next(line for line in body if line.startswith(("💰", "⏱️", "🏛️"))).startswith(sign), question


def test_overrides_hide_and_correct_records(kb):
    (folder_of(kb) / "overrides.yaml").write_text(
        "1.004194:\n  where: Công an phường Thành Sen\n  note: Nộp buổi sáng\n  reviewer: lan\n  reviewed: 2026-11-30\n"
        "2.000720:\n  hidden: true\n  reviewer: lan\n  reviewed: 2026-11-30\n", encoding="utf-8")
    catalogue = load_catalogue(folder_of(kb))
    assert "2.000720" not in catalogue.procedures
    assert catalogue.procedures["1.004194"].where == "Công an phường Thành Sen"
    assert catalogue.notes == {"1.004194": "Nộp buổi sáng"}
    assert catalogue.procedures["1.004194"].sources[-1].taken == "2026-11-30"
    assert tam_tru().where == ""


def test_a_fee_stated_only_in_words_is_shown_in_its_words():
    from bot.retrieval.procedure_card import card_body
    from indexer.catalogue.model import Channel, Fee

    record = tam_tru().__class__(**{**tam_tru().__dict__, "channels": (
        Channel("direct", 12, "working_day", "", (Fee(None, "Do Hội đồng nhân dân tỉnh quy định"),)),)})
    lines = card_body(record, "07/2026", "fee").splitlines()
    fee = next(i for i, line in enumerate(lines) if line.startswith("💰"))
    assert lines[fee].rstrip().endswith(":") and lines[fee + 1] == "• Do Hội đồng nhân dân tỉnh quy định"
    assert not any("Thông tư 117/2026" in line for line in lines[:fee + 2])  # no amount, no note about amounts


def test_the_part_asked_leads_the_card_once():
    """"con tôi làm thay được không" picked a card whose "Ai được làm" line was printed twice."""
    from bot.retrieval.procedure_card import card_body

    for aspect in ("who", "fee", "where", None):
        lines = card_body(tam_tru(), "07/2026", aspect).splitlines()
        heads = [line[:2] for line in lines if line and line[0] in "👤🏛💰⏱📍"]
        assert len(heads) == len(set(heads)), (aspect, heads)
    assert card_body(tam_tru(), "07/2026", "who").splitlines()[3].startswith("👤")


@pytest.mark.parametrize("text, amount, shown", [
    # the portal's "free" cell whose note names what sets the fee: no "Miễn phí" for a fee that exists
    ("Miễn phí (Thông tư số 60/2023/TT-BTC quy định mức thu lệ phí đăng ký)", None,
     "• Cổng chưa ghi số tiền, ghi chú: Thông tư số 60/2023/TT-BTC quy định mức thu lệ phí đăng ký"),
    ("Miễn phí", 0, "• Miễn phí"),
    ("Miễn phí (Không có)", 0, "• Miễn phí (Không có)"),
])
def test_a_free_cell_is_free_only_when_its_note_says_nothing_else(text, amount, shown):
    from bot.retrieval.procedure_card import card_body
    from indexer.catalogue.model import Channel, Fee

    record = tam_tru().__class__(**{**tam_tru().__dict__, "channels": (
        Channel("online", 2, "working_day", "", (Fee(amount, text),)),)})
    lines = card_body(record, "07/2026", "fee").splitlines()
    assert shown in lines


def test_a_question_about_everyday_life_gets_no_procedure_answer(kb, tmp_path):
    """An everyday question listed by staff is embedded with the records; a question as near to it as to the top
    procedure's name is at most asked about, never answered with the procedure, and clearly nearer not even that."""
    import dataclasses

    everyday = folder_of(kb) / "khong-phai-thu-tuc.yaml"
    everyday.write_text("sức khỏe:\n  - thủ tục đăng ký tạm trú thuốc ho\n", encoding="utf-8")
    report = _build(kb, tmp_path / "index")
    assert report.procedures == 5          # the everyday question is not counted as a procedure
    answerer = fake_answerer(tmp_path / "index", FakeEmbedder())
    search = answerer.procedures
    ranked, _ = answerer.procedure_ranking("thủ tục đăng ký tạm trú thuốc ho")
    assert ranked[0].everyday > 0          # the fake embedder puts the question on the everyday example itself
    sure = dataclasses.replace(search.config, answer_at=0.0, clarify_at=0.0, sibling_margin=0.0)
    search.config = dataclasses.replace(sure, everyday_margin=1.0, everyday_stop=1.0)
    assert search.decide(ranked).kind == Kind.ANSWER
    search.config = dataclasses.replace(sure, everyday_margin=0.0, everyday_stop=1.0)
    assert search.decide(ranked).kind == Kind.CLARIFY
    search.config = dataclasses.replace(sure, everyday_margin=0.0, everyday_stop=ranked[0].everyday)
    assert search.decide(ranked).kind == Kind.DONT_KNOW     # clearly an everyday question: not even offered


def test_a_bad_everyday_list_is_reported_by_check(kb):
    from indexer.catalogue.index import read_everyday
    from indexer.knowledge import KnowledgeError

    (folder_of(kb) / "khong-phai-thu-tuc.yaml").write_text("sức khỏe: uống thuốc gì\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as exc:
        read_everyday(folder_of(kb))
    assert "khong-phai-thu-tuc.yaml" in str(exc.value.problems[0])


@pytest.mark.parametrize("text, shown", [
    # the reduced online fee ended on 31/12/2025: history, not a fee to quote; the note states the amount
    ("Miễn phí (Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần. Trường hợp nộp hồ sơ trực tuyến: Kể từ ngày "
     "01/12/2023 đến hết ngày 31/12/2025, áp dụng mức thu lệ phí là 115.000 đồng/lần cấp.)",
     "• Theo ghi chú của Cổng: Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần."),
    ("7,000 Việt Nam Đồng (Kể từ ngày 01/01/2024 đến hết ngày 31/12/2025 giảm 50%)", "• 7,000 Việt Nam Đồng"),
    ("7,000 Việt Nam Đồng (Kể từ ngày 01/01/2026 đến hết ngày 31/12/2099 giảm 50%)",
     "• 7,000 Việt Nam Đồng (Kể từ ngày 01/01/2026 đến hết ngày 31/12/2099 giảm 50%)"),
])
def test_fee_rules_that_ended_are_left_out(text, shown):
    from bot.retrieval.procedure_card import card_body
    from indexer.catalogue.model import Channel, Fee

    record = tam_tru().__class__(**{**tam_tru().__dict__, "channels": (
        Channel("online", 2, "working_day", "", (Fee(None, text),)),)})
    lines = card_body(record, "07/2026", "fee").splitlines()
    assert shown in lines and not any("115.000" in line or "31/12/2025" in line for line in lines), lines
    fee = next(i for i, line in enumerate(lines) if line.startswith("💰"))
    assert "Thông tư 117/2026" in lines[fee + 2]   # an amount in words: dated, and the VNeID reduction noted


def test_a_fee_whose_only_rule_ended_is_not_shown_as_free():
    from bot.retrieval.procedure_card import card_body
    from indexer.catalogue.model import Channel, Fee

    record = tam_tru().__class__(**{**tam_tru().__dict__, "channels": (
        Channel("online", 2, "working_day", "", (Fee(None, "Miễn phí (Kể từ ngày 01/12/2023 đến hết ngày 31/12/2025, "
                                                       "miễn lệ phí.)"),)),)})
    text = card_body(record, "07/2026", "fee")
    assert "Miễn phí" not in text and "Cổng chưa ghi mức cụ thể" in text


class _Calls(FakeEmbedder):
    """Records each call's texts: the readings of one question must arrive together."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[str]] = []

    def embed_queries(self, texts: list[str]):
        self.calls.append(list(texts))
        return super().embed_queries(texts)


def test_a_question_s_readings_are_embedded_in_one_call(kb, tmp_path):
    """The curated tier's reading and the catalogue's wider one go to the embedder together, so the bundled
    engine embeds them side by side on two cores; the catalogue then finds its reading remembered."""
    _build(kb, tmp_path / "index")
    inner = _Calls()
    answerer = fake_answerer(tmp_path / "index", RememberedQueries(inner))
    question = "dang ky tam tru nop online mat bao nhieu tien"
    plain, wider = answerer.catalogue_readings(question)
    assert plain.text != wider.text       # the catalogue's words restore diacritics the curated tier cannot
    inner.calls.clear()
    answer = answerer.ask(question)
    assert answer.entry is not None and answer.entry.id == "tthc:1.004194"
    # both tiers read "mất bao nhiêu tiền" as a cost: no third reading with "mất" (a loss) is embedded
    assert len(inner.calls) == 1 and sorted(inner.calls[0]) == sorted({plain.text, wider.text})
    assert not any("mất" in t.split() or "mat" in t.split() for t in inner.calls[0])
