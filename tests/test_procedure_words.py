"""Words of a question the catalogue tier reads specially: "mất" of time or money, provinces named, sibling cases."""
from __future__ import annotations

import dataclasses

import pytest

from bot.retrieval.places import provinces_named
from bot.retrieval.procedure_words import cost_not_loss
from indexer.catalogue.index import PHRASES, everyday_words, read_phrases
from indexer.catalogue.model import Procedure
from tests.catalogue_helpers import TAKEN


@pytest.mark.parametrize("question, kept", [
    ("Lam ho chieu lan dau mat bao lau thi co?", "Lam ho chieu lan dau bao lau thi co?"),
    ("làm căn cước lần đầu có mất tiền không", "làm căn cước lần đầu có tiền không"),
    ("dang ky tam tru mat phi ko", "dang ky tam tru phi ko"),
    ("cấp lại bằng lái mất 3 ngày à", "cấp lại bằng lái 3 ngày à"),
    ("sổ đỏ mất lệ phí bao nhiêu", "sổ đỏ lệ phí bao nhiêu"),
])
def test_mat_of_time_or_money_is_not_a_loss(question, kept):
    assert cost_not_loss(question) == kept


@pytest.mark.parametrize("question", [
    "tôi bị mất hộ chiếu phải làm sao", "mat cccd lam lai o dau", "bị mất hết giấy tờ xe",
    "mẹ em mất thẻ căn cước rồi", "bà mất giấy khai sinh", "con tôi mất sổ hộ khẩu",   # a person's loss
    "giấy tờ cũ mất rồi thì sao", "giay to ma mat roi thi sao", "nó còn mất luôn rồi",   # "cũ", "mà", "còn"
    "giấy tờ xe mất tuần trước rồi",   # no one died
])
def test_a_real_loss_keeps_its_word(question):
    assert cost_not_loss(question) == question


@pytest.mark.parametrize("question, read", [
    ("ba em mất hồi tháng 8, để lại đất", "ba em qua đời hồi tháng 8, để lại đất"),
    ("mẹ tôi mất rồi, làm khai tử", "mẹ tôi qua đời rồi, làm khai tử"),
    ("Chồng cô mất được gần 3 tháng", "Chồng cô qua đời được gần 3 tháng"),
    ("bố em vừa mất tối qua", "bố em vừa qua đời tối qua"), ("ba tui mat r", "ba tui qua đời r"),
    ("ông nhà tôi mới mất, tiền mai táng nhận ở đâu", "ông nhà tôi mới qua đời, tiền mai táng nhận ở đâu"),
    # when, not a week it takes: "ong nha ba mat tuan truoc" had lost its "mất" and been offered registration fees
    ("ong nha ba mat tuan truoc, gio ba lam giay gi", "ong nha ba qua đời tuan truoc, gio ba lam giay gi"),
    ("bố em mất năm ngoái", "bố em qua đời năm ngoái"),
])
def test_a_persons_mat_that_ends_its_clause_is_a_death(question, read):
    """"ba em mất hồi tháng 8 … sang tên thừa kế làm sao" had been answered with reissuing a lost certificate."""
    assert cost_not_loss(question) == read


@pytest.mark.parametrize("question, provinces", [
    ("Ở Đà Nẵng muốn tách thửa đất ở thì làm ở đâu", {"da-nang"}),
    ("o bac ninh ho tro chi phi hoa tang bao nhieu", {"bac-ninh"}),
    ("Tôi ở Điện Biên đi làm công nhân ở Bắc Ninh", {"dien-bien", "bac-ninh"}),
    ("con sinh ở Bình Dương", {"ho-chi-minh"}),          # an old province is read as the one that merged it
    ("ong toi o hue muon lam the bhyt", {"hue"}),
    ("hue la gi", set()),                                 # a one-word name needs "ở/tại/tỉnh" before it
    ("lam can cuoc o dau", set()),
    ("xin giay phep lao dong cho nguoi nuoc ngoai", set()),
])
def test_provinces_named_anywhere_in_a_question(question, provinces):
    assert provinces_named(question) == provinces


def test_official_phrases_match_names_with_their_marks(tmp_path):
    """Folded, "đổi" would also be found in every "đối với"; the phrase is matched as written."""
    (tmp_path / PHRASES).write_text("Đổi: [đổi thẻ]\ncăn cước: [cccd]\n", encoding="utf-8")
    phrases = read_phrases(tmp_path)
    p = Procedure(code="1.1", name="Cấp thẻ Căn cước đối với người dưới 14 tuổi", sources=(TAKEN,))
    assert everyday_words(p, phrases) == ["cccd"]
    assert everyday_words(dataclasses.replace(p, name="Cấp đổi thẻ căn cước"), phrases) == ["đổi thẻ", "cccd"]
