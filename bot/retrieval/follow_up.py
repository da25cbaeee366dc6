"""A follow-up read with the subject in focus: "còn nếu dùng USB token thì…" after the signature answer, "ông nội
làm được không" after the birth-registration answer.

The question is asked again with the focus entry's title beside it. When that lands on the entry just answered,
the citizen gets the part of it that answers the follow-up (never the same answer again), or is told plainly that
the guide does not say, with a person one press away.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Callable

from indexer.knowledge import KnowledgeEntry
from indexer.vntext import common_runs, fold, folded_syllables, has_diacritics, syllables

# how a message that goes on from the last answer starts (folded): "còn nếu…", "thế còn…", "vậy thì…", "nhưng mà…"
_CUES = ("con neu", "the con", "con truong hop", "vay thi", "vay con", "vay neu", "vay co", "vay la", "nhung ma",
         "nhung neu", "nhung", "the neu", "the thi", "the co", "neu vay", "neu the", "truong hop", "lo nhu", "con",
         "the", "vay",
         "rua thi", "rua con", "rua", "rua neu")   # miền Trung "rứa" is "thế": "rứa phải làm trong mấy ngày"
# the first word as typed with marks, where its folded form is also another word ("thẻ căn cước", "con tôi")
_MARKED = {"the": "thế", "con": "còn", "vay": "vậy", "nhung": "nhưng", "neu": "nếu", "rua": "rứa"}
_CUE = re.compile(r"^(?:" + "|".join(c.replace(" ", r"\s+") for c in sorted(_CUES, key=len, reverse=True)) + r")\b")
# unmarked, "the" before these is "thẻ" (a card), not "thế"
_CARD_OF = ("bhyt", "bao hiem", "can cuoc", "cccd", "cmnd", "atm", "ngan hang", "tin dung", "ghi no", "sinh vien")
_LEAD_WORD = re.compile(r"^(?:da|vang|ok|oke|uh|um|a|ah|e|ui|o)$")   # "dạ, còn nếu…", "ok vậy…"
# "vợ anh ko có vneid thì sao": a short message that ends asking "what about" a case is a follow-up too
_END_CUE = re.compile(r"\b(?:thi|the|rua) (?:sao|rang)(?: (?:a|ah|ak|nhi|vay|v|z|ha|em|ban|chi|anh|bac|ad))*$")
_END_CUE_WORDS = 9
_ITEM = re.compile(r"^\s*(?:\d+[.)]|[-*•])\s*")
# words that carry the follow-up's grammar, not its subject ("còn nếu … thì sao", "nó làm được không")
_FUNCTION = frozenset("""con neu thi the vay nhung ma no lam dung chua co khong duoc phai hay sao nao roi cho can
                        voi gi ai mot cac nay do kia nha nhe a oi xong luon them nua ca bi truoc sau chiu de""".split())
# grammar only as marked: folded, "mấy" (which, how many) is also "máy" (máy tính); "lấy lại" (get back) asks how,
# as "làm sao" does ("e quên passcode r lấy lại sao" after the forgotten-passcode guide), and "lại" is also "lái";
# "có bị phạt thật không" only insists ("thất" of "thất nghiệp" folds the same)
_FUNCTION_MARKED = frozenset({"mấy", "lấy", "lại", "thật",
                              "hổng", "tuốt"})   # miền Nam "hổng" (không), "ở tuốt dưới quê" (far away)
_AS_PARENT = {"vợ": "mẹ", "chồng": "cha"}   # a spouse, to a guide about their child
_MIN_SHARE = 0.5    # of the follow-up's own words (IDF-weighted) a part must contain to answer it
_TOGETHER = 3         # pairs of words a part says as the follow-up does, to answer with a little less of them
_TOGETHER_SHARE = 0.8  # … of _MIN_SHARE
_RARE_WORD = 2.0    # IDF from which one shared word alone can point to a part (few entries use it)
_SAID_STRETCH = 4   # words in a row of the question a part says as it was said, to answer with less of them


@dataclass(frozen=True)
class Focused:
    """The reply to a follow-up about the entry in focus: the part that answers it, or None when it is silent."""
    entry: KnowledgeEntry
    passage: str | None
    portal_only: bool = False   # the passage is the portal's figures alone, none of the guide's own lines
    aspect: str | None = None   # the part of a procedure asked ("time", "fee"…): named when the entry is silent on it


def ends_what_about(text: str) -> bool:
    """Short, and ends asking "what about" a case: "vợ anh ko có vneid thì sao"."""
    folded = [fold(w) for w in syllables(text)]
    return len(folded) <= _END_CUE_WORDS and bool(_END_CUE.search(" ".join(folded)))


def has_cue(text: str) -> bool:
    """The message starts the way a follow-up does, or is short and ends "thì sao", so it is read with the last
    answer's subject."""
    if ends_what_about(text):
        return True
    words = syllables(text)
    folded = [fold(w) for w in words]
    start = 0
    while start < len(folded) and _LEAD_WORD.match(folded[start]):
        start += 1
    if not _CUE.match(" ".join(folded[start:])):
        return False
    if not has_diacritics(text):
        # "the le phi bao nhieu": read as a follow-up; the focus must still win over a sure answer. Not "the bhyt
        # cua be…": "thẻ" before what a card is of
        return not (folded[start] == "the" and " ".join(folded[start + 1:start + 3]).startswith(_CARD_OF))
    first = words[start]
    return first == _MARKED.get(folded[start], first)


# "hồ sơ đó", "thủ tục ấy", "cái này": a thing named by pointing back at what was just said (folded nouns)
_POINTED = ("ho so", "thu tuc", "che do", "truong hop", "to khai", "giay", "van ban", "cai", "viec")
_POINTING = frozenset({"đó", "đấy", "này", "ấy", "kia"})
_POINTING_FOLDED = frozenset({"nay", "ay", "day", "kia"})   # unmarked; "do" is also "đỏ" (sổ đỏ)


def points_back(text: str) -> bool:
    """The message names a thing by pointing at what was just said: "Hồ sơ đó nộp ở đâu" after "Ý bạn là…?" with
    the survivor's-allowance procedure asks about that procedure, not about dossiers in general."""
    words = syllables(text)
    folded = [fold(w) for w in words]
    marked = has_diacritics(text)
    for i in range(1, len(words)):
        if words[i] in _POINTING or (not marked and folded[i] in _POINTING_FOLDED):
            if folded[i - 1] in _POINTED or " ".join(folded[max(0, i - 2):i]) in _POINTED:
                return True
    return False


def content_words(keywords: list[str]) -> list[str]:
    """A question's key words as read (marks kept: "trễ hạn" is not "trẻ"), its grammar left out; a number stays
    ("phiếu số 2 là gì")."""
    return [w for w in dict.fromkeys(k.lower() for k in keywords)
            if fold(w) not in _FUNCTION and w not in _FUNCTION_MARKED and (len(w) > 1 or w.isdigit())]


# how people name themselves and the person they talk to: in "bác không nhớ số điện thoại" "bác" is the speaker
ADDRESS = frozenset("bac chau chu co anh chi em toi tui minh ong ba".split())


def beyond_subject(words: list[str], entry: KnowledgeEntry) -> list[str]:
    """The words that are not the entry's subject itself ("khai sinh" names every part of its entry), nor a way of
    addressing someone the entry's text never uses (the speaker, not a subject: "ông" stays for a guide saying "ông
    hoặc bà")."""
    subject = set(folded_syllables(entry.title))
    kept = [w for w in words if fold(w) not in subject]
    if not any(fold(w) in ADDRESS for w in kept):
        return kept
    # the guide's own words, not its sample questions, which citizens phrase as speakers ("bac gia roi…")
    said = {fold(w) for w in words_of(" ".join([entry.title, entry.body]))}
    return [w for w in kept if fold(w) not in ADDRESS or fold(w) in said]


def as_parents(words: list[str], entry: KnowledgeEntry) -> list[str]:
    """A spouse named where the entry speaks of the child's parents is that parent: "vợ em đứng tên nộp được
    không" after the birth guide asks about the mother ("Cha hoặc mẹ đăng nhập…")."""
    have = words_of(f"{entry.title}\n{entry.body}")
    return [_AS_PARENT[w] if w in _AS_PARENT and w not in have and _AS_PARENT[w] in have else w for w in words]


def words_of(text: str) -> set[str]:
    """A text's words as a question's are looked up in it: with their marks, and folded for a word the citizen
    typed without marks that the normaliser could not restore ("usb", or "tre" left as typed)."""
    low = syllables(text.lower())
    return set(low) | {fold(w) for w in low}


def entry_words(entry: KnowledgeEntry) -> set[str]:
    """The words of an entry's own text (title, example questions, body), as `words_of` reads them."""
    return words_of(" ".join([entry.title, *entry.questions, entry.body]))


def parts_of(body: str) -> list[str]:
    """Numbered steps, bullets and paragraphs of an entry body, each a part a follow-up may point to."""
    parts: list[str] = []
    for line in body.strip().splitlines():
        if not line.strip():
            continue
        if parts and not _ITEM.match(line) and line.startswith((" ", "\t")):
            parts[-1] += "\n" + line.strip()
        else:
            parts.append(line.strip())
    return parts


def with_caveats(entry: KnowledgeEntry, part: str) -> str:
    """A part quoted on its own, with the ⚠️ lines right after it that qualify it: "trong 3 tháng (Luật Việc làm
    2013)" is not given without "⚠️ Từ 1/1/2026 áp dụng Luật Việc làm 2025 … chưa kiểm chứng"."""
    parts = parts_of(entry.body)
    if part not in parts:
        return part
    after = parts[parts.index(part) + 1:]
    caveats = list(itertools.takewhile(lambda p: unnumbered(p).startswith("⚠️"), after))
    return "\n".join([part, *caveats])


def unnumbered(part: str) -> str:
    """A part's first line without its step number or bullet, to quote it on its own."""
    return _ITEM.sub("", part.splitlines()[0]).strip()


def _said_stretch(said: list[str], part: list[str], own: set[str]) -> int:
    """The longest stretch of what was said that the part says word for word, holding two of the follow-up's own
    words (a stretch of grammar, "thì làm như thế nào", says nothing)."""
    return max((n for end, n in common_runs(said, part) if sum(w in own for w in said[end - n:end]) >= 2), default=0)


def _pairs(words: list[str]) -> set[tuple[str, str]]:
    """Adjacent words: "cả hai người" is told from "một trong hai người" by its pairs."""
    return set(zip(words, words[1:]))


def passage(entry: KnowledgeEntry, words: list[str], idf: Callable[[str], float],
            min_share: float = _MIN_SHARE, one_rare: bool = True, said: str = "") -> str | None:
    """The part of the entry that shares most of the follow-up's own words (rare words weigh more); None when no
    part shares enough of them to say it answers. Two shared words are needed, or one rare one if `one_rare`.
    Parts sharing as much are told apart by the word pairs they share with what was `said` ("phải đi cả hai người
    hả" is the step where both come, not the one naming "một trong hai người")."""
    if not words:
        return None
    weight = {w: idf(fold(w)) for w in words}
    total = sum(weight.values())
    spoken = folded_syllables(said)
    asked = _pairs(spoken)
    own = {fold(w) for w in words}
    best, best_key = None, (0, 0.0, 0)
    for part in parts_of(entry.body):
        have = words_of(part)
        hits = [w for w in weight if w in have]
        if len(hits) < 2 and not (one_rare and any(weight[w] >= _RARE_WORD for w in hits)):
            continue   # one common word ("bằng" in "đăng nhập bằng VNeID" for "bằng mới") is no evidence
        share = round(sum(weight[w] for w in hits) / total, 9)
        folded = folded_syllables(part)
        shared = asked & _pairs(folded)
        # among parts sharing enough, words said together as the part says them decide first: "dùng thay bản gốc"
        # is the line "dùng thay bản chính", not the one that says "bản chính … giấy tờ gốc" apart
        together = sum(a in own or b in own for a, b in shared)
        # several said together are enough with a little less: "xin việc … phiếu số 1 hay số 2" is the line on the two
        # forms though "công ty", where she applies, weighs much; and a stretch of the question the part says word
        # for word with even less ("không có giấy chứng sinh bệnh viện thì sao": "Không có giấy chứng sinh (…)")
        if share < min_share and not (together >= _TOGETHER and share >= _TOGETHER_SHARE * min_share) and (
                _said_stretch(spoken, folded, own) < _SAID_STRETCH):
            continue
        key = (together, share, len(shared))
        if key > best_key or (best is None and key >= best_key):
            best, best_key = part, key
    return best
