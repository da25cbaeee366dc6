"""What a term means, and who handles what we do not cover: the two staff tables of indexer.terms, read in a chat.

A message asks what a term is when, besides the term, it has only a "what is" phrase ("là gì", "nghĩa là sao",
"thế nào là") and polite or filler words: "ma otp la cai gi vay con" does, "vneid ko gui ma otp" and
"đăng ký chữ ký số ở đâu" do not (they go to search). A referral is found by a subject phrase anywhere in the
message; the dialogue uses it only when search has no confident answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.reading.intents import clauses
from indexer.terms import Referral, Term, outside_phrases, phrase_key, read_glossary, read_referrals

# "what is" phrases, folded, after teencode is expanded
ASKS_MEANING = frozenset({
    "la gi", "la cai gi", "la con gi", "la thu gi", "nghia la gi", "co nghia la gi", "nghia la sao", "nghia gi",
    "la sao", "la the nao", "la nhu the nao", "the nao la", "the nao goi la", "the nao duoc goi la", "la chi",
    "la cai chi", "hieu la gi", "duoc hieu la gi", "hieu the nao", "hieu la sao", "giai thich", "khai niem",
    "dinh nghia", "y nghia", "nghia la", "la cai j", "what is", "la cai nao", "la so nao",   # "mã hồ sơ là cái nào"
    # "toàn trình là như nào", "OTP là viết tắt của cái gì", "là app gì" ("khác nhau thế nào" compares: an entry's)
    "la nhu nao", "viet tat", "nghia la chi", "la app gi", "la giay gi", "la so gi",
    # "OTP là viết tắt của cái gì", "CCCD viết tắt của chữ gì", "cái mã otp nó là gì"
    "viet tat cua cai gi", "viet tat cua chu gi", "no la gi"})
# words that change nothing in "… là gì": address, politeness, fillers
NEUTRAL = frozenset({
    "cho", "hoi", "xin", "em", "con", "chau", "toi", "tui", "minh", "bac", "chu", "co", "anh", "chi", "ban", "ong",
    "ba", "oi", "a", "ah", "ak", "vay", "the", "nhi", "nhe", "nha", "ha", "ho", "dum", "gium", "giup", "voi",
    "duoc", "khong", "cai", "nay", "do", "ay", "kia", "tu", "ro", "biet", "muon", "hieu", "can", "ad", "admin",
    "bot", "tro ly", "da", "vang", "thua", "la", "vs", "va", "nguoi ta", "hay", "noi", "goi", "thi", "di", "nua",
    "lam on", "ui", "u", "z", "rot cuoc", "that ra", "chinh xac", "mot chut", "chut", "giai thich giup",
    "cu the", "don gian", "de hieu", "nghe", "thay", "ten", "cum tu", "chu", "thuat ngu", "dung", "o day",
    "tren", "cong", "ung dung", "app", "sao", "dvc", "dich vu cong", "rua", "nghen", "hen", "ne", "cua",
    # "… là j luôn", "… là gì hết trơn", "… vậy mọi người / mấy đứa", "mày cho e hỏi", "thủ tục ghi "một phần" là sao"
    "luon", "het", "tron", "het tron", "moi nguoi", "may dua", "may", "ghi", "thu tuc"})
_WHAT_IS = ("la gi", "la cai gi", "la cai j", "la con gi", "la thu gi", "la chi", "la j")
# another question beside a term's meaning: "… đăng ký ở đâu", "… làm thế nào" (folded)
_ASKS_HOW = frozenset({"o dau", "cho nao", "the nao", "nhu the nao", "lam sao", "bao nhieu", "bao lau", "khi nao",
                       "bao gio", "di dau", "lam rang", "o mo", "di mo", "lam gi", "de lam", "dung de", "can gi",
                       "o cho nao", "mua o"})   # "chữ ký số là gì vậy, tôi cần nó để làm gì": what for
_RELATIVE_WORDS = 8   # at most this many words in a "mà" clause between a term and its "là gì"
TEENCODE = {"j": "gi", "ji": "gi", "gj": "gi", "ko": "khong", "k": "khong", "kh": "khong", "hok": "khong",
            "dc": "duoc", "e": "em", "v": "vay", "z": "vay", "s": "sao", "ntn": "nhu the nao", "t": "toi",
            "mik": "minh", "mk": "minh", "ad": "admin", "ng": "nguoi", "a": "a", "nghia": "nghia", "ak": "a"}


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()
    referrals: tuple[Referral, ...] = ()

    @classmethod
    def load(cls, folder: Path) -> "Glossary":
        return cls(tuple(read_glossary(folder)), tuple(read_referrals(folder)))

    def asked_term(self, text: str) -> list[Term]:
        """The terms a message asks the meaning of (at most two), or none when it asks anything else. Said in one
        clause of several, the others saying only why ("otp la cai chi, co phai mat khau ko", "Cái app vneid đó là
        gì vậy con, xã kêu cài mà bà hổng biết"), not asking where or how ("mức 2 là gì, đăng ký ở đâu")."""
        whole = self._asked_term(text)
        parts = clauses(text)
        if whole or len(parts) < 2:
            return whole
        read = [(p, self._asked_term(p)) for p in parts]
        asking = [terms for _, terms in read if terms]
        rest = [phrase_key(p).split() for p, terms in read if not terms]
        return asking[0] if len(asking) == 1 and not any(_cover(r, _ASKS_HOW) for r in rest) else []

    def _asked_term(self, text: str) -> list[Term]:
        if not self.terms:
            return []
        aliases = {a: t for t in self.terms for a in t.aliases}
        words = phrase_key(text).split()
        longest = max(len(a.split()) for a in aliases)
        found: list[Term] = []
        rest: list[str] = []
        i = 0
        while i < len(words):   # terms first, on the words as typed: "e form" is not "em form"
            for n in range(min(longest, len(words) - i), 0, -1):
                term = aliases.get(" ".join(words[i:i + n]))
                if term is not None:
                    if term not in found:
                        found.append(term)
                    i = _past_relative(words, i + n)
                    break
            else:
                rest += TEENCODE.get(words[i], words[i]).split()
                i += 1
        if not found or len(found) > 2:
            return []
        if not _cover(rest, ASKS_MEANING):
            return []
        return [] if outside_phrases(rest, ASKS_MEANING | NEUTRAL) else found

    def referral(self, text: str) -> Referral | None:
        """The first row whose subject phrase the message names (and none of its exceptions)."""
        key = f" {phrase_key(text)} "
        for row in self.referrals:
            if any(f" {k} " in key for k in row.keywords) and not any(f" {u} " in key for u in row.unless):
                return row
        return None

    @staticmethod
    def names_subject(row: Referral, title: str, question: str = "") -> bool:
        """A title (a catalogue procedure's) names the subject the row refers elsewhere: "Thủ tục cấp thẻ bảo hiểm
        y tế" is the portal's own procedure for a card BHXH issues, not a look-alike. Given the `question`, as it
        names it at its most precise: "xét tuyển đại học" asked, "Đăng ký xét tuyển học theo chế độ cử tuyển" says
        "xét tuyển" only."""
        key = f" {phrase_key(title)} "
        asked = f" {phrase_key(question)} "
        said = [k for k in row.keywords if f" {k} " in asked]
        # a keyword the question said more of is not enough ("xét tuyển" when it said "xét tuyển đại học")
        return any(f" {k} " in key and not any(s != k and f" {k} " in f" {s} " for s in said) for k in row.keywords)

    @staticmethod
    def names_said(row: Referral, title: str, *questions: str) -> bool:
        """A title names a subject word of the row that one of `questions` says: "Giải quyết hưởng chế độ thai
        sản" names BHXH's "thai sản", but not what "xem lại quá trình đóng bhxh" asks of BHXH."""
        key = f" {phrase_key(title)} "
        asked = " ".join(f" {phrase_key(q)} " for q in questions)
        return any(f" {k} " in key and f" {k} " in asked for k in row.keywords)


def _past_relative(words: list[str], i: int) -> int:
    """Where to read on after a term: past what a "mà" clause says of it, up to its "là" ("cái mã OTP mà cháu tôi
    hay nhắc là cái gì"); at `i` when there is none."""
    if i < len(words) and words[i] == "ma":
        end = next((j for j in range(i + 1, min(i + 1 + _RELATIVE_WORDS, len(words))) if words[j] == "la"), None)
        # only before "là gì": "mã otp mà tui nhập hoài không được là sao" tells a problem
        if end is not None and any(" ".join(words[end:end + 3]).startswith(w) for w in _WHAT_IS):
            return end
    return i


def _cover(words: list[str], phrases: frozenset[str]) -> bool:
    return any(" ".join(words[i:i + n]) in phrases for n in range(1, 5) for i in range(len(words) - n + 1))
