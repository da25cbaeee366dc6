"""Split a long message into the questions it carries, so that each can be looked up on its own.

A volunteer asking for two villagers in one message ("em hỏi giúp 2 bác trong
xóm: bác Tư mất căn cước làm lại ở đâu? còn bác Hoa khai tử cho chồng cần gì?")
gets "don't know" as a whole while each case alone is answered. Cut points are
generous (sentence ends, line breaks, numbered or bulleted cases, "còn",
"với lại", "thêm nữa"); what makes a split is strict: at least two pieces that
each ask something and are long enough to stand alone. A piece that asks
nothing ("em hỏi giúp 2 bác", "sim chính chủ mà") is context for the question
after it (or before it, at the end); a short question ("lệ phí bao nhiêu?")
belongs to the one before. A short message is never split.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.vntext import fold, syllables

MAX_PIECES = 4          # retrieval cost: at most this many pieces are asked
MIN_MESSAGE_WORDS = 12  # shorter messages are one question, whatever their punctuation
MIN_PIECE_WORDS = 5     # a question shorter than this leans on its neighbour ("mất bao lâu?")

# numbered or bulleted cases: "1." "2)" "- " at a line start, "1)" anywhere, "thứ nhất … thứ hai", "TH1", "trường hợp 2"
_NUMBER = re.compile(r"(?:(?<=^)|(?<=\n)|(?<=[:;.?!,]\s))[ \t]*(\d)[.)/][ \t]+|(?<=\s)(\d)\)[ \t]+"
                     r"|(?i:(?<![\w])(?:trường hợp|truong hop|th|câu|cau)[ \t]?(\d)\s*[:.)-]?[ \t]+)")
_ORDINAL = re.compile(r"(?i)(?<!\w)(?:thứ|thu)[ \t]+(nhất|nhat|hai|ba|tư|tu)(?!\w)[ \t,:]*")
_ORDINALS = {"nhat": 1, "hai": 2, "ba": 3, "tu": 4}
_BULLET = re.compile(r"(?m)^[ \t]*[-+•*–][ \t]+")
# ends of sentences and lines; "?" and "!" need no space after them
_SENTENCE = re.compile(r"\n+|(?<=[?!])\s*|(?<=[.…;])\s+")
# words that join a second question to the first; unaccented "con" is also "child", so only after a pause
_JOINER = re.compile(r"(?i)(?:(?<=[,;:])\s*|\s+)(?=(?:với lại|voi lai|thêm nữa|them nua|ngoài ra|ngoai ra|"
                     r"cho (?:em|e|tôi|toi|mình|minh|cháu|chau|con) hỏi thêm|hỏi thêm|tiện hỏi|tien hoi)(?!\w))"
                     r"|(?<=[,;:])\s*(?=còn(?!\w))|(?<=[,;:])\s*(?=Còn(?!\w))")
_LEAD = re.compile(r"(?i)^(?:còn|con|với lại|voi lai|thêm nữa|them nua|ngoài ra|ngoai ra|và|va|rồi|roi)(?!\w)[\s,:]*")
# folded: words that make a piece ask something, besides "?"
_ASKING = ("the nao", "nhu the nao", "lam sao", "ra sao", "o dau", "cho nao", "noi nao", "bao nhieu", "bao lau",
           "khi nao", "bao gio", "tai sao", "vi sao", "duoc khong", "co phai", "phai khong", "nhu nao", "kieu gi",
           "la gi", "nhung gi", "giay to gi", "gi", "ai", "ntn", "lam gi", "co duoc", "dc ko", "dc k", "duoc ko")
_ASK_AT_END = {"khong", "ko", "k", "hong", "kg", "chua", "sao", "dau", "nao", "ha", "hả", "nhi", "may", "gi"}
_PARTICLES = {"a", "ah", "vay", "z", "v", "nhe", "nha", "ad", "ak", "ha", "nhi", "the", "day", "oi", "ban", "em",
              "e", "chi", "anh", "bac", "chau", "con", "voi", "giup", "ạ"}
_NOT_ASKING = ("gi het", "gi ca", "gi dau", "ai cung", "ai biet", "khong ai", "chua ai", "chang ai")


@dataclass(frozen=True)
class Piece:
    """One question of a message: its own words (a button's title) and the context it needs to be looked up."""
    question: str
    context: str = ""

    @property
    def text(self) -> str:
        return f"{self.context} {self.question}".strip()


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
    while words and words[-1] in _PARTICLES:
        words = words[:-1]
    return bool(words) and words[-1] in _ASK_AT_END


def _cases(text: str) -> list[str]:
    """Cut before numbered cases when they count from 1 (1, 2, …), and before bullets at line starts."""
    cuts: list[tuple[int, int]] = []
    found = [(m.start(), m.end(), int(next(g for g in m.groups() if g))) for m in _NUMBER.finditer(text)]
    found += [(m.start(), m.end(), _ORDINALS[fold(m.group(1))]) for m in _ORDINAL.finditer(text)]
    found.sort()
    expected = 1
    for start, end, n in found:
        if n == expected:
            cuts.append((start, end))
            expected += 1
    if expected <= 2:   # a lone "1." or "thứ hai" (Monday) is no list
        cuts = []
    cuts += [m.span() for m in _BULLET.finditer(text)]
    parts, pos = [], 0
    for start, end in sorted(cuts):
        if start < pos:
            continue
        parts.append(text[pos:start])
        pos = end
    return parts + [text[pos:]]


def _segments(text: str) -> list[str]:
    out = []
    for case in _cases(text):
        for sentence in _SENTENCE.split(case):
            out += [s.strip(" \t,;:-") for s in _JOINER.split(sentence or "")]
    return [s for s in out if s and any(c.isalnum() for c in s)]


def split_questions(text: str) -> list[Piece]:
    """The questions of a message, in order: two to MAX_PIECES pieces, or [] when it is one question."""
    if len(syllables(text)) < MIN_MESSAGE_WORDS:
        return []
    questions: list[list[str]] = []   # each: context segments…, then the question
    waiting: list[str] = []           # segments that ask nothing, for the next question
    for segment in _segments(text):
        if not asks(segment):
            waiting.append(segment)
            continue
        standalone = len(syllables(_LEAD.sub("", segment))) >= MIN_PIECE_WORDS
        if questions and not standalone:
            questions[-1] += waiting + [segment]   # "… mất bao lâu?" asks about the question before it
        else:
            questions.append(waiting + [segment])
        waiting = []
    if questions and waiting:
        questions[-1] += waiting
    if len(questions) < 2:
        return []
    if len(questions) > MAX_PIECES:   # the rest go with the last piece asked
        questions = questions[:MAX_PIECES - 1] + [sum(questions[MAX_PIECES - 1:], [])]
    return [_piece(q) for q in questions]


def _piece(segments: list[str]) -> Piece:
    """The first asking segment is the question; what comes before it is its context, what follows is added."""
    i = next(i for i, s in enumerate(segments) if asks(s))
    question = " ".join([_LEAD.sub("", segments[i])] + segments[i + 1:])
    return Piece(question, " ".join(segments[:i]))
