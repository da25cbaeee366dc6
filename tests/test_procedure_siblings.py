"""Siblings in the catalogue: the same procedure at another level, or the top one plus words the citizen did not
say, is no reason to ask back; a sibling whose extra case the question cues is offered, never passed over."""
from __future__ import annotations

import dataclasses

import pytest

from bot.retrieval.decision import Kind
from indexer.build import build_index
from indexer.catalogue.model import Procedure
from tests.catalogue_helpers import TAKEN, write_catalogue
from tests.conftest import FAKE_MODEL, FakeEmbedder, fake_answerer
from tests.test_indexer import Factory


def _record(code: str, name: str, level: str = "xa") -> Procedure:
    return Procedure(code=code, name=name, field="Hộ tịch", levels=(level,), agencies=("UBND cấp xã",),
                     audience=("cong-dan",), sources=(TAKEN,), online=None)


RECORDS = [
    _record("1.014062", "Cấp thẻ căn cước cho người dưới 14 tuổi"),
    _record("1.012549", "Cấp thẻ căn cước cho người dưới 14 tuổi (thực hiện tại cấp tỉnh)", "tinh"),
    _record("1.001193", "Thủ tục đăng ký khai sinh"),
    _record("1.003583", "Thủ tục đăng ký khai sinh lưu động"),
    _record("2.000528", "Thủ tục đăng ký khai sinh có yếu tố nước ngoài"),
    _record("1.002755", "Gia hạn tạm trú"),
    _record("1.001146", "Gia hạn tạm trú cho người nước ngoài tại Việt Nam (thực hiện tại cấp tỉnh)", "tinh"),
    _record("1.013513", "Thủ tục thanh toán chi phí khám bệnh, chữa bệnh cho Dân quân"),
    _record("1.001656", "Thanh toán trực tiếp chi phí khám bệnh, chữa bệnh bảo hiểm y tế"),
    _record("1.001612", "Đăng ký thành lập hộ kinh doanh"),
    _record("1.014035", "Dừng thực hiện thủ tục đăng ký hộ kinh doanh"),
]


@pytest.fixture
def search(small_kb, tmp_path):
    write_catalogue(small_kb, RECORDS)
    (small_kb / "catalogue" / "phan-biet.yaml").write_text(
        "có yếu tố nước ngoài: [hàn quốc, người hàn, đài loan, nước ngoài]\n"
        "người nước ngoài: [hàn quốc, người hàn, đài loan, nước ngoài]\n"
        "lưu động: [lưu động, tận nhà]\n", encoding="utf-8")
    (small_kb / "catalogue" / "khong-phai-thu-tuc.yaml").write_text(
        "ngân hàng:\n  - gia hạn thẻ ngân hàng ở đâu\n", encoding="utf-8")
    build_index(small_kb, tmp_path / "index", FAKE_MODEL, Factory(), progress=False)
    answerer = fake_answerer(tmp_path / "index", FakeEmbedder())
    # sure of any top candidate: only the sibling rules below can make it ask back
    answerer.procedures.config = dataclasses.replace(answerer.procedures.config, answer_at=0.0, clarify_at=0.0,
                                                     sibling_margin=-1.0, option_margin=0.0)
    return answerer


def _ranked(answerer, question: str):
    return answerer.procedure_ranking(question)[0]


def test_the_same_procedure_at_another_level_is_a_choice(search):
    """Issue 17: a question with sibling procedures gets options, not a guess; the same name at two levels sends
    the citizen to two different offices, so both are offered."""
    ranked = _ranked(search, "lam can cuoc cho be nha e duoi 14 tuoi o dau vay a")
    assert ranked[0].code in ("1.014062", "1.012549")
    sibling = next(s for s in ranked if s.code in ("1.014062", "1.012549") and s.code != ranked[0].code)
    assert sibling.rival
    decision = search.procedures.decide(ranked)
    assert decision.kind == Kind.CLARIFY and {"1.014062", "1.012549"} <= set(decision.options)


def test_a_sibling_adding_words_the_citizen_did_not_say_is_not_a_choice(search):
    ranked = _ranked(search, "cho em hoi thu tuc dang ky khai sinh cho con can gi a")
    assert ranked[0].code == "1.001193"
    assert not next(s for s in ranked if s.code == "1.003583").rival      # "lưu động" was not said
    decision = search.procedures.decide(ranked)
    assert decision.kind == Kind.ANSWER and decision.code == "1.001193"


def test_a_sibling_whose_words_were_said_stays_a_choice(search):
    ranked = _ranked(search, "dang ky khai sinh luu dong tan nha cho ba con minh")
    assert next(s for s in ranked if s.code == "1.003583").rival or ranked[0].code == "1.003583"


def test_a_sibling_with_the_case_the_question_cues_is_offered_not_passed_over(search):
    ranked = _ranked(search, "Ban toi nguoi Han sang du lich, sap het han muon gia han tam tru o them thi sao")
    ranked = [r for r in ranked if r.code in ("1.002755", "1.001146")]
    top = next(r for r in ranked if r.code == "1.002755")
    # even when the plain one ranks first, the foreigner's one the question cues is offered beside it
    ranked = [top, *(r for r in ranked if r is not top)]
    decision = search.procedures.decide(ranked)
    assert decision.kind == Kind.CLARIFY and set(decision.options) >= {"1.002755", "1.001146"}


def test_a_curated_entry_gives_way_when_a_sibling_with_the_cued_case_is_near(search):
    foreign = _ranked(search, "Chong toi la nguoi Han Quoc, dang ky khai sinh cho con o dau")
    assert search.procedures.sibling_asked(("1.001193",), foreign)
    plain = _ranked(search, "dang ky khai sinh cho con o dau")
    assert not search.procedures.sibling_asked(("1.001193",), plain)


def test_a_clear_lead_over_the_first_real_rival_answers_below_answer_at(search):
    ranked = _ranked(search, "lam giay khai sinh cho con can giay to gi")
    cfg = search.procedures.config
    search.procedures.config = dataclasses.replace(cfg, answer_at=1.01, lead_answer_at=99.0, lead_confidence_at=0.0)
    assert search.procedures.decide(ranked).kind == Kind.CLARIFY
    search.procedures.config = dataclasses.replace(cfg, answer_at=1.01, lead_answer_at=ranked[0].margin,
                                                   lead_confidence_at=0.0)
    assert search.procedures.decide(ranked).kind == Kind.ANSWER


def test_a_lead_does_not_answer_with_words_the_citizen_did_not_say(search):
    """Two procedures for different people: the one ahead adds "cho Dân quân" (or "bảo hiểm y tế") to what they
    share, and the citizen said neither: its lead is no reason to answer it."""
    cfg = search.procedures.config
    search.procedures.config = dataclasses.replace(cfg, answer_at=1.01, lead_answer_at=0.0, lead_confidence_at=0.0)
    ranked = _ranked(search, "e tu tra tien kham chua benh roi, xin thanh toan lai chi phi duoc ko")
    assert ranked[0].code in ("1.013513", "1.001656") and not ranked[0].distinct_said
    assert search.procedures.decide(ranked).kind != Kind.ANSWER
    said = _ranked(search, "thanh toan chi phi kham chua benh cho dan quan o dau")
    assert said[0].code == "1.013513" and said[0].distinct_said
    assert search.procedures.decide(said).kind == Kind.ANSWER


def test_a_lead_answers_the_plain_start_of_a_procedure_the_question_names_no_case_of(search):
    """"phai dk ho kinh doanh, lam o dau": "Đăng ký thành lập hộ kinh doanh" adds only "thành lập" to what it shares
    with "Dừng thực hiện thủ tục đăng ký hộ kinh doanh", which adds words not said: its lead answers."""
    cfg = search.procedures.config
    search.procedures.config = dataclasses.replace(cfg, answer_at=1.01, lead_answer_at=0.0, lead_confidence_at=0.0)
    ranked = _ranked(search, "phai dk ho kinh doanh, lam o dau")
    assert ranked[0].code == "1.001612" and ranked[0].distinct_said
    assert search.procedures.decide(ranked).kind == Kind.ANSWER
    stopped = _ranked(search, "dung thuc hien thu tuc dang ky ho kinh doanh")
    assert stopped[0].code == "1.014035"


def test_a_lead_does_not_answer_a_question_nearer_an_everyday_one(search):
    """"gia han the ngan hang o dau" leads with "Gia hạn tạm trú" among procedures, but it is an everyday
    question the staff listed: the lead answers nothing."""
    cfg = dataclasses.replace(search.procedures.config, answer_at=1.01, lead_answer_at=0.0, lead_confidence_at=0.0,
                              lead_said_at=0.0, everyday_stop=1.0, everyday_margin=1.0)   # only the lead's own check
    search.procedures.config = cfg
    ranked = _ranked(search, "gia han the ngan hang o dau")
    assert ranked[0].code == "1.002755" and ranked[0].everyday >= 0
    assert search.procedures.decide(ranked).kind != Kind.ANSWER
    search.procedures.config = dataclasses.replace(cfg, lead_everyday_at=2.0)
    assert search.procedures.decide(ranked).kind == Kind.ANSWER


def test_a_question_that_is_a_procedures_name_is_offered_it_even_when_no_candidate_is_sure(search):
    """"thành lập công ty tnhh" says nothing but words of the names it means: when the ranking is unsure it still
    gets the family as options, not "don't know"; a question with a word no name has does not."""
    search.procedures.config = dataclasses.replace(search.procedures.config, clarify_at=1.01)
    named = _ranked(search, "gia han tam tru cho nguoi nuoc ngoai")
    assert named[0].named_all
    decision = search.procedures.decide(named)
    assert decision.kind == Kind.CLARIFY and "1.001146" in decision.options
    other = _ranked(search, "gia han tam tru cho ban gai")
    assert not other[0].named_all and search.procedures.decide(other).kind == Kind.DONT_KNOW
    short = _ranked(search, "tam tru")                                  # two words name no one procedure
    assert not short[0].named_all


def test_the_sibling_with_a_cued_case_is_found_word_for_word(search):
    ps = search.procedures
    assert ps.case_sibling(("1.001193",), "chong toi la nguoi han quoc thi sao") == "2.000528"
    assert ps.case_sibling(("1.001193",), "con toi sinh o nha") is None          # no case cued
    assert ps.case_sibling(("1.002755",), "ban toi nguoi han") == "1.001146"
    assert ps.case_sibling(("1.001656",), "dan quan thi sao") is None             # a case the names do not carry
