"""Split a long message into the questions it carries, so that each can be looked up on its own.

A volunteer asking for two villagers in one message ("em hỏi giúp 2 bác trong
xóm: bác Tư mất căn cước làm lại ở đâu? còn bác Hoa khai tử cho chồng cần gì?")
gets "don't know" as a whole while each case alone is answered. Cut points are
generous (sentence ends, line breaks, numbered or bulleted cases, "còn",
"với lại", "thêm nữa"); what makes a split is strict: at least two pieces that
each ask something and are long enough to stand alone. A piece that asks
nothing ("Bố em mất CCCD.") is context for the question after it (or before
it, at the end), unless it only introduces the asker ("em là tình nguyện viên,
em hỏi giúp 2 bác"); a short question ("lệ phí bao nhiêu?") belongs to the one
before; cases told one after another and then one question for all ("bác Tư
mất thẻ, còn cô Hoa quên mật khẩu. Em hướng dẫn thế nào?") are one question
each. A short message is never split.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.vntext import fold, syllables

MAX_PIECES = 4          # retrieval cost: at most this many pieces are asked
MAX_CHARS = 2000        # a message is read this far for its questions (pasted pages are not a list of questions)
MIN_MESSAGE_WORDS = 12  # shorter messages are one question, whatever their punctuation
MIN_PIECE_WORDS = 8     # a question sentence shorter than this asks about the one before ("mất bao lâu thì có?")
MIN_CASE_WORDS = 3      # a numbered case, or one after "còn", "với lại", stands alone from this length
MIN_TOLD_WORDS = 25     # a message this long that tells a story is also read one told sentence at a time

# numbered or bulleted cases: "1." "2)" "- " at a line start, "1." "1)" anywhere, "thứ nhất … thứ hai", "TH1"
_NUMBER = re.compile(r"(?:(?<=^)|(?<=\s))(\d)[.)/][ \t]+(?=[^\W\d_])"
                     r"|(?i:(?<![\w])(?:trường hợp|truong hop|th|câu|cau)[ \t]?(\d)\s*[:.)-]?[ \t]+)")
_ORDINAL = re.compile(r"(?i)(?<!\w)(?:thứ|thu)[ \t]+(nhất|nhat|hai|ba|tư|tu)(?!\w)[ \t,:]*")
_ORDINALS = {"nhat": 1, "hai": 2, "ba": 3, "tu": 4}
_BULLET = re.compile(r"(?m)^[ \t]*[-+•*–][ \t]+")
# "mức 2. Làm sao…" is no case number: the word before it counts something
_COUNTED = {"muc", "buoc", "lan", "so", "tang", "cap", "lop", "loai", "nam", "thang", "ngay", "tuoi", "con", "nguoi",
            "dot", "ky", "quy", "phan", "khoan", "dieu", "chuong", "trang", "dong", "o"}
# ends of sentences and lines; "?" and "!" need no space after them
_SENTENCE = re.compile(r"\n+|(?<=[?!])\s*|(?<=[.…;])\s+")
# words that join a second question to the first; unaccented "con" is also "child", so only after a pause
_JOINING = (r"với lại|voi lai|thêm nữa|them nua|ngoài ra|ngoai ra|tiện hỏi|tien hoi"
            r"|cho (?:em|e|tôi|toi|mình|minh|cháu|chau|con|tui|t) (?:hỏi thêm|hoi them)")
# a person named after a pause starts a case of their own: "ông Sáu mất bằng lái…, chị Lan muốn đăng ký…"
_PERSON = r"(?-i:(?:[ôÔ]ng|[bB]à|[aA]nh|[cC]hị|[cC]ô|[cC]hú|[bB]ác|[cC]ụ|[dD]ì|[tT]hím|[dD]ượng|o|mệ)\s+[A-ZĐ]\w*)"
# … and typed without marks, after a colon or opening a sentence ("…: ba Nguyen Thi Man …; anh Hung …"), where the
# capital of the name says it is one; after a comma unmarked "ong Ba" may be the neighbour just spoken of
_PERSON_ANY = r"(?-i:(?:[ôÔoO]ng|[bB][àa]|[aA]nh|[cC]h[ịi]|[cC][ôo]|[cC]h[úu]|[bB][áa]c|[cC][ụu]|[dD][ìi]|[tT]hím|[dD]ượng|o|mệ)\s+[A-ZĐ]\w*)"
_JOINER = re.compile(rf"(?i)(?:(?<=[,;:])\s*|\s+)(?=(?:{_JOINING})(?!\w))|(?<=[,;:])\s*(?=còn(?!\w))"
                     rf"|(?<=,)\s*(?={_PERSON}(?!\w))|(?<=:)\s*(?={_PERSON_ANY}(?!\w))")
_NAMED_CASE = re.compile(rf"^{_PERSON}(?!\w)")
_OPENING_CASE = re.compile(rf"^{_PERSON_ANY}(?!\w)")
_MARKED = re.compile(rf"(?i)^(?:còn|{_JOINING})(?!\w)")
# words that only join, left out of a piece ("Còn bác Hoa…"); never unaccented "con", which is also "child"
_LEAD = re.compile(rf"(?i)^(?:còn|và|rồi|{_JOINING})(?!\w)(?:\s+(?:là|la)(?!\w))?[\s,:]*")
# folded: words that make a piece ask something, besides "?"
_ASKING = ("the nao", "nhu the nao", "lam sao", "ra sao", "o dau", "cho nao", "noi nao", "bao nhieu", "bao lau",
           "khi nao", "bao gio", "tai sao", "vi sao", "duoc khong", "co phai", "phai khong", "nhu nao", "kieu gi",
           "la gi", "nhung gi", "giay to gi", "gi", "ai", "ntn", "lam gi", "co duoc", "dc ko", "dc k", "duoc ko")
# folded: a request to ask about something is a question too ("bà Lan nhờ hỏi làm lại sổ hộ nghèo"), unless
# the sentence only introduces the asking ("em muốn hỏi giúp 2 bác")
_REQUEST = ("muon hoi", "nho hoi", "can hoi", "xin hoi", "hoi ve", "muon biet", "can biet", "huong dan giup",
            "huong dan gium", "chi giup", "chi gium")
_ASK_AT_END = {"khong", "ko", "k", "hong", "kg", "chua", "sao", "dau", "nao", "ha", "hả", "nhi", "may", "gi"}
_PARTICLES = {"a", "ah", "vay", "z", "v", "nhe", "nha", "ad", "ak", "ha", "nhi", "the", "day", "oi", "ban", "em",
              "e", "chi", "anh", "bac", "chau", "con", "voi", "giup", "ạ"}
# folded: a sentence that introduces the asker or the asking, not the subject ("em là tình nguyện viên thôn 3",
# "em hỏi giúp 2 bác trong xóm"); left out of what the pieces of a long message are searched with
_INTRO = ("chao", "em la", "toi la", "minh la", "chau la", "tui la", "con la", "tinh nguyen vien", "cong tac vien",
          "to cong nghe so", "hoi giup", "hoi ho", "hoi cho", "hoi chut", "hoi may", "hoi vai", "hoi 2", "hoi hai",
          "hoi 3", "hoi ba", "2 viec", "hai viec", "3 viec", "ba viec", "may viec", "vai viec", "2 cau", "hai cau",
          "may cau", "vai cau", "nguoi nho", "2 nguoi", "hai nguoi", "3 nguoi", "ba nguoi", "may nguoi", "vai nguoi")
_NOT_ASKING = ("gi het", "gi ca", "gi dau", "ai cung", "ai biet", "khong ai", "chua ai", "chang ai")


@dataclass(frozen=True)
class Piece:
    """One question of a message: its own words (a button's title) and the context it needs to be looked up."""
    question: str
    context: tuple[str, ...] = ()   # the sentences before it that ask nothing ("Bố em mất CCCD.")
    shared: str = ""                # a question said once for several cases ("Em hướng dẫn hai người thế nào?")

    @property
    def text(self) -> str:
        return " ".join(s for s in (*self.context, self.question, self.shared) if s)


def _words(text: str) -> list[str]:
    return [fold(s) for s in syllables(text)]


def asks(text: str) -> bool:
    """A question mark, a question word ("ở đâu", "thế nào", "gì"), or a question's ending ("… được không ạ")."""
    if "?" in text:
        return True
    words = _words(text)
    joined = f" {' '.join(words)} "
    if any(f" {n} " in joined for n in _NOT_ASKING):
        joined = re.sub("|".join(rf" {n} " for n in _NOT_ASKING), " ", joined)
    if any(f" {a} " in joined for a in _ASKING):
        return True
    if any(f" {r} " in joined for r in _REQUEST) and not _introduces(text):
        return True
    while words and words[-1] in _PARTICLES:
        words = words[:-1]
    return bool(words) and words[-1] in _ASK_AT_END


def _counted(text: str, start: int) -> bool:
    before = _words(text[max(0, start - 12):start])
    return bool(before) and before[-1] in _COUNTED and not text[max(0, start - 4):start].rstrip().endswith(
        (":", ".", "?", "!", ","))


_BULLETED, _NUMBERED, _JOINED, _OPENED = 1, 2, 3, 4   # _OPENED: a person named opens a sentence, after others


def _cases(text: str) -> list[tuple[str, int]]:
    """Cut before numbered cases when they count from 1 (1, 2, …), and before bullets at line starts; each part
    with how the citizen marked it as a case of its own (numbered, bulleted, not at all)."""
    cuts: list[tuple[int, int]] = []
    found = [(m.start(), m.end(), int(next(g for g in m.groups() if g))) for m in _NUMBER.finditer(text)
             if not _counted(text, m.start())]
    found += [(m.start(), m.end(), _ORDINALS[fold(m.group(1))]) for m in _ORDINAL.finditer(text)]
    found.sort()
    expected = 1
    for start, end, n in found:
        if n == expected:
            cuts.append((start, end))
            expected += 1
    if expected <= 2:   # a lone "1." or "thứ hai" (Monday) is no list
        cuts = []
    cuts = [(start, end, _NUMBERED) for start, end in cuts]
    cuts += [(*m.span(), _BULLETED) for m in _BULLET.finditer(text)]
    parts, pos, marked = [], 0, 0
    for start, end, mark in sorted(cuts):
        if start < pos:
            continue
        parts.append((text[pos:start], marked))
        pos, marked = end, mark
    return parts + [(text[pos:], marked)]


def _segments(text: str) -> list[tuple[str, int]]:
    """Sentences and joined clauses, each with how it starts a case the citizen marked as one (0: it does not)."""
    out = []
    for case, marked in _cases(text):
        for sentence in _SENTENCE.split(case):
            for k, clause in enumerate(_JOINER.split(sentence or "")):
                clause = clause.strip(" \t,;:-")
                if clause and any(c.isalnum() for c in clause):
                    # a person named after a comma is a case; one opening a sentence is the first of them, or
                    # one more after others ("…: bà Mận mất thẻ BHYT; anh Hùng … ; chị Thu …")
                    joined = _JOINED if _MARKED.match(clause) or (k > 0 and _NAMED_CASE.match(clause)) \
                        else _OPENED if out and _OPENING_CASE.match(clause) else 0
                    out.append((clause, marked or joined))
                    marked = 0
    return out


def split_questions(text: str) -> list[Piece]:
    """The questions of a message, in order: two to MAX_PIECES pieces, or [] when it is one question."""
    text = text[:MAX_CHARS]
    if len(syllables(text)) < MIN_MESSAGE_WORDS:
        return []
    questions: list[tuple[list[str], list[str], str]] = []   # each: its context, its own words, a shared question
    waiting: list[tuple[str, int]] = []                  # segments that ask nothing, for the next question
    for segment, marked in _segments(text):
        listed = marked == _NUMBERED and len(syllables(segment)) >= MIN_CASE_WORDS   # "2. quên passcode vneid"
        if not (asks(segment) or listed):
            waiting.append((segment, marked))
            continue
        told = [s for s, _ in waiting]
        cases = [i for i, (_, m) in enumerate(waiting) if m in (_JOINED, _OPENED) and i > 0]
        if cases and len(syllables(" ".join(told[:cases[0]]))) >= MIN_PIECE_WORDS:
            # "Bác Tư mất thẻ căn cước, còn cô Hoa quên mật khẩu. Em hướng dẫn thế nào?": each case, the question
            bounds = [0, *cases, len(told)]
            groups = [told[a:b] for a, b in zip(bounds, bounds[1:])]
            if not all(_introduces(s) for s in groups[0]):   # "Sáng nay có ba người nhờ:" is no case
                questions.append((groups[0][:-1], groups[0][-1:], segment))
            questions += [([], group, segment) for group in groups[1:]]
            waiting = []
            continue
        if marked in (_JOINED, _OPENED) and len(syllables(" ".join(told))) >= MIN_PIECE_WORDS \
                and not (marked == _OPENED and all(_introduces(t) for t in told)):
            questions.append((told[:-1], told[-1:], ""))   # "… không nhận được mã OTP, với lại …": a problem told
            waiting, told = [], []
        case = max([marked] + [m for _, m in waiting])
        said = len(syllables(" ".join(told + [_LEAD.sub("", segment)])))
        if questions and said < (MIN_CASE_WORDS if case else MIN_PIECE_WORDS):
            questions[-1][1].extend(told + [segment])   # "… mất bao lâu?" asks about the question before it
        else:
            questions.append((told, [segment], ""))
        waiting = []
    if questions and waiting:
        questions[-1][1].extend(s for s, _ in waiting)
    if len(questions) < 2:
        return []
    if len(questions) > MAX_PIECES:   # the rest go with the last piece asked
        rest = questions[MAX_PIECES - 1:]
        words = [w for context, own, shared in rest for w in (*context, *own, shared) if w]
        questions = questions[:MAX_PIECES - 1] + [(rest[0][0], words[len(rest[0][0]):], "")]
    return [Piece(" ".join([_LEAD.sub("", own[0]), *own[1:]]), tuple(c for c in context if not _introduces(c)), shared)
            for context, own, shared in questions]


def told_with_question(text: str) -> list[str]:
    """Narrower readings of a long message that asks one thing after telling a lot ("tôi người khơ me ở an giang.
    con tôi 7 tủi rồi mà chưa có làm giấy khai sin, hồi đó tôi đi làm trên bình dương. năm nay nó vô lớp 1 …
    tôi làm sao cô"): each sentence that tells something, with the question it ends with. Searched whole, so much
    background drowns the subject; [] for a message of fewer than three sentences."""
    segments = [s for s, _ in _segments(text[:MAX_CHARS])]
    if len(segments) < 3 or len(syllables(text)) < MIN_TOLD_WORDS:
        return []
    asking = [s for s in segments if asks(s)]
    question = asking[-1] if asking and len(syllables(asking[-1])) < MIN_PIECE_WORDS else ""
    told = [s for s in segments if s != question and len(syllables(s)) >= MIN_CASE_WORDS + 1 and not _introduces(s)]
    return [f"{s} {question}".strip() for s in told] if len(told) >= 2 else []


def asking_sentence(text: str) -> str | None:
    """The one sentence of a message that asks, when the others only tell ("chị mới ly hôn, con gái 6 tuổi ở với
    chị. Giờ chị muốn chuyển hộ khẩu của con về nhà ngoại thì làm sao em"), and it is long enough to stand alone;
    None otherwise. Read alone it can settle what the whole message only narrowed to a few choices."""
    segments = [s for s, _ in _segments(text[:MAX_CHARS])]
    asking = [s for s in segments if asks(s) and not _introduces(s)]
    if len(segments) < 2 or len(asking) != 1 or len(syllables(asking[0])) < MIN_PIECE_WORDS:
        return None
    return asking[0]


def _introduces(sentence: str) -> bool:
    said = f" {' '.join(_words(sentence))} "
    return any(f" {cue} " in said for cue in _INTRO)
