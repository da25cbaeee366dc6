"""Uncovered subjects: a question naming one is not answered by an entry that never mentions it."""
from bot.retrieval.uncovered import UncoveredSubjects, entry_text_words
from indexer.outside import read_outside
from tests.conftest import REPO

SUBJECTS = UncoveredSubjects.of(read_outside(REPO / "knowledge").subjects)
PASSWORD_ENTRY = entry_text_words(["Quên mật khẩu đăng nhập VNeID", "quen mk vneid", "Mở VNeID, bấm Quên mật khẩu."])
CMND_ENTRY = entry_text_words(["Xác nhận số CMND 9 số cũ", "Hay cần khi ngân hàng, sổ đỏ, hợp đồng còn ghi số cũ."])


def test_a_named_uncovered_subject_blocks_an_entry_silent_on_it():
    assert SUBJECTS.named("mình quên mật khẩu VssID rồi") == ("vssid",)
    assert SUBJECTS.blocks("quen mat khau vssid lay lai sao", PASSWORD_ENTRY)
    assert SUBJECTS.blocks("đóng tiền điện qua app ngân hàng bị lỗi", PASSWORD_ENTRY)


def test_an_entry_that_mentions_the_subject_still_answers():
    assert not SUBJECTS.blocks("VssID với VNeID khác gì", entry_text_words(["thẻ BHYT trên VNeID hoặc VssID"]))


def test_questions_without_an_uncovered_subject_are_never_blocked():
    assert SUBJECTS.named("quên mật khẩu vneid") == ()
    assert not SUBJECTS.blocks("quên mật khẩu vneid", PASSWORD_ENTRY)


def test_words_that_fold_onto_a_subject_are_not_mistaken_for_it():
    """"thuế" (tax) folds onto "thuê" (rent), so the list names tax subjects by longer phrases only."""
    assert SUBJECTS.named("tiền thuê nhà trọ đóng ở đâu") == ()
    assert SUBJECTS.named("nha thue tro") == ()
    assert SUBJECTS.named("quyết toán thuế thu nhập cá nhân") == ("thue thu nhap", "quyet toan thue")


def test_whole_words_only():
    assert SUBJECTS.named("visa thị thực") == ("thi thuc",)
    assert SUBJECTS.named("bước ly hôn") == ("ly hon",)
    assert SUBJECTS.named("lý hồng") == ()


def test_a_subject_whose_first_word_ends_a_term_explained_is_not_named_there():
    """"ký số hồng" is Southern for "ký số không": the "số" belongs to "ký số", so no "sổ hồng" is named."""
    subjects = UncoveredSubjects.of(read_outside(REPO / "knowledge").subjects, ["ký số", "chữ ký số"])
    assert subjects.named("chèn chữ ký tay vô file pdf thì có tính là ký số hồng") == ()
    assert subjects.named("sổ đỏ với sổ hồng khác nhau không") == ("so hong",)
    assert subjects.named("ký số xong làm sổ hồng ở đâu") == ("so hong",)   # named again further on


def test_a_card_named_as_how_a_fee_is_paid_is_no_subject_of_its_own():
    assert SUBJECTS.named("thẻ ngân hàng chưa bật trả tiền qua mạng nên đóng lệ phí không được") == ()
    assert SUBJECTS.named("nộp hồ sơ trên mạng có cần thẻ ngân hàng không") == ()
    assert SUBJECTS.named("thẻ ngân hàng bị khóa thì làm sao") == ("the ngan hang",)
    # "trả bằng thẻ" is paying by it: asked after a fee, it had been referred to the bank
    assert SUBJECTS.named("Trả bằng thẻ tín dụng được không?") == ()
    assert SUBJECTS.named("tra bang the atm dc ko") == ()
