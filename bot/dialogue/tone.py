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

from bot.core.numbers import is_number
from bot.dialogue.address_reading import (
    COUNTERPART,
    FEMALE,
    RANK,
    WORD,
    YOUNGER,
    AddressRules,
    Heard,
    Source,
    clause_start,
    form_of,
    load_address,
    read_address,
    words_of,
)
from bot.dialogue.session import Session
from bot.reading.intents import IntentBook, clauses
from bot.retrieval.normalize import is_syllable
from indexer.vntext import fold, has_diacritics

_LA = {"la", "bang"}
# "gọi anh thôi", "gọi chú là được", "gọi cô mới đúng", "gọi ông cho phải phép", "xưng hô cô với cháu"
_TOLD_ENDS = (("thoi",), ("duoc", "roi"), ("la", "duoc"), ("cho", "than"), ("moi", "dung"), ("cho", "phai"),
              ("cho", "tien"), ("voi",))
_PARTICLES_AFTER = 3   # "gọi chị chứ", "kêu bà đi con"
# what may follow the form in a correction: "gọi em là chị nhé", "không phải chú, cô mà";
# not "bác sĩ", "anh ấy", nor "không phải, bác hỏi cái khác"
_AFTER_FORM = {"ma", "dau", "nha", "nhe", "nhen", "nghe", "nghen", "ne", "hen", "a", "ha", "nua", "roi", "duoc", "la",
               "thoi", "di", "the",
               "vay", "cho", "than", "voi", "con", "chau", "em", "toi", "minh"}
_SELF_CONFIRMS = {"khong", "phai", "dau", "chua"}   # "không phải / đâu phải / chưa phải": only of our current form
_AGE_FILLERS = {"moi", "chi", "co", "nam", "nay", "da", "duoc", "vua", "tron", "gan", "hon", "con"}
_SHORT_AGE = re.compile(r"(\d{1,2})t")   # "e 17t": teencode for "17 tuổi"
_MINOR_SELVES = {"em", "con", "chau"}   # a minor calls themself below the bot


def _phrase_at(words: list[str], i: int, phrases: frozenset[str]) -> int:
    """The length of the longest phrase (up to 3 words) of `phrases` starting at i; 0 when none does."""
    return next((n for n in (3, 2, 1) if i + n <= len(words) and " ".join(words[i:i + n]) in phrases), 0)


def _told_as(folded: str) -> str:
    return "bạn" if folded == "ban" else (form_of(folded) or "bạn")


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
            if said_la or any(rest[:len(end)] == end for end in _TOLD_ENDS) or _only_particles(rules, words[j], rest):
                return _told_as(words[j])
    return None


def _form_not_another(rules: AddressRules, words: list[str]) -> str | None:
    """"chú chứ không phải anh nghen con", "chị chứ cô gì": the form first, then the one refused."""
    if len(words) < 3 or words[0] not in rules.told_forms or words[1] != "chu":
        return None
    rest = words[2:]
    if rest[:2] in (["khong", "phai"], ["dau", "phai"]) and rest[2:3] and rest[2] in rules.told_forms:
        return _told_as(words[0])
    if rest[0] in rules.told_forms and rest[1:2] == ["gi"]:
        return _told_as(words[0])
    return None


def _only_particles(rules: AddressRules, form: str, rest: tuple[str, ...]) -> bool:
    """After "gọi"/"kêu" and a form, nothing but particles and calls ("gọi chị chứ", "kêu bà đi con", "gọi ông" at
    the end), or the form said again as the writer's own ("kêu chú, chú 55 rồi")."""
    return (len(rest) <= _PARTICLES_AFTER and all(w in _AFTER_FORM | rules.told_forms for w in rest)) or (
        rest[:1] == (form,))


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
        return COUNTERPART.get(refused, "bạn")
    return None


def _age_at(words: list[str], j: int) -> int | None:
    """The age written at `j`: "25 tuổi", or teencode "17t"."""
    if j + 1 < len(words) and is_number(words[j]) and words[j + 1] == "tuoi":
        return int(words[j])
    short = _SHORT_AGE.fullmatch(words[j]) if j < len(words) else None
    return int(short[1]) if short else None


def _said_of_self(rules: AddressRules, words: list[str]) -> tuple[str | None, int | None]:
    """"tôi là nữ mà", "con 25 tuổi thôi", "tui già rồi": ("male"/"female"/"young"/"old", None) or ("age", n)."""
    start = clause_start(words)
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
        age = _age_at(words, j)
        if age is not None:
            return "age", age
        if any(_phrase_at(words, k, rules.young) for k in range(start + 1, len(words))):
            return "young", None
        if any(_phrase_at(words, k, rules.old) for k in range(start + 1, len(words))):
            return "old", None
    elif start < len(words) - 1 and is_number(words[start]) and words[start + 1] == "tuoi":
        return "age", int(words[start])
    return None, None


def correction(book: IntentBook, text: str, current: str, rules: AddressRules | None = None) -> str | None:
    """The form a short message about how we address them asks for (maybe the current one: "noted");
    None when the message is not such a correction."""
    rules = rules or load_address()
    words, _ = words_of(book, text)
    if not words or len(words) > rules.max_words:
        return None
    asked = _asked_form(rules, words) or _form_not_another(rules, words) or _refused_form(rules, words, current)
    if asked:
        return asked
    parts = clauses(text)
    for part in (*parts[1:], parts[0]) if len(parts) > 1 else ():
        # the form asked in a clause of its own, the rest why: "gọi bà đi, bà 80 rồi", "hông phải chú, kêu bác
        # nghen, bác lớn hơn ba con mà", "tui là con trai nha, anh chứ không phải chị"
        said = words_of(book, part)[0]
        asked = _asked_form(rules, said) or _form_not_another(rules, said)
        if asked:
            return asked
    if book.is_question(text):
        return None   # "tôi là nữ thì làm thẻ được không" asks something
    said, age = _said_of_self(rules, words)
    named = read_address(book, text, rules)
    if said == "age" and named is not None and named.source == Source.SELF:
        return None   # "Chú năm nay 60 tuổi, muốn hỏi…": the form named, not a correction by age
    if said == "male":
        return COUNTERPART[current] if current in FEMALE else current
    if said == "female":
        return COUNTERPART[current] if current in COUNTERPART and current not in FEMALE else current
    if _minor(rules, words, said, age):
        return "em"   # "con 15 tuổi thôi": a minor
    if said == "young" or (said == "age" and age is not None and age < rules.young_below):
        return YOUNGER.get(current, current)
    if _elder(rules, said, age):
        return "bác" if current in ("bạn", "anh", "chị", "em") else current
    return current if said == "age" else None


def _by_age(book: IntentBook, text: str, rules: AddressRules) -> Heard | None:
    """"tôi năm nay 80 tuổi, nghe nói được trợ cấp…" asks something, so it corrects nothing, but its writer is an
    elder: called "bác", as one who calls the bot "con" is. One who calls themself "em" or "con" and states an age
    under 18 ("e 17t, năm sau thi đh…") is a minor: called "em", which a stranger of unknown age never is."""
    words = words_of(book, text)[0]
    said, age = _said_of_self(rules, words)
    if _elder(rules, said, age):
        return Heard("bác", Source.CALL)
    if _minor(rules, words, said, age):
        return Heard("em", Source.CALL)
    return None


def _elder(rules: AddressRules, said: str | None, age: int | None) -> bool:
    """What a writer said of themself (`_said_of_self`) makes them an elder: "tui già rồi", "80 tuổi"."""
    return said == "old" or (said == "age" and age is not None and age >= rules.old_from)


def _minor(rules: AddressRules, words: list[str], said: str | None, age: int | None) -> bool:
    """A writer calling themself "em"/"con" states an age under 18 ("e 17t", "con 15 tuổi thôi")."""
    return (said == "age" and age is not None and age < rules.minor_below
            and words[clause_start(words)] in _MINOR_SELVES)


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
    heard = read_address(book, text, rules) or _by_age(book, text, rules)
    if heard is not None and RANK[heard.source.value] > RANK.get(session.you_from, 0):
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
    words = [w.lower() for w in WORD.findall(text) if not w.isdigit()]
    english = [w for w in words if w in book.english]
    distinct = [w for w in english if not is_syllable(fold(w))]   # "how", "register": not Vietnamese syllables
    if len(english) >= 2 and distinct and len(english) / len(words) >= 0.6:
        return "en"
    return None
