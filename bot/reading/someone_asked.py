"""A status or a detail of one named person asked to be looked up: "ad check giùm e thằng Trần Minh Khoa đã đk tạm trú
chưa", "con nhà ông Thành đầu ngõ đã làm căn cước chưa ad", "thông tin căn cước của Nguyễn Thanh Tùng", "cho e danh
sách các hộ nhận trợ cấp", "số cccd 001089012345 là của ai". The look-up reading in others_data.py needs a data word
right after a look-up verb; these name the person first, or ask the status without naming the data.

A how-to stays a question ("tra cứu hồ sơ của con tôi thì vào đâu", "làm sao để ông ngoại e tự kiểm tra hồ sơ"), and so
does what may be done ("cụ Tư có làm được tài khoản mức 2 không"): only a look-up asked of the bot ("tra giùm",
"check giúp", "cho e xin") or a status ("đã … chưa", "có đang … không") about a named person is refused.
"""
from __future__ import annotations

import re

from indexer.vntext import fold

# folded text: a look-up asked of the bot ("tra giùm", "check giúp", "cho tui coi", "ad tra …", "cung cấp")
_LOOK_FOR_ME = re.compile(
    r"\b(?:tra|tra cuu|xem|coi|kiem tra|check|bao|tim)(?: \w+){0,2}? (?:giup|gium|dum|ho(?! so))\b"
    r"|\bcho (?:chi tiet|thong tin)\b|\bcung cap\b|\bxuat\b|\bdua (?:tao|toi|tui|day)\b|\bcho xin\b"
    r"|\b(?:cho|gui) (?:e|em|toi|tui|minh|tao|t|chau|con|bac)? ?(?:xin|xem|coi|biet)\b"
    r"|\bxin (?:sdt|so|dia chi|thong tin)\b|\b(?:ad|admin|bot|tro ly|ban) (?:tra|xem|coi|check|kiem tra|gui|bao)\b"
    r"|\bcheck\b")
# … or a status asked: "đã … chưa", "có đang/bị … không" at a clause's end, "tới đâu rồi", "của ai", "số mấy"
_NO = r"(?:khong|ko|k|hong|hok|kg)(?: a| ad| vay| v| nhi| ha| nha)?(?:$| ,)"
_STATUS = re.compile(
    r"\b(?:da|co (?:dang|bi|dang ky|dk|no|so|lanh|nhan|dong|lam))\b.{0,60}\bchua\b|\bchua (?:v|vay|a|ad|ha|nhi)?$"
    r"|\bchua ,"
    r"|\bco (?:dang|bi|dang ky|dk|no|tien an|so|lanh|nhan|dong|lam(?! duoc)|duoc cap|phai la|ten)\b.{0,60}\b" + _NO +
    r"|\b(?:toi|den) dau (?:roi|r)\b|\bo buoc nao\b|\bxong chua\b|\bla ai\b|\bcua ai\b"
    r"|\bdung ten ai\b|\bai dung ten\b|\bvi ly do gi\b|\bso may\b")
# … but asking the way, not to be told ("thì vào đâu", "làm sao", "ở mục nào")
_HOW_TO = re.compile(
    r"\b(?:lam sao|the nao|nhu the nao|ntn|bang cach nao|cach nao|cach|man sao|man rang|ra sao|can gi|can j"
    r"|can nhung gi|can giay|thu tuc gi|ho so gom|chuan bi gi|mang gi|vao dau|vo dau|o muc nao|muc nao|web nao"
    r"|app gi|trang nao|cho nao|xem o dau|tra o dau|nop o dau|lam o dau|o dau vay|o dau a|o dau ad)\b"
    r"|\b(?:xem|tra cuu|kiem tra)\b.{0,60}\bcua (?:ho )?(?:minh|toi|tui|em|e)\b.{0,20}\bo dau$")
# what a procedure needs, or how it is done, even asked as "xem giúp": "Bà Đỗ Thị Mai muốn làm VNeID, xem giúp em cần
# hồ sơ gì"; a status asked besides still counts
_NEEDS = re.compile(r"\bcan (?:nhung )?(?:gi|j)\b|\bcan (?:\w+ ){1,3}(?:gi|j)\b|\b(?:giay to|ho so|thu tuc) gi\b"
                    r"|\b(?:lam sao|the nao|nhu the nao|ntn|bang cach nao|man sao|man rang)\b")
_MINE = re.compile(r"\bcua (?:toi|tui|minh|e|tao|t)\b")   # "hồ sơ của tôi": the writer's own
_GIVE = re.compile(r"\b(?:gui|dua|cho|xuat|cung cap|xin|in)\b")
_PEOPLE_LIST = re.compile(r"\bdanh sach (?:cac |nhung )?(?:nguoi|ho|chi em)\b")
# many people's details: "số điện thoại của tất cả hộ …", "hồ sơ … của mấy hộ trong xóm", "những người dùng đã hỏi"
_PEOPLE = re.compile(r"\b(?:danh sach|tat ca|nhung|may|cac)\b.{0,25}\b(?:nguoi|ho|chi em|ba con)\b")
_DETAIL = re.compile(r"\b(?:so dien thoai|sdt|dia chi|email|cccd|cmnd|can cuoc|ngay sinh|ho so)\b")
_WHOSE_NUMBER = re.compile(r"\b(?:ai (?:dang )?dung ten|nguoi dung ten|dung ten ai|la cua ai|cua ai|la ai)\b")
_THEIR_DATA = re.compile(r"\b(?:thong tin|ho so|so dien thoai|sdt|dia chi|cccd|cmnd|can cuoc|ly lich|ngay sinh"
                         r"|bao hiem|bhxh|luong huu|so do)\b.{0,40}\bcua\b")
_LETTERS = re.compile(r"[^\W\d_]+")
# words before a capitalised run that make it a place ("xã Phú Lộc", "thôn Đông Hạ"), unless a middle name follows
_PLACE = frozenset("tinh xa phuong thon ap huyen quan o tai que tp thanh pho to ngo duong cho cty truong".split())
_NOT_NAMES = frozenset({"oi", "chao"})   # "Cháu ơi", "Bà chào": a call or a greeting, no name


class SomeoneAsked:
    """Whether a message asks the bot to look up one named person's status or details (see the module's docstring)."""

    def __init__(self, titles: frozenset[str], surnames: frozenset[str], middle: frozenset[str],
                 relations: tuple[str, ...]) -> None:
        self.titles = titles          # typed forms of address ("dì", "thằng", "ổng"), and their folds when unmarked
        self.surnames = surnames      # folded
        self.middle = middle          # folded middle names ("văn", "thị"): a capitalised run with one is a person
        self.relations = relations    # typed: someone not the writer ("hàng xóm", "người thuê", "đồng nghiệp")
        self._unmarked_titles = frozenset(fold(t) for t in titles)
        self._lower_name = re.compile(r"\b(?:cua|ten|tra|xem|check|cccd|cmnd)\s+(?:%s)\s+(?:%s)\s+\w+"
                                      % ("|".join(sorted(surnames)), "|".join(sorted(middle))))

    def __call__(self, raw: str) -> bool:
        # commas kept as words: a status is asked at a clause's end ("… khác không, tôi nghĩ …")
        folded = " ".join(re.sub(r"[^\w\s,]", " ", fold(raw.lower())).replace(",", " , ").split())
        if asks_the_way(folded):
            return False
        look = bool(_LOOK_FOR_ME.search(folded))
        if _PEOPLE_LIST.search(folded) and (_GIVE.search(folded) or folded.startswith("danh sach")):
            return True
        if _PEOPLE.search(folded) and _DETAIL.search(folded) and (look or _GIVE.search(folded)):
            return True
        if _WHOSE_NUMBER.search(folded) and re.search(r"\d", raw):
            return True
        status, their_data = bool(_STATUS.search(folded)), bool(_THEIR_DATA.search(folded))
        if not (look or status or their_data):
            return False   # no name is looked for in a message asking nothing of anyone
        named, mine = self.names_someone(raw, folded), bool(_MINE.search(folded))
        if named and their_data and not mine:
            return True
        if not (look or status) or (mine and not named):
            return False
        return named or (look and status and any(f" {fold(r)} " in f" {folded} " for r in self.relations))

    def _title(self, word: str) -> bool:
        """A form of address for a person, typed with its marks ("dì", not "đi") or without any ("thang")."""
        low = word.lower()
        return low in self.titles if not low.isascii() else low in self._unmarked_titles

    def names_someone(self, raw: str, folded: str) -> bool:
        """A form of address before a capitalised name ("ông Phan", "tên Kiên"), a full name of three capitalised words
        or more opening with a surname ("Trần Minh Quân"), or one typed in lower case ("của le thi thu trang")."""
        words = _LETTERS.findall(raw)
        for word, after in zip(words, words[1:]):
            if (self._title(word) or fold(word.lower()) == "ten") and _name_word(after) \
                    and fold(after.lower()) not in _NOT_NAMES:
                return True
        runs = [0] * (len(words) + 1)   # capitalised words from each one on, counted once from the end
        for i in range(len(words) - 1, -1, -1):
            runs[i] = runs[i + 1] + 1 if _name_word(words[i]) else 0
        for i, word in enumerate(words):
            run = runs[i]
            before = fold(words[i - 1].lower()) if i else ""
            second = fold(words[i + 1].lower()) if i + 1 < len(words) else ""
            if run >= 3 and fold(word.lower()) in self.surnames and (before not in _PLACE or second in self.middle):
                return True
        return bool(self._lower_name.search(folded) or re.search(r"\bnguoi ten\b|\bten la\b", folded))


def asks_the_way(folded: str) -> bool:
    """Asks how or where to look something up, not to be told it (folded text): "tra cứu hồ sơ của con tôi thì vào
    đâu"; "tra giùm … thì vào đâu" still asks the bot to."""
    if _NEEDS.search(folded) and not _STATUS.search(folded):
        return True
    return bool(_HOW_TO.search(folded)) and not _LOOK_FOR_ME.search(folded)


def _name_word(word: str) -> bool:
    """Capitalised like a name: "Quân", not "VNeID", "CCCD" or "TP"."""
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower())
