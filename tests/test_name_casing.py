"""Procedure names the portal wrote in capitals are shown like the others (a list of options mixed both)."""
from bot.retrieval.name_casing import NameCasing

_NORMAL = ["Giải quyết hưởng bảo hiểm xã hội một lần", "Cấp lại sổ BHXH", "Đăng ký BHXH tự nguyện",
           "Cấp thẻ ABTC", "Xuất cảnh sang Lào", "Mời người nước ngoài vào Việt Nam", "Việt Nam và Lào",
           "Đăng ký cho lao động nam", "Sinh ở Việt Nam", "Định cư ở Việt Nam"]


def test_a_name_in_capitals_is_shown_in_sentence_case_keeping_acronyms_and_places():
    casing = NameCasing.of(_NORMAL)
    assert casing.display("HƯỞNG BẢO HIỂM XÃ HỘI MỘT LẦN.") == "Hưởng bảo hiểm xã hội một lần"
    assert casing.display("CẤP LẠI SỔ BHXH CHO NGƯỜI Ở VIỆT NAM") == "Cấp lại sổ BHXH cho người ở Việt Nam"
    assert casing.display("XUẤT CẢNH SANG LÀO") == "Xuất cảnh sang Lào"


def test_a_word_that_is_also_a_place_name_stays_lowercase_alone():
    casing = NameCasing.of(_NORMAL)
    assert casing.display("CHẾ ĐỘ ĐỐI VỚI LAO ĐỘNG NAM") == "Chế độ đối với lao động nam"


def test_a_name_written_normally_is_unchanged():
    casing = NameCasing.of(_NORMAL)
    assert casing.display("Cấp thẻ ABTC") == "Cấp thẻ ABTC"
    assert casing.display("UBND xã") == "UBND xã"
