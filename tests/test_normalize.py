import pytest

from bot.diacritics import DiacriticRestorer
from bot.normalize import QueryNormalizer, Synonyms, is_syllable
from indexer.vntext import fold, syllables

KB_TEXT = [
    "Đăng ký tài khoản định danh điện tử mức 2 ở công an xã",
    "Không nhận được mã OTP khi kích hoạt tài khoản",
    "Quên mật khẩu đăng nhập ứng dụng định danh",
    "Thanh toán lệ phí trên Cổng Dịch vụ công",
    "dk dinh danh muc 2 o dau",  # unaccented question variants must not teach the restorer
]


@pytest.fixture
def normalizer() -> QueryNormalizer:
    restorer = DiacriticRestorer.trained_on(KB_TEXT)
    vocab = {fold(s) for t in KB_TEXT for s in syllables(t)}
    synonyms = Synonyms(abbreviations={"ko": "không", "dc": "được", "dk": "đăng ký", "mk": "mật khẩu"},
                        synonyms={"chuyen khoan": "thanh toán"})
    return QueryNormalizer(synonyms, vocab, restorer.folded_bigrams(), restorer)


def test_teencode_expanded_and_restored(normalizer):
    q = normalizer.normalize("ko nhan dc otp")
    assert q.text == "không nhận được otp"
    assert q.terms == ["khong", "nhan", "duoc", "otp"]
    assert q.restored


def test_unaccented_question_gets_diacritics(normalizer):
    q = normalizer.normalize("dang ky dinh danh muc 2 o dau")
    assert q.text.startswith("đăng ký định danh mức 2")
    assert q.restored


def test_accented_question_is_not_rewritten(normalizer):
    q = normalizer.normalize("Tối nay ăn gì ngon")
    assert q.text == "tối nay ăn gì ngon"
    assert not q.restored


def test_typo_corrected_against_vocabulary(normalizer):
    q = normalizer.normalize("quen mat khauu dnag nhap")
    assert "khau" in q.terms and "dang" in q.terms
    assert ("dnag", "dang") in q.corrections


def test_run_together_words_are_split(normalizer):
    q = normalizer.normalize("dangky dinh danh")
    assert q.terms[:2] == ["dang", "ky"]


def test_unknown_real_word_is_not_forced_onto_vocabulary(normalizer):
    q = normalizer.normalize("ngon")
    assert q.terms == ["ngon"]
    assert q.corrections == ()


def test_synonym_is_added_not_replacing(normalizer):
    q = normalizer.normalize("chuyen khoan le phi")
    assert q.terms[:2] == ["chuyen", "khoan"]
    assert "thanh" in q.terms and "toan" in q.terms


def test_long_input_is_capped(normalizer):
    q = normalizer.normalize("otp " * 5000)
    assert len(q.terms) <= 200


@pytest.mark.parametrize("token, ok", [("nghieng", True), ("khuyu", True), ("dang", True), ("dnag", False),
                                       ("thanhh", False), ("vneid", False)])
def test_syllable_shape(token, ok):
    assert is_syllable(token) is ok


def test_synonyms_file_loads_with_folded_keys(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("viet_tat:\n  Đk: đăng ký\ndong_nghia:\n  bằng lái: giấy phép lái xe\n", encoding="utf-8")
    syn = Synonyms.load(path)
    assert syn.abbreviations == {"dk": "đăng ký"}
    assert syn.synonyms == {"bang lai": "giấy phép lái xe"}


def test_fillers_are_dropped_but_never_the_whole_question():
    restorer = DiacriticRestorer.trained_on(KB_TEXT)
    n = QueryNormalizer(Synonyms(fillers=frozenset({"cho em hoi", "a"})), {"otp"}, set(), restorer)
    assert n.normalize("cho em hỏi mã otp ạ").terms == ["ma", "otp"]
    assert n.normalize("ạ").terms == ["a"]
