"""A message that tells of a dossier already filed names its procedure as context, not as the question."""
import pytest

from bot.retrieval.tier_arbitration import filed_already


@pytest.mark.parametrize("text", [
    "nộp hồ sơ đăng ký thường trú 10 ngày rồi mà chưa thấy gì",
    "hồ sơ tạm trú em đã nộp trên vneid",
    "hồ sơ đăng ký thường trú cho mẹ em nộp tuần trước giờ bị yêu cầu bổ sung",
    "hs khai sinh cho be nop hom qua",
    "ho so bi tra ve bat bo sung giay to",
    "đóng lệ phí mà cứ báo giao dịch không thành công",
])
def test_a_dossier_told_as_filed_or_sent_back(text):
    assert filed_already(text)


@pytest.mark.parametrize("text", [
    "đăng ký thường trú cần giấy tờ gì",
    "nộp hồ sơ khai sinh online ở đâu",
    "hồ sơ cần bổ sung những gì thì nộp một lần cho đủ",
])
def test_a_dossier_not_yet_filed(text):
    assert not filed_already(text)
