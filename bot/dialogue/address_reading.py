"""Reading the form of address a citizen uses for themself, or calls the bot by ("cho bác hỏi", "… vậy con"), from
the word lists of address.yaml. What is kept in the session, and corrections, are in bot.dialogue.tone."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

import yaml

from bot.reading.intents import IntentBook
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
          "thay", "dinh", "co", "cung", "di", "o", "that", "van", "doc", "tim", "gui", "nop", "ban", "mua", "mo",
          "cam", "chay", "mat", "tinh", "chuan", "sap"}   # "cam": "chị cảm ơn em", thanks said by who she is; "a mất
# ví"; "a tính mở quán", "a chuẩn bị đi xkld", "chị sắp sinh"
_ONLY_BEFORE = {"can", "co", "moi", "lam", "duoc", "la", "nop"}   # "chỉ cần", "chỉ có"…
_VERB_MARKED = {"ban": "bán", "mo": "mở"}   # folded verbs that are also other words ("bạn", "bàn", "mờ")
# before the clause: "dạ", "alo", "xin chào", "ừ"
_BOT_NAMES = {"chau", "con", "ad", "admin", "bot"}   # what the bot is called, not a form a citizen is addressed by
_OPENERS = {"da", "vang", "thua", "alo", "a", "xin", "chao", "u", "uh", "ok"}
_TRAILING = {"a", "ah", "ha", "nhe", "nha", "nhen", "ne"}        # after a final call: "… vậy con à"
_AFTER_THANKS = {"nhieu", "nghe"}   # "cảm ơn cháu nhiều nghe"
COUNTERPART = {"cô": "chú", "chú": "cô", "chị": "anh", "anh": "chị", "bà": "ông", "ông": "bà"}
FEMALE = {"cô", "chị", "bà"}
YOUNGER = {"bác": "bạn", "ông": "anh", "bà": "chị", "chú": "anh", "cô": "chị"}
WORD = re.compile(r"\w+", re.UNICODE)
_FIRST_CALLED = re.compile(r"^\W*(\w+)\s*,")   # "Con, bác hỏi chút"
# "chào con", and an elder's "bà chào cháu", "ông chào con": the form before the greeting is the writer's own
_GREETED = re.compile(r"^\W*(?:(?:bà|ông|bác|cô|chú)\s+(?=chào))?(?:xin\s+)?(\w+)\s+(\w+)(?:\s+(\w+))?")
_BEFORE_OTHERS = frozenset("thay cho cua voi giup dum gium ho va nop lam dua dan".split())   # "nộp thay bà"
_OLD_SELF_NEXT = frozenset({"nam", "cam", "chao", "gia", "ve", "o", "bi", "muon", "hoi"})   # "bà năm nay…", "bà cảm ơn"
_HELPING = frozenset("giup gium dum chi xem coi".split())   # "xem giùm cho bà": for the writer
_TUI = frozenset({"tui", "tôi", "toi"})   # typed: the writer's own "I"
_SPOUSE = frozenset({"nha", "xa"})   # "ông nhà", "bà xã": a husband, a wife
_ELDER_SELF = {"ong": "ông", "ba": "bà", "co": "cô", "chu": "chú"}   # how an elder who says "con", "cháu" is named
# teencode for the writer, typed so ("ạ" is no "anh"), read only right after "em ơi" and before a verb
_SHORT_SELF = {"c": "chị", "a": "anh"}
# forms a writer may call themself as a relative's owner, the relatives (folded), and words after a form that make it
# someone else ("con trai chị ấy")
_OWNERS = {"chị", "anh", "cô", "chú", "bác"}
_KIN = frozenset("trai gai chong vo me bo nha con".split())   # "thằng con chị năm nay thi lớp 10"
_SOMEONE_ELSE = frozenset("ay kia do nay ta".split())
_KIN_AFTER = frozenset("trai gai ho re dau chong vo ca ruot nuoi".split())   # "anh trai", "chị dâu": a relative
# the words before a message's last "em" that make it a call ("được không em", "ở đâu em", "nha em")
_BEFORE_END_CALL = frozenset("khong ko dau nha nhe nhen vay the sao chua di ha nao a roi duoc".split())
_POSSESSORS = frozenset({"toi", "tui", "minh", "em", "anh", "chi"})   # "chào con tôi": the writer's child
# a form before a capitalised name is someone the writer speaks of ("ông Bảy ko ngồi dậy được, … làm cho ông")
_NAMED = re.compile(r"\b(\w+)\s+[A-ZĐ][a-zà-ỹđ]*\b")
# after "chị là", "anh là" at the start, the writer says who they are; not when asking who the bot is
_WHO_ASKED = frozenset("ai gi nguoi may bot robot".split())
_CO_SELF = frozenset({"la", "muon"})


class Source(str, Enum):
    """Where the session's form came from; a reading replaces the form only when it ranks higher."""
    NONE = ""
    CALL = "call"    # inferred from how they call the bot ("… vậy con" → bác)
    SELF = "self"    # they named themself ("cho chú hỏi")
    TOLD = "told"    # they corrected us ("gọi em là chị"): only another correction changes it


RANK = {Source.NONE.value: 0, Source.CALL.value: 1, Source.SELF.value: 2, Source.TOLD.value: 3}


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
    greetings: frozenset[str]
    asking_help: frozenset[str]
    helped: frozenset[str]
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
    minor_below: int

    @classmethod
    def load(cls, path: Path = ADDRESS_FILE) -> "AddressRules":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        fix = data["sua_xung_ho"]
        return cls(_phrases(data["goi_tro_ly_lon_tuoi"]), _phrases(data["goi_tro_ly_lon_tuoi_neu_xung_toi"]),
                   _phrases(data["truoc_tieng_goi_cuoi_cau"]), _phrases(data["chao_truoc_tieng_goi"]),
                   _phrases(data["nho_giup"]), _phrases(data["tu_xung_sau_loi_nho"]), int(fix["toi_da_so_tu"]),
                   _phrases(fix["dung_goi"]),
                   _phrases(fix["goi_la"]), _phrases(fix["cach_goi"]), _phrases(fix["tu_xung"]), _phrases(fix["nam"]),
                   _phrases(fix["nu"]), _phrases(fix["con_tre"]), _phrases(fix["lon_tuoi"]), int(fix["tre_duoi"]),
                   int(fix["lon_tuoi_tu"]), int(fix["vi_thanh_nien_duoi"]))


@lru_cache(maxsize=2)
def load_address(path: Path = ADDRESS_FILE) -> AddressRules:
    return AddressRules.load(path)


def words_of(book: IntentBook, text: str) -> tuple[list[str], list[str]]:
    """Folded words with teencode expanded, and the words as typed (the folded ones when expansion moved them)."""
    typed = [w.lower() for w in WORD.findall(unicodedata.normalize("NFC", text))]
    words = book.words(" ".join(typed), drop_fillers=False)
    return words, typed if len(words) == len(typed) else words


def form_of(folded: str) -> str | None:
    return next((f for f in FORMS if fold(f) == folded), None)


def clause_start(words: list[str]) -> int:
    """Where the message proper begins, after "dạ", "alo", "xin chào" and a call ("em ơi", "con ơi", "chào em,"
    before the writer names themself: "Chào em, chị bán tạp hóa…")."""
    i = 0
    while i < len(words):
        if words[i] in _OPENERS:
            i += 1
        elif i + 1 < len(words) and (words[i + 1] == "oi" or (words[i] in _BOT_NAMES and words[i + 1] == "a")):
            i += 2
        elif (i > 0 and words[i - 1] == "chao" and i + 1 < len(words) and (form_of(words[i]) or words[i] in _BOT_NAMES)
              and form_of(words[i + 1])):   # "Chào cháu, cô là giáo viên…"
            i += 1
        else:
            break
    return i


def _verb_at(words: list[str], typed: list[str], i: int) -> bool:
    """A verb follows the form ("chị bán tạp hóa"); a folded verb that is also another word counts only as typed
    without marks or with the verb's own ("anh bạn tôi…" speaks of a friend)."""
    if i >= len(words) or words[i] not in _VERBS:
        return False
    raw = typed[i]
    return words[i] not in _VERB_MARKED or not has_diacritics(raw) or raw == _VERB_MARKED[words[i]]


def _after_em_call(words: list[str], i: int) -> bool:
    """An unmarked "chi" right after calling the bot "em ơi", before a verb "chỉ" seldom takes: "em oi chi ban ca o
    cho…" is "chị bán cá", while "em oi chi can cccd thoi ha" is "chỉ cần"; "co" only before "là", "muốn" ("em oi
    co la giao vien ve huu": "có" seldom goes there)."""
    if i < 2 or words[i - 2:i] != ["em", "oi"] or i + 1 >= len(words):
        return False
    return (words[i] == "chi" and words[i + 1] not in _ONLY_BEFORE) or (words[i] == "co" and words[i + 1] in _CO_SELF)


def _says_who(words: list[str], i: int) -> bool:
    """After the form at `i`, the writer says who they are or greets: "chị là điều dưỡng", "anh người Quảng Trị",
    "chị tên Lan", "cô năm nay 55 tuổi", "mệ năm ni 84 tuổi", "cô 52 tuổi", "Bác chào cháu"; not "anh là ai"."""
    nxt = words[i + 1:i + 3]
    return ((nxt[:1] == ["la"] and nxt[1:] != [] and nxt[1] not in _WHO_ASKED) or nxt[:1] in (["nguoi"], ["ten"])
            or nxt in (["nam", "nay"], ["nam", "ni"]) or nxt[:1] == ["chao"]
            or (len(nxt) == 2 and nxt[0].isdigit() and nxt[1] == "tuoi"))   # "cô 52 tuổi, cô muốn hỏi…"


def _without_trailing(words: list[str]) -> list[str]:
    """The words up to a final call: "… vậy con à", "cảm ơn cháu nhiều nghe" end with the call."""
    end = len(words)
    while end > 2 and len(words) - end < 2 and words[end - 1] in _TRAILING | _AFTER_THANKS:
        end -= 1
    return words[:end]


def named_forms(text: str) -> frozenset[str]:
    """Forms (folded) written before a capitalised name: people the writer speaks of ("ông Bảy", "cô Năm")."""
    return frozenset(fold(m[1]) for m in _NAMED.finditer(unicodedata.normalize("NFC", text)) if form_of(fold(m[1])))


def _calls_em(rules: AddressRules, words: list[str]) -> bool:
    """The writer calls the bot "em": "em ơi …", or at the end ("… dc ko e")."""
    tail = _without_trailing(words)
    return any(words[i:i + 2] == ["em", "oi"] for i in range(len(words) - 1)) or (
        len(tail) >= 2 and tail[-1] == "em" and tail[-2] in rules.before_final_call)


def _self_form(rules: AddressRules, words: list[str], typed: list[str], others: frozenset[str]) -> str | None:
    """The form the citizen uses for themself ("cho bác hỏi", "chú muốn hỏi", "nhà bác bị…", "chị là điều
    dưỡng"), or None. `others`: forms the message gives to people it names, never the writer's."""
    start = clause_start(words)
    calls_em = None
    for i, (w, raw) in enumerate(zip(words, typed)):
        if raw in _SHORT_SELF and (words[i + 1:i + 2] == ["hoi"] and i > 0 and words[i - 1] == "cho"
                                   or words[i + 1:i + 3] == ["muon", "hoi"]):
            return _SHORT_SELF[raw]   # "cho a hỏi", "c muốn hỏi": asking, the writer
        if raw in _SHORT_SELF and _verb_at(words, typed, i + 1):
            # "e ơi c hỏi tí", "… a chay xe om …, dc ko e": "c" is "chị", "a" "anh", to a bot called "em"
            calls_em = _calls_em(rules, words) if calls_em is None else calls_em
            if calls_em:
                return _SHORT_SELF[raw]
        form = form_of(w)
        if form is None or (has_diacritics(raw) and raw != form) or w in others:
            continue  # "chỉ", "có", "ảnh" typed with their own marks are not forms of address
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if nxt == "oi":
            continue  # "anh ơi": the citizen is calling the bot, not naming themself
        # "cho bà nói", not "cho bà nội" (a grandmother): unmarked "noi" is more often the one
        after_cho = i > 0 and words[i - 1] == "cho" and nxt in _AFTER_CHO and (nxt != "noi" or typed[i + 1] == "nói")
        # "nhà bác bị bão…": the writer's own house
        says_who = _says_who(words, i)
        # "em ơi, chị với ảnh chưa đăng ký kết hôn…": the writer and a partner, typed with marks, to a bot called "em"
        says_who = says_who or (nxt == "voi" and raw == form and _calls_em(rules, words))
        at_start = ((i == start or (i == start + 1 and words[start] == "nha"))
                    and (_verb_at(words, typed, i + 1) or says_who)
                    and (w not in _AMBIGUOUS or has_diacritics(raw) or _after_em_call(words, i)))
        if form in _AFTER_CHO_ONLY:   # "bà hỏi chút", "Ông chào cháu" as typed; "bà nội…" is a grandmother
            # … and "bà muốn hỏi …", "Bà nhờ cháu chỉ …": asking, or asking the bot's help, is the writer
            asking = nxt == "hoi" or words[i + 1:i + 3] == ["muon", "hoi"] or (
                nxt == "nho" and words[i + 2:i + 3] in (["chau"], ["con"]))
            # unmarked "ong hỏi" asks too: a bee never does ("ba hoi" may be a father)
            at_start = at_start and (raw == form or (w == "ong" and nxt == "hoi")) and (asking or says_who)
            after_cho = after_cho and (form != "bà" or raw == "bà")   # "cho ba hỏi" may be a father
        if after_cho or at_start:
            return form
    return None


def _owner_form(words: list[str], typed: list[str]) -> str | None:
    """The writer named as the owner of a relative, to a bot called "em": "Chào em, con trai chị 16 tuổi…",
    "em ơi chồng cô mất rồi". Typed with its marks ("con trai chi" may be "chỉ"), and not "chị ấy" (someone else)."""
    called_em = any(words[i:i + 2] in (["chao", "em"], ["em", "oi"]) for i in range(len(words) - 1)) or (
        len(words) > 2 and words[-1] == "em" and words[-2] in _BEFORE_END_CALL)   # "… đổi online được ko em"
    if not called_em:
        return None
    for i in range(1, len(words)):
        form = form_of(words[i])
        after = words[i + 1] if i + 1 < len(words) else ""
        if form in _OWNERS and after not in _SOMEONE_ELSE and (
                (typed[i] == form and words[i - 1] in _KIN)
                # "bằng lái B2 của anh …", "chữ ký số của chị …": no one else's thing ("của anh trai" is kin)
                or (words[i - 1] == "cua" and typed[i - 1] in ("của", "cua") and after not in _KIN_AFTER)):
            return form
    return None


def _grandparent(words: list[str], typed: list[str]) -> str | None:
    """"ông"/"bà" a writer who calls the bot "con" names themself by ("con oi, ba nam nay 77 tuoi roi…", "thoi ba
    cam on con nghe"): before a verb, an age or a word of leave; unmarked "ba" is "bà" from one who says "con".
    "cô"/"chú" too, typed with their marks ("Cô chào cháu. Chồng cô mất…"): unmarked, they are "có", "chủ"."""
    # "ông nhà", "bà xã": the writer's spouse, never the writer; who says it owns them ("ông nhà bà mất…" is "bà")
    spouses = {words[i] for i in range(len(words) - 1) if words[i] in ("ong", "ba") and words[i + 1] in _SPOUSE}
    # a form the message also does something for ("khai tạm vắng cho ông", not "cho ông hỏi") is someone else's
    others = {words[k] for k in range(1, len(words)) if typed[k - 1] in ("cho", "thay")   # as typed: not "chợ"
              and not (k + 1 < len(words) and words[k + 1] in _AFTER_CHO) and not (k >= 2 and words[k - 2] in _HELPING)}
    for i, (w, raw) in enumerate(zip(words, typed)):
        form = _ELDER_SELF.get(w)
        # unmarked "co" is "có", but not before "cảm ơn" ("co cam on chau nghe")
        typed_as = (w, form) if w in ("ong", "ba") or words[i + 1:i + 3] == ["cam", "on"] else (form,)
        if form is not None and raw in typed_as and i >= 2 and words[i - 2] in spouses and words[i - 1] in _SPOUSE \
                and w != words[i - 2]:
            return form
        if form is None or raw not in typed_as or i + 1 >= len(words) or (i and words[i - 1] in _BEFORE_OTHERS) \
                or w in spouses or w in others or (raw == w and _TUI & set(typed[:i])):
            # "tui đi nộp thay bà được không": someone else; so is an unmarked "ong" after the writer's "tui" ("tàu
            # nhà tui sắp hết hạn mà ong chưa về": her husband)
            continue
        nxt = words[i + 1]
        # unmarked "ba" before any verb may be his wife ("ma sau nay ba co mat thi…" from a man who says "tui")
        verb = _verb_at(words, typed, i + 1) and nxt != "duoc" and raw != "ba"
        if verb or nxt in _OLD_SELF_NEXT or nxt.isdigit():
            return form
    return None


def _asked_to_help(rules: AddressRules, words: list[str], i: int) -> bool:
    """At `i`, a request to help ("chỉ giùm", "xem giúp") with the writer named right after it ("… tui")."""
    for phrase in rules.asking_help:
        asked = phrase.split()
        after = i + len(asked)
        if words[i:after] == asked and after < len(words) and words[after] in rules.helped:
            return True
    return False


def _bot_call(rules: AddressRules, words: list[str], text: str) -> str | None:
    """How the citizen calls the bot: "con ơi", "chào con", "… là gì vậy con", "Cháu, …"; None when they do not."""
    calls = rules.elder_calls | rules.elder_calls_with_toi
    for w, nxt in zip(words, words[1:]):
        if nxt == "oi" and w in calls:
            return w
    for i, w in enumerate(words):   # "con chỉ giùm tui", "cháu xem giúp bà cái này": asked to help the writer
        if w in calls and _asked_to_help(rules, words, i + 1):
            return w
    if (final := _final_call(rules, words, calls)) is not None:
        return final   # not after "cho", "của", "giúp": "làm căn cước cho con" speaks of a child
    said = unicodedata.normalize("NFC", text).lower()
    first = _FIRST_CALLED.match(said)
    if first and fold(first.group(1)) in calls:
        return fold(first.group(1))
    greeted = _GREETED.match(said)   # "chào con", "alo cháu ơi"; not "chào, con tôi …" nor "chào con tôi …"
    if greeted and fold(greeted.group(1)) in rules.greetings and fold(greeted.group(2)) in calls \
            and fold(greeted.group(3) or "") not in _POSSESSORS:
        return fold(greeted.group(2))
    return None


def _helped_by_em(words: list[str], typed: list[str]) -> str | None:
    """The writer asks the bot, called "em", to help them by name at the start: "Em ơi giúp anh với", "Em hướng
    dẫn giúp chị tích hợp…" (the form typed with its marks: unmarked "chi" may be "chỉ")."""
    i = clause_start(words)
    if i == 0 and words[:1] == ["em"]:
        i = 1   # "Em hướng dẫn giúp chị…": the bot named as the one asked
    elif not (i >= 2 and words[i - 2:i] == ["em", "oi"]):
        return None
    while i < len(words) and words[i] in _ASKED_TO_DO:
        i += 1
    if i + 1 < len(words) and words[i] in _HELPING_FOR and form_of(words[i + 1]) in _OWNERS \
            and typed[i + 1] == form_of(words[i + 1]):
        return form_of(words[i + 1])
    return None


_ASKED_TO_DO = frozenset("huong dan chi xem coi lam tra".split())
_HELPING_FOR = frozenset({"giup", "gium", "dum"})


def _clause_call(book: IntentBook, rules: AddressRules, text: str) -> str | None:
    """A call ending a clause before the message goes on: "mã OTP là cái gì vậy con, nó bắt nhập mà tui không
    thấy"."""
    return next((call for clause in _CLAUSE_END.split(text)[:-1]
                 if (call := _final_call(rules, words_of(book, clause)[0], rules.elder_calls)) is not None), None)


def _final_call(rules: AddressRules, words: list[str], calls: frozenset[str]) -> str | None:
    """The call (one of `calls`) that ends the words after a word it follows: "… là gì vậy con" → "con"."""
    tail = _without_trailing(words)
    return tail[-1] if len(tail) >= 2 and tail[-1] in calls and tail[-2] in rules.before_final_call else None


_CLAUSE_END = re.compile(r"[,;.!?]+")
# who asks whom, at the start: "a hỏi e chút", "ong hoi chau cai", "e cho c hỏi", "da ba chao con" (marks or none)
_ELDER_ASKS = _ELDER_SELF | {"bac": "bác", "tau": "bác", "toi": "bác"}
_ASKER_OF = {"em": _SHORT_SELF | {"anh": "anh", "chi": "chị"}, "con": _ELDER_ASKS, "chau": _ELDER_ASKS}
_ASKING = frozenset({"hoi", "nho", "chao"})


def _asking_pair(words: list[str]) -> str | None:
    """The writer named by the pair that opens the message: "X hỏi/nhờ/chào Y" or "Y cho X hỏi", Y the bot called
    "em" (X: anh, chị) or "con", "cháu" (X: an elder; "tui", "tau" a bác)."""
    start = next((k for k, w in enumerate(words[:3]) if w not in _OPENERS), len(words))
    for head in (words[:4], words[start:start + 4]):   # "a" is "anh" as often as "ạ"
        if len(head) >= 3 and head[1] in _ASKING and head[0] in _ASKER_OF.get(head[2], {}):
            return _ASKER_OF[head[2]][head[0]]
        if len(head) == 4 and head[1] == "cho" and head[3] == "hoi" and head[2] in _ASKER_OF.get(head[0], {}):
            return _ASKER_OF[head[0]][head[2]]
    return None


def read_address(book: IntentBook, text: str, rules: AddressRules | None = None) -> Heard | None:
    """What one message says about how to address its writer; None when it does not say."""
    rules = rules or load_address()
    words, typed = words_of(book, text)
    # miền Trung "mệ" is "bà" (typed with its own mark: unmarked, it is "mẹ")
    words = ["ba" if t == "mệ" else w for w, t in zip(words, typed)]
    typed = ["bà" if t == "mệ" else t for t in typed]
    form = _self_form(rules, words, typed, named_forms(text))
    if form is not None:
        return None if form in _KEEPS_DEFAULT else Heard(form, Source.SELF)
    form = _owner_form(words, typed) or _asking_pair(words) or _helped_by_em(words, typed)
    if form is not None:
        return Heard(form, Source.SELF)
    call = _bot_call(rules, words, text) or _clause_call(book, rules, text)
    if call in rules.elder_calls:
        named = _grandparent(words, typed)
        return Heard(named, Source.SELF) if named else Heard("bác", Source.CALL)
    if call in rules.elder_calls_with_toi and ({"tui", "tôi", "toi"} & set(typed)):
        return Heard("bác", Source.CALL)
    return None


def address_form(book: IntentBook, text: str) -> str | None:
    """The form one message alone asks for, or None (see `hear` for the conversation's rule)."""
    heard = read_address(book, text)
    return heard.form if heard else None
