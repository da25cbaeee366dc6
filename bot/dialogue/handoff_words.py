"""What people type at a hand-off step, read by rule: a reason after 👎, a pick among numbered options, a phone
number with a call-back request, when to call, and which part of a message is their problem.

Rules, not retrieval: these are short, formulaic phrases whose meaning depends on the step the engine is at, so
a wrong search answer ("the same wrong entry again") is worse than a plain reading. Word lists live in
handoff_words.yaml for staff to extend; teencode is expanded with intents.yaml's abbreviations first.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.core.numbers import is_number
from bot.domain.tickets import PHONE_NUMBER
from bot.privacy.redact import without_placeholders
from bot.reading.intent_file import load_intents
from bot.reading.intents import Intent, IntentBook, clauses
from indexer.terms import outside_phrases
from indexer.vntext import fold

_SHORT_PICK = re.compile(r"c\d")

WORDS_FILE = Path(__file__).with_name("handoff_words.yaml")
REASON_CODES = ("wrong", "unclear", "off_topic", "other")
_PRIORITY = ("off_topic", "unclear", "wrong")   # on a tie in cue length
_TOKEN = re.compile(r"\w+")
_CLAUSE = re.compile(r"[,.;!?\n]+")
_NAMED_PICK_WORDS = 5   # "lấy cái đăng ký lại khai sinh": an option named; longer, a question of its own
# intents whose cue words are never the citizen's problem ("gọi cho e đi", "cho gặp người", "bot ngu")
_NOT_PROBLEM = {Intent.HANDOFF, Intent.CALLBACK, Intent.INSULT, Intent.COMPLAINT, Intent.GREETING, Intent.THANKS,
                Intent.BYE, Intent.CLOSING, Intent.CHITCHAT, Intent.IDENTITY, Intent.YES, Intent.NO, Intent.CANCEL,
                Intent.MENU, Intent.ABILITIES, Intent.NOT_UNDERSTOOD, Intent.PRIVACY,
                Intent.NEXT_STEP}

# When to call, on folded text: "buổi tối", "sau 5h", "sáng mai", "giờ trưa", "8h-9h", "thứ 7", "10h sáng mai",
# "thứ 2 tuần sau"; regional days too ("chiều ni", "sáng mơi", "chiều bữa nay"). Not a span waited ("chờ 5 giờ")
_PART = r"(?:sang|trua|chieu|chiu|toi|dem)"
_DAY = r"(?:nay|mai|mot|ni|bua\s+nay|hom\s+nay|som)"   # "mơi" (tomorrow) only marked: unmarked it is "mới"
_WEEKDAY = r"(?:thu\s+(?:hai|ba|tu|nam|sau|bay|[2-7])|chu\s+nhat)(?:\s+tuan\s+(?:nay|sau|toi))?"
_CLOCK = r"\d{1,2}\s*(?:h|g|gio|:)\s*(?:\d{1,2}(?:p|phut)?)?"
_TIME_FOLDED = re.compile(
    r"(?<!\w)(?<!cho )(?<!doi )(?<!mat )(?<!het )(?:"
    rf"(?:(?:sau|truoc|tu|khoang|tam|luc|vao|den|toi)\s+)?(?:mai\s+)?(?:\d{{1,2}}\s*-\s*)?{_CLOCK}"
    rf"(?:\s*(?:-|den|toi)\s*{_CLOCK})?(?:\s+{_PART})?(?:\s+{_DAY})?(?:\s+ngay\s+\d{{1,2}}/\d{{1,2}})?"
    rf"|(?:vao\s+)?buoi\s+{_PART}(?:\s+{_DAY})?"
    rf"|{_PART}\s+(?:{_DAY}|{_WEEKDAY})|dau\s+gio\s+{_PART}"
    r"|gio\s+(?:trua|nghi\s+trua|an\s+trua|hanh\s+chinh|lam\s+viec|tan\s+ca|nghi)(?:\s+ngay\s+thuong)?"
    r"|(?:ngoai|sau|trong)\s+gio\s+(?:hanh\s+chinh|lam\s+viec|lam|hc)"
    r"|sau\s+(?:khi\s+)?(?:tan\s+ca|tan\s+lam|di\s+lam\s+ve|gio\s+lam)"
    rf"|cuoi\s+tuan(?:\s+(?:nay|sau|toi))?|tuan\s+(?:sau|toi)|{_WEEKDAY}"
    r"|ngay\s+(?:mai|mot)|hom\s+nay|lat\s+nua|luc\s+nao\s+cung\s+duoc|bat\s+ky\s+luc\s+nao"
    r"|(?<=goi )mai|mai(?=\s+goi)"   # "mai gọi lại cho e nha", "…, mai goi": not "chị Mai"
    r"|chieu\s+toi"   # "chiều tối gọi nghe con"
    r")(?!\w)")
# a part of the day alone only with its marks: "tối" (evening) folds to "toi", which is also "tôi" (I)
_DAY_PART = re.compile(r"(?:buoi|sang|trua|chieu|chiu|dem)\b")   # folded; "tối" only marked (unmarked, "tôi")
_TIME_MARKED = re.compile(r"(?<!\w)(?:sáng|trưa|chiều|tối|đêm)(?:\s+mơi)?(?!\w)")


@dataclass(frozen=True)
class TypedReason:
    """A reason typed after 👎: its button code and the question restated in it, if any."""
    code: str
    restated: str | None       # "tui hỏi OTP là cái gì thôi" → "OTP là cái gì"


@dataclass(frozen=True)
class _Words:
    words: tuple[str, ...]     # folded, teencode expanded
    ends: tuple[int, ...]      # for each word, where its token ends in the typed text


class HandoffWords:
    def __init__(self, data: dict, book: IntentBook) -> None:
        self.book = book
        phrases = lambda items: frozenset(" ".join(book.words(str(w), drop_fillers=False)) for w in items)  # noqa: E731
        self.reasons = {code: phrases(cues) for code, cues in data["ly_do"].items()}
        self.restate = phrases(data["hoi_lai"])
        self.restate_tail = phrases(data["duoi_hoi_lai"])
        choice = data["lua_chon"]
        self.choice_lead = phrases(choice["loi_chon"])
        self.choice_opener = phrases(choice["mo_dau"])
        self.digit_lead = phrases(choice["truoc_chu_so"])
        self.choice_numbers = {" ".join(book.words(str(k), drop_fillers=False)): int(v)
                               for k, v in choice["so"].items()}
        self.choice_last = phrases(choice["cuoi"])
        self.choice_second_last = phrases(choice["ke_cuoi"])
        self.choice_alone = phrases(choice["so_mot_minh"])
        self.choice_tail = phrases(choice["duoi"])
        self.not_content = phrases(data["khong_noi_dung"])
        against = data["phan_doi"]
        # a typed disagreement with the answer just given: its cue → reason code (None: words around it)
        self.disagree = {p: None for p in phrases(against["quanh"])}
        self.disagree |= {p: "wrong" for p in phrases(against["wrong"])}
        self.disagree |= {p: "off_topic" for p in self.reasons["off_topic"] | phrases(against["off_topic"])}

    @classmethod
    def load(cls, path: Path = WORDS_FILE, book: IntentBook | None = None) -> "HandoffWords":
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")), book or load_intents())

    def _read(self, text: str) -> _Words:
        words: list[str] = []
        ends: list[int] = []
        for m in _TOKEN.finditer(text):
            for w in self.book.words(m.group(0), drop_fillers=False):
                words.append(w)
                ends.append(m.end())
        return _Words(tuple(words), tuple(ends))

    # ---- a reason typed after 👎
    def reason(self, text: str) -> TypedReason | None:
        """The button a typed reason stands for, or None when no reason cue is in it."""
        read = self._read(text)
        best: tuple[int, int, str] | None = None   # (length, -priority, code)
        for code in _PRIORITY:
            for start, end in _spans(read.words, self.reasons[code]):
                key = (end - start, -_PRIORITY.index(code), code)
                best = max(best, key) if best else key
        if best is None:
            return None
        return TypedReason(best[2], self.restated(text))

    def disagreement(self, text: str) -> TypedReason | None:
        """A message that only says the answer just given is wrong or beside the question ("sai rồi bot ơi",
        "ko phải", "chưa đúng ý tui"), maybe restating the question ("sai rồi, tui hỏi làm lại cccd"): the reason
        of the longest cue. None when any other word is in it: "khai sai ngày sinh thì sửa sao" asks something."""
        words = self._read(text).words
        restate = _spans(words, self.restate)
        words = words[:restate[0][0]] if restate else words
        spans = _spans(words, frozenset(self.disagree))
        if sum(end - start for start, end in spans) < len(words):
            return None   # a word that neither disagrees nor goes with it
        cues = [(end - start, -_PRIORITY.index(code), code) for start, end in spans
                if (code := self.disagree[" ".join(words[start:end])])]
        return TypedReason(max(cues)[2], self.restated(text)) if cues else None

    def restated(self, text: str) -> str | None:
        """The question restated after "tui hỏi…", "ý em là…", as typed (at least two words)."""
        read = self._read(text)
        spans = _spans(read.words, self.restate)
        if not spans:
            return None
        end = read.ends[spans[-1][1] - 1]
        part = text[end:].strip(" ,.:;-–—\"'“”")
        words = part.split()
        while words and " ".join(self.book.words(words[-1].strip("?!.,"), drop_fillers=False)) in self.restate_tail:
            words.pop()
        if words and words[-1][-1:] not in "?":
            words[-1] = words[-1].rstrip("!.,")
        return " ".join(words) if len(words) >= 2 else None

    # ---- "cái 1 đó", "số 2", "cái đầu", "cai thu hai", "lựa chọn 3"
    def choice(self, text: str, count: int) -> int | None:
        """The option picked (0-based) when the whole message names one of `count` numbered options."""
        # "c2", "c4": "cái 2" typed short
        words = [w for word in self._read(text).words for w in (("cai", word[1:]) if _SHORT_PICK.fullmatch(word)
                                                                  else (word,))]
        if not words or count < 1:
            return None
        opener = _prefix(words, self.choice_opener)
        lead = _prefix(words[opener:], self.choice_lead)
        # "thứ 3 đó" picks, "thứ hai" alone is a day; "thứ nhất" never is (a number of its own)
        digit_only = 0 if lead or " ".join(words[opener:opener + 2]) in self.choice_numbers \
            else _prefix(words[opener:], self.digit_lead)
        if opener and not lead and not digit_only and not self._digit_alone(words[opener:]):
            opener = 0   # "cho em 2 bản" picks nothing; "cho em cái 2", "ok 1" do
            lead = _prefix(words, self.choice_lead)
        rest = words[opener + (lead or digit_only):]
        pick, used = None, 0
        for n in (2, 1):
            key = " ".join(rest[:n])
            if len(rest) >= n and is_number(key) and n == 1:
                pick, used = int(key), 1
            elif digit_only:
                continue
            elif len(rest) >= n and key in self.choice_numbers and (lead or n == 2):
                pick, used = self.choice_numbers[key], n
            elif len(rest) >= n and key in self.choice_last and (lead or n == 2):
                pick, used = count, n
            elif len(rest) >= n and key in self.choice_second_last and count > 1:
                pick, used = count - 1, n
            elif n == 1 and rest and key in self.choice_alone:   # "hai", "bốn" alone, or "hai nha"
                pick, used = self.choice_numbers[key], n
            if pick is not None:
                break
        if pick is None or not rest[used:] == [w for w in rest[used:] if w in self.choice_tail]:
            return None
        return pick - 1 if 1 <= pick <= count else None

    def _digit_alone(self, words: list[str]) -> bool:
        """A number and particles only: "ok 1", "dạ 2 nha" (not "cho em 2 bản": "bản" reads like "bạn")."""
        return bool(words) and is_number(words[0]) and all(w in self.choice_tail and w not in self.not_content
                                                            for w in words[1:])

    def named_pick(self, text: str) -> tuple[str, ...] | None:
        """The words (folded) naming an option after a word of choosing: "cái bản sao trích lục á" → ("ban", "sao",
        "trich", "luc"); None without such a word, or with nothing but particles after it, or too much ("cái giấy
        khai sinh bị mất thì làm sao" asks)."""
        words = list(self._read(text).words)
        opener = _prefix(words, self.choice_opener)
        lead = _prefix(words[opener:], self.choice_lead)
        if not lead:
            return None
        named = words[opener + lead:]
        while named and named[-1] in self.choice_tail:
            named.pop()
        return tuple(named) if 0 < len(named) <= _NAMED_PICK_WORDS else None

    # ---- the person's problem, for a ticket's summary
    def problem(self, redacted: str) -> str | None:
        """The parts of a (redacted) message that say what the problem is: not an insult, a greeting, or a
        request to talk or be called, nor why a time suits beside a call asked for ("…, goi sau 5h chieu nghen,
        buoi sang tui ra ruong"); None when no part does."""
        calling = self.asks_call_back(redacted)
        kept = [c.strip() for c in _CLAUSE.split(redacted)
                if c.strip() and self._substantive(c) and not (calling and _opens_with_time(c))]
        return ", ".join(kept) if kept else None

    def _substantive(self, clause: str) -> bool:
        """Says something beyond social words: not a greeting, insult or request to talk, and two content words
        ("tiền bị trừ", "vneid lỗi"; not "t hỏi cái khác chứ có phải cái này đâu")."""
        match = self.book.match(clause)
        if match is not None and match.intent in _NOT_PROBLEM:
            return False
        if self.only_contact(clause):   # "số tôi [số điện thoại] gọi lại cho tôi sau 6h chiều"
            return False
        words = self._read(without_placeholders(clause)).words
        return len(outside_phrases(words, self.not_content, longest=3)) >= 2

    # ---- a phone number, with a call-back request or alone
    def asks_call_back(self, text: str) -> bool:
        """ "gọi cho e đi", "gọi lại giúp e", "cho gặp người": the person wants to be contacted; so does a call with
        when to make it in the call's own clause ("…, so tui 0912…, goi sau 4h chieu nghen": seen live, it had been
        searched and offered the export-tax procedures)."""
        if self.book.cues_in(text) & {Intent.CALLBACK, Intent.HANDOFF}:
            return True
        return any("goi" in self.book.words(c) and call_time(c) for c in clauses(text))

    def time_asked(self, text: str) -> str | None:
        """When to call, said alone or in a clause of its own with why beside it, asking nothing ("buổi tối nha", "ok,
        gọi sau 9h tối giúp, ban ngày tôi đứng quầy": the time of that clause, not of the why); None otherwise."""
        when = call_time(text)   # most messages name no time: the cheap test first, on every turn
        if when is None or self.only_contact(text):
            return when
        return None if self.book.is_question(text) else self._call_clause_time(text)

    def when_to_call(self, text: str) -> str | None:
        """When to call, from a message that may say more: of several times, the one of the clause that is only
        about the call ("Số của cô là 0912…, cháu bảo họ gọi sau 3 giờ chiều nhé, buổi sáng cô đi tập": not "buổi
        sáng"); else every time it says."""
        when = call_time(text)
        return when if when is None or "," not in when else self._call_clause_time(text) or when

    def _call_clause_time(self, text: str) -> str | None:
        """The time of the first clause that says nothing but the call, its time and a number."""
        return next((when for c in clauses(text) if (when := call_time(c)) and self.only_contact(c)), None)

    def only_contact(self, text: str) -> bool:
        """Nothing but a phone number, when to call and call-back words: "0938112457", "sdt e 0938 112 457 nha",
        "0938112457 goi lai giup e buổi tối"."""
        words = self._read(PHONE_NUMBER.sub(" ", _time_removed(text))).words
        return not outside_phrases(words, self.not_content, longest=3)


def call_time(text: str) -> str | None:
    """When the citizen would like the call, as they typed it ("buổi tối", "sau 5h", "sáng mai"), or None."""
    text = unicodedata.normalize("NFC", PHONE_NUMBER.sub(lambda m: " " * len(m.group(0)), text))
    folded = fold(text)
    spans = [m.span() for m in _TIME_FOLDED.finditer(folded)]
    spans += [m.span() for m in _TIME_MARKED.finditer(text.lower())
              if not any(s <= m.start() < e for s, e in spans)]
    merged: list[list[int]] = []
    for s, e in sorted(spans):   # "buổi chiều sau 3 giờ" is one time, "thứ 7 hoặc chủ nhật" two
        if merged and not text[merged[-1][1]:s].strip():
            merged[-1][1] = e
        else:
            merged.append([s, e])
    parts = [" ".join(text[s:e].split()) for s, e in merged]
    return ", ".join(parts)[:120] if parts else None


def _opens_with_time(clause: str) -> bool:
    """The clause starts with a part of the day: "buổi sáng tui ra ruộng" says why another time suits ("hôm nay bị
    trừ tiền" still says what happened)."""
    when = call_time(clause)
    first = when.split(",")[0] if when else ""
    return bool(first) and fold(clause.strip()).startswith(fold(first)) and (
        bool(_DAY_PART.match(fold(first))) or first.lower().startswith("tối"))


def _time_removed(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    folded = fold(text)
    for s, e in reversed([m.span() for m in _TIME_FOLDED.finditer(folded)]):
        text = text[:s] + " " + text[e:]
    return _TIME_MARKED.sub(" ", text)


def _spans(words: tuple[str, ...] | list[str], phrases: frozenset[str]) -> list[tuple[int, int]]:
    """Where the phrases occur (start, end), longest first at each position, left to right."""
    longest = max((len(p.split()) for p in phrases), default=0)
    found, i = [], 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            if " ".join(words[i:i + n]) in phrases:
                found.append((i, i + n))
                i += n
                break
        else:
            i += 1
    return found


def _prefix(words: list[str], phrases: frozenset[str]) -> int:
    """How many leading words form lead phrases ("toi chon cai thu" → 4)."""
    i = 0
    while True:
        for n in (3, 2, 1):
            if i + n <= len(words) and " ".join(words[i:i + n]) in phrases:
                i += n
                break
        else:
            return i


@lru_cache(maxsize=2)
def load_handoff_words(path: Path = WORDS_FILE) -> HandoffWords:
    return HandoffWords.load(path)
