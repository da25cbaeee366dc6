"""Reading bot/reading/intents.yaml, the staff-editable phrasings of social and meta turns, into an `IntentBook`.

The file's words go through the book's own reading (teencode expanded, folded), so a cue matches what a citizen's
message becomes. Read once per process.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

from bot.reading.flows import message_key
from bot.reading.intents import Intent, IntentBook, Rule, symbol_key
from bot.reading.others_data import OthersData
from bot.reading.someone_asked import SomeoneAsked
from indexer.vntext import fold

INTENTS_FILE = Path(__file__).with_name("intents.yaml")


def read_intents(path: Path = INTENTS_FILE) -> IntentBook:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    key = lambda s: " ".join(message_key(str(s)).split())  # noqa: E731
    abbr = {key(k): key(v) for k, v in data["viet_tat"].items()}
    fillers = frozenset(key(f) for f in data["bo_qua"])
    book = IntentBook(abbr, fillers, frozenset(), {}, frozenset())   # reads the file's own words
    with_fillers = tuple(dict.fromkeys(
        cue for spec in data["intents"].values() for c in spec["dau_hieu"]
        if len(cue := tuple(book.words(str(c), drop_fillers=False))) > 1 and fillers & set(cue)))
    book.cues_with_fillers = with_fillers   # the examples are read as messages will be

    def phrases(values: list) -> frozenset[str]:
        return frozenset(" ".join(book.words(str(w), drop_fillers=False)) for w in values)

    rules = {}
    for name, spec in data["intents"].items():
        # longest first, then in the file's order: covers do not overlap, so the order decides which cue takes the
        # words (a set's order changed with the hash seed, and with it an answer now and then)
        cues = dict.fromkeys(tuple(book.words(c, drop_fillers=False)) for c in spec["dau_hieu"])
        rules[Intent(name)] = Rule(frozenset(" ".join(book.words(e)) for e in spec["cau_mau"]),
                                   tuple(sorted(cues, key=len, reverse=True)), int(spec["con_lai_toi_da"]))
    loaded = IntentBook(abbr, fillers, phrases(data["trung_tinh"]), rules,
                        frozenset(key(w) for w in data["tieng_anh"]), frozenset(key(w) for w in data["bo_khi_tim"]))
    loaded.cues_with_fillers = with_fillers
    loaded.question_words = phrases(data["tu_hoi"])
    person = data["hoi_nguoi_that"]
    loaded.person_asked = tuple(unicodedata.normalize("NFC", str(p).lower()) for p in person["cuoi_cau"])
    loaded.requests = phrases(person["xin_gap"])
    others = data["du_lieu_nguoi_khac"]
    loaded.others_data = OthersData(*(phrases(others[name]) for name in (
        "xem", "du_lieu", "tu_xung", "danh_xung", "ho", "khong_phai_ten", "nguoi_khac", "vai_tro", "dua_cho")))
    loaded.someone_asked = SomeoneAsked(
        frozenset(str(t).lower() for t in others["goi_nguoi"]),
        frozenset(fold(str(w)) for w in (*others["ho"], *others["ho_them"])),
        frozenset(fold(str(w)) for w in others["ten_dem"]), tuple(str(r).lower() for r in others["quan_he"]))
    loaded.symbols = {symbol_key(str(sign)): Intent(name)
                      for name, signs in data["bieu_tuong"].items() for sign in signs}
    return loaded


@lru_cache(maxsize=2)
def load_intents(path: Path = INTENTS_FILE) -> IntentBook:
    return read_intents(path)
