"""How to speak to this citizen: the form of address they use for themself, and their language.

An elderly man who writes "cho bác hỏi" — or who calls the bot "con" — is
answered as "bác", not "bạn"; the first clear reading is kept for the whole
conversation and changes only when the citizen says so ("đừng gọi tui là bác",
"tôi là nữ mà"). A question in English or Chinese gets a short reply in that
language saying the assistant answers in Vietnamese and how to reach a person.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

import yaml

from bot.intents import IntentBook
from bot.normalize import is_syllable
from bot.session import Session
from indexer.vntext import fold, has_diacritics

ADDRESS_FILE = Path(__file__).with_name("address.yaml")
# what a citizen may call themself; "em" is read but leaves "bạn" (the bot cannot call a stranger "em",
# nor tell "anh" from "chị"). "ông"/"bà" are forms because someone who writes "cho ông hỏi" expects "ông" back
# ("bác" sounds a step down to him); read only after "cho": alone they are usually a grandparent ("ông nội…")
FORMS = ("bác", "cô", "chú", "anh", "chị", "ông", "bà", "em")
_KEEPS_DEFAULT = {"em"}
_AFTER_CHO_ONLY = {"ông", "bà"}
# folded forms that are also common words without diacritics (cô/có, chị/chỉ, bà/ba):
# trusted unaccented only after "cho"
_AMBIGUOUS = {"co", "chi", "ba"}
_AFTER_CHO = {"hoi", "xin", "gap", "biet", "nho", "duoc", "noi", "dang", "lam", "chut"}
_VERBS = {"muon", "can", "hoi", "xin", "khong", "chua", "da", "dang", "bi", "vua", "moi", "lam", "nho", "quen",
          "thay", "dinh", "co", "cung", "di", "o", "that", "van", "doc", "tim", "gui", "nop"}
_OPENERS = {"da", "vang", "thua", "alo", "a", "xin", "chao"}   # before the clause: "dạ", "alo", "xin chào"
_TRAILING = {"a", "ah", "ha", "nhe", "nha", "nhen", "ne"}        # after a final call: "… vậy con à"
_COUNTERPART = {"cô": "chú", "chú": "cô", "chị": "anh", "anh": "chị", "bà": "ông", "ông": "bà"}
_FEMALE = {"cô", "chị", "bà"}
_YOUNGER = {"bác": "bạn", "ông": "anh", "bà": "chị", "chú": "anh", "cô": "chị"}
_WORD = re.compile(r"\w+", re.UNICODE)
_FIRST_CALLED = re.compile(r"^\W*(\w+)\s*,")   # "Con, bác hỏi chút"


class Source(str, Enum):
    """Where the session's form came from; a reading replaces the form only when it ranks higher."""
    NONE = ""
    CALL = "call"    # inferred from how they call the bot ("… vậy con" → bác)
    SELF = "self"    # they named themself ("cho chú hỏi")
    TOLD = "told"    # they corrected us ("gọi em là chị"): only another correction changes it


_RANK = {Source.NONE.value: 0, Source.CALL.value: 1, Source.SELF.value: 2, Source.TOLD.value: 3}


@dataclass(frozen=True)
class Heard:
    form: str
    source: Source


def _phrases(values: list) -> frozenset[str]:
    return frozenset(" ".join(fold(str(v)).split()) for v in values)


@dataclass(frozen=True)
class AddressRules:
    """The word lists of address.yaml, folded."""
    elder_calls: frozenset[str]
    elder_calls_with_toi: frozenset[str]
    before_final_call: frozenset[str]
    max_words: int
    dont: frozenset[str]
    call_as: frozenset[str]
    told_forms: frozenset[str]
    selves: frozenset[str]
    male: frozenset[str]
    female: frozenset[str]
    young: frozenset[str]
    old: frozenset[str]
    young_below: int
    old_from: int

    @classmethod
    def load(cls, path: Path = ADDRESS_FILE) -> "AddressRules":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        fix = data["sua_xung_ho"]
        return cls(_phrases(data["goi_tro_ly_lon_tuoi"]), _phrases(data["goi_tro_ly_lon_tuoi_neu_xung_toi"]),
                   _phrases(data["truoc_tieng_goi_cuoi_cau"]), int(fix["toi_da_so_tu"]), _phrases(fix["dung_goi"]),
                   _phrases(fix["goi_la"]), _phrases(fix["cach_goi"]), _phrases(fix["tu_xung"]), _phrases(fix["nam"]),
                   _phrases(fix["nu"]), _phrases(fix["con_tre"]), _phrases(fix["lon_tuoi"]), int(fix["tre_duoi"]),
                   int(fix["lon_tuoi_tu"]))


@lru_cache(maxsize=2)
def load_address(path: Path = ADDRESS_FILE) -> AddressRules:
    return AddressRules.load(path)


def _words(book: IntentBook, text: str) -> tuple[list[str], list[str]]:
    """Folded words with teencode expanded, and the words as typed (the folded ones when expansion moved them)."""
    typed = [w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", text))]
    words = book.words(" ".join(typed), drop_fillers=False)
    return words, typed if len(words) == len(typed) else words


def _form_of(folded: str) -> str | None:
    return next((f for f in FORMS if fold(f) == folded), None)


def _clause_start(words: list[str]) -> int:
    """Where the message proper begins, after "dạ", "alo", "xin chào" and a call ("em ơi", "con ơi")."""
    i = 0
    while i < len(words):
        if words[i] in _OPENERS:
            i += 1
        elif i + 1 < len(words) and words[i + 1] == "oi":
            i += 2
        else:
            break
    return i


def _self_form(words: list[str], typed: list[str]) -> str | None:
    """The form the citizen uses for themself ("cho bác hỏi", "chú muốn hỏi"), or None."""
    start = _clause_start(words)
    for i, (w, raw) in enumerate(zip(words, typed)):
        form = _form_of(w)
        if form is None or (has_diacritics(raw) and raw != form):
            continue  # "chỉ", "có", "ảnh" typed with their own marks are not forms of address
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if nxt == "oi":
            continue  # "anh ơi": the citizen is calling the bot, not naming themself
        after_cho = i > 0 and words[i - 1] == "cho" and nxt in _AFTER_CHO
        at_start = i == start and nxt in _VERBS and (w not in _AMBIGUOUS or has_diacritics(raw))
        if form in _AFTER_CHO_ONLY:
            at_start = False
            after_cho = after_cho and (form != "bà" or raw == "bà")   # "cho ba hỏi" may be a father
        if after_cho or at_start:
            return form
    return None


def _bot_call(rules: AddressRules, words: list[str], text: str) -> str | None:
    """How the citizen calls the bot: "con ơi", "… là gì vậy con", "Cháu, …"; None when they do not."""
    calls = rules.elder_calls | rules.elder_calls_with_toi
    for w, nxt in zip(words, words[1:]):
        if nxt == "oi" and w in calls:
            return w
    tail = words[:-1] if len(words) > 2 and words[-1] in _TRAILING else words
    if len(tail) >= 2 and tail[-1] in calls and tail[-2] in rules.before_final_call:
        return tail[-1]   # not after "cho", "của", "giúp": "làm căn cước cho con" speaks of a child
    first = _FIRST_CALLED.match(unicodedata.normalize("NFC", text).lower())
    if first and fold(first.group(1)) in calls:
        return fold(first.group(1))
    return None


def read_address(book: IntentBook, text: str, rules: AddressRules | None = None) -> Heard | None:
    """What one message says about how to address its writer; None when it does not say."""
    rules = rules or load_address()
    words, typed = _words(book, text)
    form = _self_form(words, typed)
    if form is not None:
        return None if form in _KEEPS_DEFAULT else Heard(form, Source.SELF)
    call = _bot_call(rules, words, text)
    if call in rules.elder_calls:
        return Heard("bác", Source.CALL)
    if call in rules.elder_calls_with_toi and ({"tui", "tôi", "toi"} & set(typed)):
        return Heard("bác", Source.CALL)
    return None


def address_form(book: IntentBook, text: str) -> str | None:
    """The form one message alone asks for, or None (see `hear` for the conversation's rule)."""
    heard = read_address(book, text)
    return heard.form if heard else None


_LA = {"la", "bang"}
_TOLD_ENDS = (("thoi",), ("duoc", "roi"), ("la", "duoc"), ("cho", "than"))   # "gọi anh thôi", "gọi chú là được"
# what may follow the form in a correction: "gọi em là chị nhé", "không phải chú, cô mà";
# not "bác sĩ", "anh ấy", nor "không phải, bác hỏi cái khác"
_AFTER_FORM = {"ma", "dau", "nha", "nhe", "nhen", "nghe", "a", "ha", "nua", "roi", "duoc", "la", "thoi", "di", "the",
               "vay", "cho", "than", "voi", "con", "chau", "em", "toi", "minh"}
_SELF_CONFIRMS = {"khong", "phai", "dau", "chua"}   # "không phải / đâu phải / chưa phải": only of our current form
_AGE_FILLERS = {"moi", "chi", "co", "nam", "nay", "da", "duoc", "vua", "tron", "gan", "hon", "con"}


def _phrase_at(words: list[str], i: int, phrases: frozenset[str]) -> int:
    """The length of the longest phrase (up to 3 words) of `phrases` starting at i; 0 when none does."""
    return next((n for n in (3, 2, 1) if i + n <= len(words) and " ".join(words[i:i + n]) in phrases), 0)


def _told_as(folded: str) -> str:
    return "bạn" if folded == "ban" else (_form_of(folded) or "bạn")


def _after_self(rules: AddressRules, words: list[str], j: int) -> tuple[int, bool]:
    """Skip "tui là", "em là", "là" after "gọi"/"đừng gọi": where the form should be, and whether "là" was said."""
    if j + 1 < len(words) and words[j] in rules.selves and words[j + 1] in _LA and words[j + 1:j + 3] != ["la", "duoc"]:
        return j + 2, True   # "gọi tui là bác"; but "gọi bác là được" asks for "bác"
    if j < len(words) and words[j] in _LA:
        return j + 1, True
    return j, False


def _form_ends(rules: AddressRules, words: list[str], j: int) -> bool:
    """The form at j is a form, not the start of a longer name ("bác sĩ", "anh ấy")."""
    return j + 1 >= len(words) or words[j + 1] in _AFTER_FORM | rules.told_forms | rules.selves


def _only_form_after(rules: AddressRules, words: list[str], j: int) -> bool:
    """After the form at j, only particles and other forms up to the next call to us ("gọi …"): "không phải
    bác" is about how we address them, "không phải, bác hỏi cái khác" is not."""
    for w in words[j + 1:]:
        if _phrase_at([w], 0, rules.call_as):
            return True
        if w not in _AFTER_FORM and w not in rules.told_forms:
            return False
    return True


def _asked_form(rules: AddressRules, words: list[str]) -> str | None:
    """"gọi em là chị", "cứ gọi anh thôi", "xưng chú là được": the form asked for."""
    dont = {k + m for k in range(len(words)) for m in range(1, _phrase_at(words, k, rules.dont) + 1)}
    for i in range(len(words)):
        n = _phrase_at(words, i, rules.call_as)
        if not n or i in dont:
            continue
        j, said_la = _after_self(rules, words, i + n)
        if j < len(words) and words[j] in rules.told_forms and _form_ends(rules, words, j):
            rest = tuple(words[j + 1:])
            if said_la or any(rest[:len(end)] == end for end in _TOLD_ENDS):
                return _told_as(words[j])
    return None


def _refused_form(rules: AddressRules, words: list[str], current: str) -> str | None:
    """"đừng gọi tui là bác", "không phải chú": what to say instead (the other gender, or "bạn" for "bác")."""
    for i in range(len(words)):
        n = _phrase_at(words, i, rules.dont)
        if not n:
            continue
        j, _ = _after_self(rules, words, i + n)
        if j >= len(words) or words[j] not in rules.told_forms or not _form_ends(rules, words, j):
            continue
        refused = _told_as(words[j])
        if words[i] in _SELF_CONFIRMS and (refused != current or not _only_form_after(rules, words, j)):
            continue   # "không phải chỉ là…", "không phải, bác hỏi cái khác" are not about us; "đừng gọi" is
        return _COUNTERPART.get(refused, "bạn")
    return None


def _said_of_self(rules: AddressRules, words: list[str]) -> tuple[str | None, int | None]:
    """"tôi là nữ mà", "con 25 tuổi thôi", "tui già rồi": ("male"/"female"/"young"/"old", None) or ("age", n)."""
    start = _clause_start(words)
    for i in range(len(words) - 2):
        if words[i] in rules.selves and words[i + 1] == "la":
            if _phrase_at(words, i + 2, rules.male):
                return "male", None
            if _phrase_at(words, i + 2, rules.female):
                return "female", None
    if start < len(words) and words[start] in rules.selves:   # "tui …", "con …": not "con tôi 5 tuổi"
        j = start + 1
        while j < len(words) and words[j] in _AGE_FILLERS:
            j += 1
        if j + 1 < len(words) and words[j].isdigit() and words[j + 1] == "tuoi":
            return "age", int(words[j])
        if any(_phrase_at(words, k, rules.young) for k in range(start + 1, len(words))):
            return "young", None
        if any(_phrase_at(words, k, rules.old) for k in range(start + 1, len(words))):
            return "old", None
    elif start < len(words) - 1 and words[start].isdigit() and words[start + 1] == "tuoi":
        return "age", int(words[start])
    return None, None


def correction(book: IntentBook, text: str, current: str, rules: AddressRules | None = None) -> str | None:
    """The form a short message about how we address them asks for (maybe the current one: "noted");
    None when the message is not such a correction."""
    rules = rules or load_address()
    words, _ = _words(book, text)
    if not words or len(words) > rules.max_words:
        return None
    asked = _asked_form(rules, words) or _refused_form(rules, words, current)
    if asked:
        return asked
    if book.is_question(text):
        return None   # "tôi là nữ thì làm thẻ được không" asks something
    said, age = _said_of_self(rules, words)
    if said == "male":
        return _COUNTERPART[current] if current in _FEMALE else current
    if said == "female":
        return _COUNTERPART[current] if current in _COUNTERPART and current not in _FEMALE else current
    if said == "young" or (said == "age" and age is not None and age < rules.young_below):
        return _YOUNGER.get(current, current)
    if said == "old" or (said == "age" and age is not None and age >= rules.old_from):
        return "bác" if current in ("bạn", "anh", "chị", "em") else current
    return current if said == "age" else None


def hear(book: IntentBook, session: Session, text: str, rules: AddressRules | None = None) -> str | None:
    """Read one typed message into the session's form of address: a correction always applies; otherwise the
    first clear reading sticks, and only one that ranks higher replaces it (their own "cho chú hỏi" over our
    guess from "… vậy con"), so "cho chị hỏi giùm bác ấy" later does not flip "bác" back and forth.
    The wording key acknowledging a correction, or None."""
    rules = rules or load_address()
    told = correction(book, text, session.you, rules)
    if told is not None:
        changed = told != session.you
        session.you, session.you_from = told, Source.TOLD.value
        return "address_changed" if changed else "address_noted"
    heard = read_address(book, text, rules)
    if heard is not None and _RANK[heard.source.value] > _RANK.get(session.you_from, 0):
        session.you, session.you_from = heard.form, heard.source.value
    return None


def language(book: IntentBook, text: str) -> str | None:
    """"en", "zh" or "other" for a message not in Vietnamese; None for Vietnamese (or too little to tell)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    if sum(1 for c in letters if "CJK" in unicodedata.name(c, "")) / len(letters) > 0.5:
        return "zh"
    if sum(1 for c in letters if not unicodedata.name(c, "").startswith("LATIN")) / len(letters) > 0.5:
        return "other"
    if has_diacritics(text):
        return None
    words = [w.lower() for w in _WORD.findall(text) if not w.isdigit()]
    english = [w for w in words if w in book.english]
    distinct = [w for w in english if not is_syllable(fold(w))]   # "how", "register": not Vietnamese syllables
    if len(english) >= 2 and distinct and len(english) / len(words) >= 0.6:
        return "en"
    return None
