"""Asking to see someone else's dossier or details ("tra giúp hồ sơ của ông Nguyễn Văn Bình"), and claiming a role
to be let see it ("tôi là trưởng thôn mà"): the words for both are staff-editable (intents.yaml, du_lieu_nguoi_khac);
the bot refuses and says who can look a dossier up."""
from __future__ import annotations

import re
from dataclasses import dataclass

_CLAIMS = (("la",), ("lam", "o"), ("lam", "tai"), ("cong", "tac", "o"), ("cong", "tac", "tai"))
_ROLE_WORDS = 9   # "dạ tôi là trưởng thôn ở đây mà": longer, it is a message of its own
_NEAR = 3   # words between the look-up verb and the data, and between the data and whose it is
_NAMED_WITHIN = 8   # words after the data where a title and a surname name whose it is ("… riêng với địa chỉ nhà ông Lê")
_NAMED = re.compile(r"\b(?:của|cua)\s+(?:\w+\s+)?[A-ZĐ]\w*\s+[A-ZĐ]\w*")   # "của (ông) Nguyễn Văn…"
# asked to look a dossier up on the writer's behalf, of someone named in full (folded words)
_LOOK_FOR_ME = re.compile(r"\b(?:tra|xem|kiem tra|tra cuu|coi) (?:giup|ho|dum|gium)\b")
_FULL_NAME = re.compile(r"\b(?:[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị|[Cc]ô|[Cc]hú|[Bb]ác)\s+[A-ZĐ]\w*\s+[A-ZĐ]\w*")
_FILED_DOSSIER = re.compile(r"\bnop ho so\b|\bma ho so\b")   # a dossier sent, not papers to prepare
# "hồ sơ ông Hùng thì bạn tra giúp…": the data, then whose it is by a title and a name, before the look-up verb
# ("hồ sơ lý lịch tư pháp của chị Thảo …": its kind may come between, then "của")
_DATA_NAMED = re.compile(r"\b(?:hồ sơ|ho so|thông tin|thong tin)\s+"
                         r"(?:(?:\w+\s+){0,4}?(?:của|cua)\s+|(?:của\s+|cua\s+)?)"
                         r"(?:ông|bà|anh|chị|cô|chú|bác|ong|ba|chi|co|chu|bac)\s+[A-ZĐ]\w*")


@dataclass(frozen=True)
class OthersData:
    """Words that make "show me X's dossier" (intents.yaml, du_lieu_nguoi_khac)."""
    look: frozenset[str]
    data: frozenset[str]
    self_words: frozenset[str]
    titles: frozenset[str]
    surnames: frozenset[str]
    not_names: frozenset[str]
    others: frozenset[str]
    roles: frozenset[str] = frozenset()
    give: frozenset[str] = frozenset()   # "cho tao": a demand for data only right before it

    def claims_role(self, words: list[str]) -> bool:
        """"tôi là trưởng thôn mà", "em là người nhà": a short message naming the asker's role, said to be let
        see someone's data."""
        if len(words) > _ROLE_WORDS:
            return False
        for i in range(min(3, len(words))):
            said = next((c for c in _CLAIMS if tuple(words[i:i + len(c)]) == c), None)
            if said:   # "tôi là …", and "t làm ở ubnd xã đó": where one works is a role too
                j = i + len(said)
                return any(w in self.self_words for w in words[:i]) and _first(words, self.roles, j)[0] == j
        return False

    def asked(self, words: list[str], raw: str) -> bool:
        """A look-up verb, a kind of data just after it, and right after that another person: named, or "của"
        someone who is not the asker ("tra cứu hồ sơ của tôi" is a real question)."""
        look, looked = _first(words, self.look, 0)
        if look >= 0 and _DATA_NAMED.search(raw):
            return True
        joined = " ".join(words)
        if _LOOK_FOR_ME.search(joined) and _FULL_NAME.search(raw) and _FILED_DOSSIER.search(joined):
            return True   # "Ông Nguyễn Văn Bảy … mã hồ sơ H40…, nhờ trợ lý tra giúp xem đến đâu rồi"
        data, end = _first(words, self.data, looked) if look >= 0 else (-1, -1)
        if data < 0 or data - looked > _NEAR:
            give, given = _first(words, self.give, 0)
            data, end = _first(words, self.data, given) if give >= 0 else (-1, -1)
            if data < 0 or data != given:
                return False
        later = [w for w in words[end:] if not w[0].isdigit()]   # a plate or ID number is no word
        after = later[:_NEAR + 2]
        if _first(after, self.others, 0)[0] >= 0 or _NAMED.search(raw):
            return True
        named = later[:_NAMED_WITHIN]
        if any(a in self.titles and b in self.surnames for a, b in zip(named, named[1:])):
            return True   # "tra số điện thoại với địa chỉ nhà thằng Trần Văn Hùng": a person named, without "của"
        whose = after[after.index("cua") + 1:] if "cua" in after[:_NEAR] else []
        if len(whose) < 2 or _first(whose, self.data, 0)[0] == 0 or whose[1] in self.not_names:
            return False
        return ((whose[0] in self.self_words and whose[1] in self.self_words)   # "của con tôi"
                or whose[0] in self.titles or whose[0] in self.surnames)         # "của ông Bình", "của nguyen van binh"


def _first(words: list[str], phrases: frozenset[str], start: int) -> tuple[int, int]:
    """Where the first of the phrases (up to 3 words, longest first) begins and ends at or after start;
    (-1, -1) when none does."""
    for i in range(start, len(words)):
        for n in (3, 2, 1):
            if i + n <= len(words) and " ".join(words[i:i + n]) in phrases:
                return i, i + n
    return -1, -1
