"""Intent cues: what a question asks for and entry intent profiles."""
from bot.retrieval.question_intent import IntentCues
from indexer.vntext import fold, syllables


def terms(text: str) -> list[str]:
    return fold(" ".join(syllables(text))).split()


CUES = IntentCues.load()


def test_question_intents_from_cue_phrases():
    assert CUES.of(terms("mức 1 và mức 2 khác nhau thế nào")) == {"compare"}
    assert "define" in CUES.of(terms("chữ ký số là gì"))
    assert "time" in CUES.of(terms("bao lâu thì có kết quả"))
    assert CUES.of(terms("đăng ký vneid mức 2 như thế nào")) == frozenset()


def test_entry_profile_and_match_penalise_an_unasked_specific_intent():
    comparison = CUES.profile(["Tài khoản VNeID mức 1 và mức 2 khác nhau thế nào?", "mức 2 khác gì mức 1",
                               "nên làm mức 2 không"])
    how_to = CUES.profile(["Đăng ký tài khoản định danh điện tử mức 2", "làm mức 2 ở đâu", "cần mang gì"])
    asked = CUES.of(terms("đăng ký mức 2 như thế nào"))
    assert CUES.match(asked, comparison)[1] > CUES.match(asked, how_to)[1] == 0
    assert CUES.match(CUES.of(terms("khác nhau gì")), comparison)[0] > 0

