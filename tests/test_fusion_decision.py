import pytest

from bot.retrieval.decision import DecisionConfig, Kind, Scored, decide
from bot.retrieval.fusion import fuse
from bot.retrieval.hybrid import Hit

CFG = DecisionConfig(dense_weight=0.5, w_dense=4.0, w_coverage=7.0, bias=-7.0,
                     answer_at=0.65, clarify_at=0.4, clarify_margin=0.02)


def test_fuse_weights_min_max_normalised_scores():
    dense = [Hit("a", 0.90), Hit("b", 0.80), Hit("c", 0.70)]
    lexical = [Hit("b", 12.0), Hit("c", 2.0)]
    out = fuse(dense, lexical, dense_weight=0.5)
    assert [c.entry_id for c in out] == ["b", "a", "c"]
    assert out[0].fused == pytest.approx(0.5 * 0.5 + 0.5 * 1.0)
    assert out[1].lexical == 0.0 and out[1].dense == 0.90


def test_fuse_dense_only_and_empty():
    assert [c.entry_id for c in fuse([Hit("x", 0.3), Hit("y", 0.5)], [], 1.0)] == ["y", "x"]
    assert fuse([], [], 0.5) == []


def test_fuse_single_hit_gets_full_score():
    assert fuse([Hit("a", 0.4)], [], 0.7)[0].fused == pytest.approx(0.7)


def test_confidence_grows_with_both_signals():
    assert CFG.confidence(0.95, 0.9) > CFG.confidence(0.95, 0.2) > CFG.confidence(0.80, 0.2)


def test_confidence_grows_with_the_lead_over_the_runner_up():
    cfg = DecisionConfig(**{**CFG.__dict__, "w_margin": 3.0})
    assert cfg.confidence(0.9, 0.5, 0.1, margin=0.3) > cfg.confidence(0.9, 0.5, 0.1, margin=0.0)


def s(eid, fused, conf):
    return Scored(eid, fused, conf)


def test_decide_answers_clear_winner():
    d = decide([s("a", 1.0, 0.9), s("b", 0.5, 0.5)], CFG)
    assert d.kind == Kind.ANSWER and d.entry_id == "a" and d.score == 0.9


def test_decide_clarifies_when_two_confident_candidates_are_too_close():
    d = decide([s("a", 1.0, 0.9), s("b", 0.99, 0.8), s("c", 0.5, 0.2)], CFG)
    assert d.kind == Kind.CLARIFY and d.options == ("a", "b")


def test_decide_asks_only_about_a_rival_confident_enough():
    """A runner-up within the margin is a rival only from rival_at up: neighbouring entries cause wrong answers,
    a weak runner-up does not."""
    cfg = DecisionConfig(**{**CFG.__dict__, "clarify_margin": 0.2, "rival_at": 0.6})
    assert decide([s("a", 1.0, 0.9), s("b", 0.85, 0.7)], cfg).options == ("a", "b")
    weak = decide([s("a", 1.0, 0.9), s("b", 0.85, 0.5)], cfg)
    assert weak.kind == Kind.ANSWER and weak.entry_id == "a"
    far = decide([s("a", 1.0, 0.9), s("b", 0.75, 0.8)], cfg)
    assert far.kind == Kind.ANSWER and far.entry_id == "a"


def test_decide_offers_options_when_unsure_but_plausible():
    d = decide([s("a", 1.0, 0.5), s("b", 0.9, 0.45), s("c", 0.8, 0.1)], CFG)
    assert d.kind == Kind.CLARIFY and d.options == ("a", "b")


def test_decide_dont_know_when_nothing_is_plausible():
    assert decide([s("a", 1.0, 0.3), s("b", 0.9, 0.2)], CFG).kind == Kind.DONT_KNOW
    assert decide([], CFG).kind == Kind.DONT_KNOW


def test_shipped_configuration_loads_and_is_consistent():
    cfg = DecisionConfig.load()
    assert 0 < cfg.clarify_at < cfg.answer_at < 1 and 0 < cfg.rival_at <= 1.01
    assert 0 <= cfg.dense_weight <= 1


def test_a_title_typed_word_for_word_is_answered_not_asked_about():
    """"bị trừ tiền r mà hồ sơ vẫn báo chưa thanh toán" says seven words of one title in a row: answered. Two
    options typed alike, or a stretch too short, stay a question."""
    from bot.retrieval.decision import Decision
    from indexer.vntext import folded_syllables, longest_run

    said = folded_syllables("ad ơi t thanh toán lệ phí bị trừ tiền r mà hồ sơ vẫn báo chưa thanh toán, h sao")
    titles = {"tru-tien": "Đã bị trừ tiền nhưng hồ sơ vẫn báo chưa thanh toán",
              "that-bai": "Thanh toán không thành công", "giong": "Bị trừ tiền nhưng hồ sơ vẫn báo chưa thanh toán"}
    assert [longest_run(said, folded_syllables(titles[t])) for t in ("tru-tien", "that-bai")] == [7, 2]
    asked = Decision(Kind.CLARIFY, None, 0.9, ("tru-tien", "that-bai"))
    assert asked.title_typed(said, titles.get) == Decision(Kind.ANSWER, "tru-tien", 0.9)
    alike = Decision(Kind.CLARIFY, None, 0.9, ("tru-tien", "giong"))
    assert alike.title_typed(said, titles.get) == alike
    short = folded_syllables("thanh toán bị trừ tiền thì sao")      # three words of it in a row: still asked
    assert asked.title_typed(short, titles.get) == asked
    unsure = Decision(Kind.DONT_KNOW, None, 0.1)
    assert unsure.title_typed(said, titles.get) == unsure
    # the head of a title typed, its case not: "… mức 2 cho ông bà" is no "… cho trẻ em dưới 14 tuổi"
    titles["tre-em"] = "Tài khoản định danh điện tử cho trẻ em dưới 14 tuổi"
    parents = folded_syllables("bố mẹ tôi ngoài 70, muốn làm tài khoản định danh điện tử mức 2 cho ông bà")
    children = Decision(Kind.CLARIFY, None, 0.15, ("tre-em", "that-bai"))
    assert children.title_typed(parents, titles.get) == children


def test_a_sure_first_option_the_question_names_by_its_own_words_is_answered():
    """"tổng đài cổng dịch vụ công số mấy" was asked "Ý bạn là…?" between the portal's hotline (sure) and VNeID's,
    which came close; it names the portal and not VNeID. Unsure, or naming the other too, it is still asked."""
    from bot.retrieval.decision import Decision
    from bot.retrieval.tier_arbitration import title_subject
    from indexer.vntext import folded_syllables

    titles = {"dvc": "Tổng đài hỗ trợ Cổng Dịch vụ công quốc gia", "vneid": "Tổng đài hỗ trợ VNeID và căn cước 1900 0368"}
    subjects = {k: title_subject(t) for k, t in titles.items()}
    said = folded_syllables("tổng đài cổng dịch vụ công số mấy")
    asked = Decision(Kind.CLARIFY, None, 0.99, ("dvc", "vneid"))
    assert asked.subject_named(said, subjects.get, 0.9) == Decision(Kind.ANSWER, "dvc", 0.99)
    assert asked.subject_named(said, subjects.get, 0.995) == asked              # not sure enough: a real choice
    both = folded_syllables("tổng đài cổng dịch vụ công hay tổng đài vneid số mấy")
    assert asked.subject_named(both, subjects.get, 0.9) == asked
    only_shared = folded_syllables("số tổng đài hỗ trợ là gì")                # words both titles have
    assert asked.subject_named(only_shared, subjects.get, 0.9) == asked


def test_an_option_stating_the_opposite_of_the_question_is_dropped():
    """"bà đã có thẻ căn cước gắn chip, muốn làm tài khoản mức 2" had been offered "Chưa có thẻ căn cước gắn chip…"
    first; with it gone the one option left is answered. The same thing must be named: "đã có tài khoản" is no
    opposite of "chưa có thẻ"."""
    from bot.retrieval.decision import Decision, contrary
    from indexer.vntext import folded_syllables

    titles = {"chua-chip": "Chưa có thẻ căn cước gắn chip hoặc thẻ đã hết hạn: làm VNeID mức 2 thế nào?",
              "muc-2": "Đăng ký tài khoản định danh điện tử (VNeID) mức 2", "muc-1": "VNeID mức 1 và mức 2"}
    said = folded_syllables("bà đã có thẻ căn cước gắn chip, muốn làm tài khoản mức 2 thì đi đâu")
    assert contrary(said, folded_syllables(titles["chua-chip"]))
    assert not contrary(folded_syllables("bà đã có tài khoản rồi"), folded_syllables(titles["chua-chip"]))
    assert not contrary(folded_syllables("bà chưa có thẻ căn cước gắn chip"), folded_syllables(titles["chua-chip"]))
    two = Decision(Kind.CLARIFY, None, 0.5, ("chua-chip", "muc-2"))
    assert two.not_contrary(said, titles.get) == Decision(Kind.ANSWER, "muc-2", 0.5)
    three = Decision(Kind.CLARIFY, None, 0.5, ("chua-chip", "muc-2", "muc-1"))
    assert three.not_contrary(said, titles.get) == Decision(Kind.CLARIFY, None, 0.5, ("muc-2", "muc-1"))
    assert two.not_contrary(folded_syllables("làm mức 2 ở đâu"), titles.get) == two
