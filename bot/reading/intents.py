"""Social and meta turns, recognised before retrieval from labelled phrasings in intents.yaml.

Messages are folded (no diacritics, lowercase), teencode is expanded and filler
words dropped — the same treatment keywords get. A message is an intent when it
equals an example, or when it contains a cue and little else: "cho mình nói
chuyện với người thật được không?" is a hand-off, "cán bộ công an xã làm VNeID ở
đâu" is a question.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from bot.reading.cue_cover import MAX_KEY_WORDS, cover, ends_as, uncovered
from bot.reading.flows import message_key
from bot.reading.introductions import ASKING, LEAVING, goes_off, introduces, takes_leave
from bot.reading.others_data import OthersData
from bot.reading.someone_asked import asks_the_way
from bot.reading.withdrawals import (
    DONE_ALREADY,
    GOING_ELSEWHERE,
    asks_contact_later,
    asks_what_staff_do,
    declines_as_done,
    no_need_of_contact,
)
from indexer.vntext import fold

_STRETCHED = re.compile(r"([a-z])\1{2,}")   # no Vietnamese word repeats a letter three times
# folded openers of a clause that checks what the one before means
_MEANING_OPENERS = (("z", "la"), ("vay", "la"), ("the", "la"), ("tuc", "la"), ("nghia", "la"), ("vay", "tuc", "la"),
                    ("vay", "nghia", "la"), ("z", "tuc", "la"), ("the", "tuc", "la"), ("co", "nghia", "la"))
# Whom a question is said to, after its last word ("… có mất tiền không cháu", "… được chưa ad"), folded
_CALLED_AFTER = frozenset("chau con em anh chi ban bac chu co ong ba ad admin bot oi".split())
# the only other words of "bạn giúp được gì cho tôi", "trợ lý làm được những gì vậy": "cán bộ xã giúp được gì"
# asks about someone else
_TO_THE_BOT = _CALLED_AFTER | {"tro ly", "may", "vay", "the", "nay", "cho", "hoi", "toi", "minh", "nhung"}


class Intent(str, Enum):
    OTHERS_DATA = "others_data"   # someone else's dossier or details: refused (found by a rule, not by cues)
    CANCEL = "cancel"
    SHARE = "share"
    INSTRUCTION = "instruction"
    IDENTITY = "identity"
    PRIVACY = "privacy"           # what is kept of the chat, who reads it: said, with how to delete it
    ABILITIES = "abilities"       # what the assistant can help with: said, then the topics
    CLOSING = "closing"
    HANDOFF = "handoff"
    CALLBACK = "callback"
    INSULT = "insult"
    COMPLAINT = "complaint"
    NEXT_STEP = "next_step"       # "rồi sao nữa" after a guide: its steps, one at a time
    NOT_UNDERSTOOD = "not_understood"
    MENU = "menu"
    BYE = "bye"
    THANKS = "thanks"
    CHITCHAT = "chitchat"
    GREETING = "greeting"
    NO = "no"
    YES = "yes"


@dataclass(frozen=True)
class IntentMatch:
    intent: Intent                 # the one to act on
    also: frozenset[Intent]        # every intent whose cue appears ("… người hỗ trợ đi, mệt quá" → also COMPLAINT)


# said with "chào", these take leave; folded ("nghe" of "chào cháu nghe", "đây" of "chị đi bán đây")
_WANTING = frozenset("hoi muon can giup xin biet".split())   # "…, mình muốn biết phí cụ thể": a wish, not a why
# "bot ơi", "trợ lý ơi": the bot called by name, a greeting ("bot?" alone asks whether it is one)
_CALLED = re.compile(r"\s*(bot|robot|tro ly|tro ly ao)\s+(oi|ui)\W*")
# folded: exasperation beside not understanding ("… gì mà khó hiểu quá", "đọc hoài", "trời ơi", "muốn rớt con mắt")
_EXASPERATED = re.compile(r"\bma\b.*\bqua\b|\bhoai\b|\btroi oi\b|\brot con mat\b")
_ELSEWHERE_OR_EITHER = re.compile(rf"{GOING_ELSEWHERE.pattern}|\bhay\b")
_SHORT_CLAUSE = 4   # "nghĩ lại thì thôi": a clause this short beside a withdrawal says nothing of its own
_CLAUSE = re.compile(r"[,.;!?\n]+|:\s")   # "thui hỏi cái khác: …", not "8:30"
_VENTING = frozenset({Intent.COMPLAINT, Intent.INSULT})
_PROBLEM_WORDS = 10   # words no cue covers, before a vent, that state a problem to search…
_WENT_WRONG = frozenset("bi chua van loi tru".split())   # … with a word of something gone wrong ("bị trừ", "vẫn chưa")
_CLOSING_CLAUSE = frozenset({Intent.THANKS, Intent.BYE, Intent.CANCEL})
_TURNING = frozenset({"ma", "vay", "sao"})   # folded ("còn" folds like "con", a child): a clause turning to ask…
_TURN_WORDS = 7                                      # … when it says at least this many words
@dataclass(frozen=True)
class Rule:
    """One intent's labelled phrasings (bot/reading/intent_file.py reads them from intents.yaml)."""
    examples: frozenset[str]
    cues: tuple[tuple[str, ...], ...]   # longest first
    max_left: int


def symbol_key(text: str) -> str:
    """Symbols as sent, without spaces, variation selectors or skin tones, a run of one counted once ("👍👍", "??")."""
    signs = [c for c in unicodedata.normalize("NFC", text) if not c.isspace() and c != "\ufe0f"
             and not "\U0001f3fb" <= c <= "\U0001f3ff"]
    return "".join(c for i, c in enumerate(signs) if i == 0 or c != signs[i - 1])


def clauses(text: str) -> list[str]:
    """A message's clauses, split at punctuation and line breaks ("thui hỏi cái khác: …" too, not "8:30")."""
    return [c for c in _CLAUSE.split(text) if c.strip()]


class IntentBook:
    def __init__(self, abbreviations: dict[str, str], fillers: frozenset[str], neutral: frozenset[str],
                 rules: dict[Intent, Rule], english: frozenset[str],
                 search_stopwords: frozenset[str] = frozenset()) -> None:
        self._abbr = abbreviations
        self._fillers = fillers
        self._neutral = neutral
        self._rules = rules      # in priority order
        self.english = english
        self.search_stopwords = search_stopwords   # left out of the portal search link
        self.question_words: frozenset[str] = frozenset()
        self.person_asked: tuple[str, ...] = ()        # marked endings that ask whether a person answers
        self.requests: frozenset[str] = frozenset()    # folded words that make such an ending a request for one
        self.others_data: OthersData | None = None
        self.someone_asked: Callable[[str], bool] | None = None   # one named person's status asked (someone_asked.py)
        self.symbols: dict[str, Intent] = {}   # a message of symbols only ("👍", "🙏", "???"): what it says
        # cues with a filler word in them ("hủy đi", "im đi", "chán quá đi"): where typed, their filler is kept
        self.cues_with_fillers: tuple[tuple[str, ...], ...] = ()

    def words(self, text: str, drop_fillers: bool = True) -> list[str]:
        """Folded words with teencode expanded ("cho e gap nv" → cho em gap nhan vien)."""
        tokens = [_STRETCHED.sub(r"\1", t) for t in message_key(text).split()]   # "hiii", "aloooo"
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for n in range(min(MAX_KEY_WORDS, len(tokens) - i), 0, -1):
                phrase = " ".join(tokens[i:i + n])
                if drop_fillers and phrase in self._fillers and len(tokens) > n and not self._in_cue(out, tokens, i):
                    i += n
                    break
                if phrase in self._abbr:
                    out += self._abbr[phrase].split()
                    i += n
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out

    def _in_cue(self, out: list[str], tokens: list[str], i: int) -> bool:
        """The filler at tokens[i] is part of a cue typed here: the cue's words before it end `out` ("hủy" before
        "đi"), and those after it follow in `tokens`; dropped, "hủy đi" would never be read as a cue."""
        for cue in self.cues_with_fillers:
            for k, word in enumerate(cue):
                if word == tokens[i] and (k == 0 or out[-k:] == list(cue[:k])) \
                        and tokens[i + 1:i + len(cue) - k] == list(cue[k + 1:]):
                    return True
        return False

    def cues_in(self, text: str) -> frozenset[Intent]:
        """Intents whose cue appears anywhere, however long the message ("…, chán quá, làm sao …")."""
        words = self.words(text)
        covered = [False] * len(words)
        return frozenset(i for i, rule in self._rules.items() if any(cover(words, covered, c) for c in rule.cues))

    def question_part(self, text: str) -> str:
        """The message without its clauses that only complain ("cái cổng dvc này làm ăn kiểu gì vậy, t đóng lệ phí
        … mà bị trừ tiền 2 lần") or turn to another subject ("thui hỏi cái khác: e nộp hs lm passport…"): they are
        no search words. The whole message when nothing else is left."""
        parts = clauses(text)
        kept = [c for c in parts if not ((m := self.match(c)) and m.intent in _VENTING | {Intent.MENU})]
        return ", ".join(c.strip() for c in kept) if kept and len(kept) < len(parts) else text

    def asking_clause(self, text: str) -> str | None:
        """The first clause of a message whose later ones ask nothing ("mã hồ sơ là cái nào, tn nó gửi nhìu số
        quá"): what it asks; None for one clause, or when a later one asks too."""
        first, *rest = clauses(text) or [""]
        return first if rest and not self.is_question(", ".join(rest)) else None

    def lone_question(self, text: str) -> str | None:
        """The one clause of a message that asks, when the others only say why ("e đang soạn bài gửi nhóm zalo của
        ấp, cho e hỏi ký số là gì ạ"); None for one clause, or when none or several ask."""
        parts = clauses(text)
        asking = [c for c in parts if self.is_question(c) and not self._checks_meaning(c)]
        return asking[0].strip() if len(parts) > 1 and len(asking) == 1 else None

    def _checks_meaning(self, clause: str) -> bool:
        """"z là vẫn phải ra cand hả", "tức là phải lên xã à": checks what the clause before means, asking
        nothing of its own ("một phần là sao ad, z là vẫn phải ra cand hả" asks what the term means)."""
        words = self.words(clause, drop_fillers=False)
        return any(tuple(words[:len(o)]) == o for o in _MEANING_OPENERS)

    def claims_role(self, text: str) -> bool:
        """A short "tôi là <vai trò> (mà)" (see `OthersData.claims_role`), maybe with why after it: "tôi là trưởng
        thôn mà, có trách nhiệm với bà con chứ"."""
        if self.others_data is None:
            return False
        claim = self.asking_clause(text) if len(clauses(text)) > 1 else text   # a clause after it that asks: a question
        return bool(claim) and self.others_data.claims_role(self.words(claim, drop_fillers=False))

    def is_question(self, text: str) -> bool:
        """Asks something: a question mark or a question word ("thế nào", "ở đâu", "… không?")."""
        if "?" in text:
            return True
        words = self.words(text)
        end = len(words)
        while end > 1 and words[end - 1] in _CALLED_AFTER:
            end -= 1
        if end >= 3 and words[end - 1] in ("khong", "chua") and "co" in words[:end - 1]:
            return True   # "… thì có được tiền thai sản không", "có kết quả chưa", "… có mất tiền không cháu"
        return any(" ".join(words[i:i + n]) in self.question_words
                   for n in (1, 2, 3) for i in range(len(words) - n + 1))

    def symbol(self, text: str) -> Intent | None:
        """What a message of symbols alone says ("👍" yes, "🙏" thanks, "???" not understood), if anything."""
        return self.symbols.get(symbol_key(text))

    def match(self, text: str) -> IntentMatch | None:
        words = self.words(text)
        if not words:   # "👍" after an answer is an ok, "???" a reply not understood: no "type it in words"
            said = self.symbol(text)
            return IntentMatch(said, frozenset({said})) if said is not None else None
        if self._asks_others_data(words, text):
            return IntentMatch(Intent.OTHERS_DATA, frozenset({Intent.OTHERS_DATA}))
        if self._asks_if_person(text, words):   # "ơ sao bot trả lời nhanh thế, người thật à"
            return IntentMatch(Intent.IDENTITY, frozenset({Intent.IDENTITY}))
        if _CALLED.fullmatch(fold(text).lower()):
            return IntentMatch(Intent.GREETING, frozenset({Intent.GREETING}))
        whole = " ".join(words)
        for intent, rule in self._rules.items():
            if whole in rule.examples:
                return IntentMatch(intent, frozenset({intent}))
        # "thôi bà chào cháu nhé", "ừ chào nhé", "thôi tôi về. chào cô", "thôi bà đi nấu cơm, vậy nhen con"
        if takes_leave(self, text) or goes_off(self, text):
            return IntentMatch(Intent.BYE, frozenset({Intent.BYE}))
        if introduces(self, words, text):   # "hello bot, e là sv năm nhất nè", "chào bạn, mình là tổ công nghệ số…"
            return IntentMatch(Intent.GREETING, frozenset({Intent.GREETING}))
        covered, found = self.found(words)
        # "à thôi, tui hỏi được rồi, hủy nha": not thanks, the request withdrawn; a clause's cancel cue is the whole
        # message's too (cancel's cues are tried first), so the clause-by-clause reading runs only then
        if self._ends_cancelling(text) or (Intent.CANCEL in found and self._cancels_to_go(text)) \
                or declines_as_done(self, text, clauses(text)):
            return IntentMatch(Intent.CANCEL, self.cues_in(text) | {Intent.CANCEL})
        if found and found[0] in (Intent.HANDOFF, Intent.CALLBACK) and no_need_of_contact(words) \
                and not asks_contact_later(self, clauses(text)):
            # "không cần gặp nhân viên nữa", "hủy cuộc gọi lại giúp em", "khỏi chuyển nhân viên nha": the person or
            # the call is what is no longer needed (it had been read as asking again: "Yêu cầu này bạn đã gửi rồi")
            return IntentMatch(Intent.CANCEL, frozenset(found) | {Intent.CANCEL})
        if Intent.CANCEL in found and self._asks_contact_after(text):
            # a person asked for after it ("thôi khỏi, cho tui gặp cán bộ xã"): contact wanted, nothing withdrawn
            found.remove(Intent.CANCEL)
        if not found:
            return None
        left = uncovered(words, covered, self._neutral)
        read = next((IntentMatch(i, frozenset(found)) for i in found   # found is in priority order
                     if left <= self._rules[i].max_left and (i != Intent.ABILITIES or self._to_the_bot(words))
                     and not (i == Intent.HANDOFF and asks_what_staff_do(self, text, words))),
                    None) or self._by_clause(text)
        if read is not None and read.intent == Intent.NOT_UNDERSTOOD and _EXASPERATED.search(" ".join(words)):
            # "cháu nói gì mà khó hiểu quá, cô đọc hoài không hiểu gì hết": worn out, not only lost
            return IntentMatch(Intent.COMPLAINT, read.also | {Intent.COMPLAINT})
        return read

    def _asks_others_data(self, words: list[str], text: str) -> bool:
        """Someone else's data asked to be looked up (others_data.py, someone_asked.py), not the way to look it up
        ("tra cứu hồ sơ của con tôi thì vào đâu"), nor as part of orders to the bot (those get their own reply)."""
        if self.others_data is not None and self.others_data.asked(words, text) and not asks_the_way(" ".join(words)):
            return True
        return (self.someone_asked is not None and self.someone_asked(text)
                and Intent.INSTRUCTION not in self.cues_in(text))

    def _asks_contact_after(self, text: str) -> bool:
        """The last of several clauses asks for a person or a call, and withdraws nothing ("thôi không cần gọi lại
        nữa" is one clause that withdraws)."""
        parts = clauses(text)
        last = self.cues_in(parts[-1]) if len(parts) > 1 else frozenset()
        return bool(last & {Intent.HANDOFF, Intent.CALLBACK}) and Intent.CANCEL not in last

    def _ends_cancelling(self, text: str) -> bool:
        """Several clauses, asking nothing, the last of which is all a way to cancel ("…, hủy nha", "…, thôi hủy đi")
        and the others social words ("à thôi, tui hỏi được rồi"); "muốn rút hồ sơ, hủy" is about a dossier."""
        parts = clauses(text)
        if len(parts) < 2 or " ".join(self.words(parts[-1])) not in self._rules[Intent.CANCEL].examples:
            return False
        return not self.is_question(text) and all(
            set(self.words(p)) <= LEAVING | {"da"} or self.match(p) is not None for p in parts[:-1])

    def _cancels_to_go(self, text: str) -> bool:
        """A request withdrawn because the writer will go and ask in person, asking nothing: "à thôi khỏi nhen em,
        chiều nay chị chở nó lên công an phường hỏi luôn, bỏ vụ gọi đi". Each clause but the withdrawal is short,
        social, or going elsewhere."""
        parts = clauses(text)
        withdrawn = [p for p in parts if Intent.CANCEL in self.cues_in(p)]
        if len(parts) < 2 or not withdrawn or self.is_question(text):
            return False
        others = [p for p in parts if p not in withdrawn]
        if any(self.cues_in(p) & {Intent.HANDOFF, Intent.CALLBACK} for p in others):
            return False   # "thôi khỏi, cho tui gặp cán bộ xã": a person asked for after it
        return all(len(self.words(p)) <= _SHORT_CLAUSE or self.match(p) is not None
                   or GOING_ELSEWHERE.search(said := " ".join(self.words(p))) or DONE_ALREADY.search(said)
                   for p in others)

    def _asks_if_person(self, text: str, words: list[str]) -> bool:
        """Ends asking whether a person answers, its particle as typed ("… người thật à", not "… người thật ạ"), and
        asks for no one ("cho gặp người thật à" still asks for one)."""
        typed = unicodedata.normalize("NFC", text.lower()).rstrip(" ?!.…").split()
        joined = f" {' '.join(words)} "
        return any(ends_as(typed, p.split()) for p in self.person_asked) and not any(
            f" {r} " in joined for r in self.requests)

    def _by_clause(self, text: str) -> IntentMatch | None:
        """A message of several clauses asking nothing, whose first clause thanks, takes leave or cancels ("cảm ơn
        bạn, rõ ràng"; "à thôi không cần nữa, ngân hàng vừa hoàn tiền rồi"), or whose last one vents ("làm ăn tắc
        trách vậy, mất tiền oan, bực mình hết sức"): the rest only says why. Or a longer message whose one
        asking clause asks what the assistant can do."""
        parts = clauses(text)
        lone = self.lone_question(text) if len(parts) > 1 else None
        if lone is not None and (asked := self.match(lone)) is not None and asked.intent == Intent.ABILITIES:
            return asked   # "chào trợ lý, mình ở tổ công nghệ số…, đang thử…. Trợ lý giúp được những việc gì?"
        if len(parts) < 2:
            return None
        last = self.match(parts[-1])
        asked = " ".join(self.words(parts[-1]))
        if last is not None and last.intent in (Intent.HANDOFF, Intent.CALLBACK) \
                and not self.is_question(", ".join(parts[:-1])) and not _ELSEWHERE_OR_EITHER.search(asked):
            # "Chữ trên điện thoại bé quá cô đọc không rõ, cháu nhờ một cán bộ gọi điện hướng dẫn cô được không?":
            # why, then a person asked for; not "ra xã nhờ cán bộ làm dùm được ko" nor "tự xin được ko hay phải
            # nhờ người khác", which ask whether a person elsewhere may do it
            return last
        if "?" in text:
            return None
        first = self.match(parts[0])
        if first is not None and first.intent == Intent.NO and Intent.CANCEL in self.cues_in(parts[0]):
            first = IntentMatch(Intent.CANCEL, first.also | {Intent.CANCEL})   # "à thôi khỏi, ngân hàng … rồi"
        if first is not None and first.intent == Intent.CANCEL and asks_contact_later(self, clauses(text)):
            return None   # "đừng gọi lại số cũ, gọi số mới nha": the call moved, not withdrawn
        if first is not None and first.intent in _CLOSING_CLAUSE and not self.is_question(text) \
                and not self._asks(parts[1:]) and not self._turns_to_ask(parts[1:]):
            return first
        rest = ", ".join(parts[1:])
        if first is not None and first.intent in _VENTING and not self.is_question(text) \
                and not self.tells_a_problem(rest) and not _WANTING & set(self.words(rest)) \
                and not self._turns_to_ask(parts[1:]):
            # "bực ghê, nộp online mà bị trả tới trả lui hoài": the rest says why, briefly; "trả lời chung chung quá,
            # mình muốn biết phí cụ thể" wants something
            return first
        if last is not None and last.intent in _CLOSING_CLAUSE - {Intent.CANCEL} and not self.is_question(text) \
                and not self._asks(parts[:-1]):
            return last   # "thôi để e ra công an xã làm, cảm ơn ad": going to do it elsewhere, then thanks
        if last is None or last.intent not in _VENTING:
            return None
        # what comes before may not ask ("căn cước làm ở đâu, chán quá"), unless it vents too ("tl j dai dong z,
        # doc ko hieu j het, chan")
        before = ", ".join(parts[:-1])
        asks = self.is_question(before) and not self.cues_in(before) & (_VENTING | {Intent.NOT_UNDERSTOOD})
        return None if asks or self.tells_a_problem(before) else last

    def _turns_to_ask(self, parts: list[str]) -> bool:
        """A clause opening with "mà", "vậy" or "sao" and saying enough to be a question of its own: "ok tks,
        mà tài khoản định danh mức 1 lên mức 2 phải ra công an hả", "vcl, sao thanh toán lệ phí online cứ báo giao
        dịch thất bại"; not "cảm ơn, vậy thôi"."""
        return any((said := self.words(p, drop_fillers=False))[:1] and said[0] in _TURNING
                   and len(said) >= _TURN_WORDS for p in parts)

    def tells_a_problem(self, text: str) -> bool:
        """Clauses before a vent that state what went wrong at length, in words no cue covers ("giờ mở app ngân
        hàng thấy bị trừ 135 nghìn rồi mà hồ sơ vẫn ghi chưa thanh toán. làm ăn kiểu gì vậy"): the problem is
        searched, not only the anger answered; "làm ăn tắc trách vậy, mất tiền oan, bực mình" only vents, and so does
        a long why with nothing gone wrong ("tui làm ruộng chứ có phải học giả đâu mà đọc, mệt quá")."""
        words = self.words(text)
        covered, _ = self.found(words)
        return (uncovered(words, covered, self._neutral) >= _PROBLEM_WORDS
                and any(w in _WENT_WRONG and not c for w, c in zip(words, covered)))

    def _asks(self, parts: list[str]) -> bool:
        """Clauses that say a word of asking no cue covers (praise, "hướng dẫn dễ hiểu lắm", asks nothing, though
        "lắm" folds as "làm"), other than going to ask or do it elsewhere ("để chị ra thuế cơ sở hỏi")."""
        words = self.words(" ".join(parts))
        covered, _ = self.found(words)
        # "xin lỗi": an apology asks nothing ("ok, xin lỗi nha lúc nãy nóng quá, cảm ơn")
        covered = [c or (w == "xin" and words[k + 1:k + 2] == ["loi"]) or (w == "loi" and words[k - 1:k] == ["xin"])
                   for k, (w, c) in enumerate(zip(words, covered))]
        asking = ASKING & {w for w, c in zip(words, covered) if not c}
        return bool(asking - {"hoi", "lam"}) or bool(asking) and not GOING_ELSEWHERE.search(" ".join(words))

    def _to_the_bot(self, words: list[str]) -> bool:
        """Asking what the assistant can do: besides its cue only words that call the bot or the asker."""
        own = [False] * len(words)
        for cue in self._rules[Intent.ABILITIES].cues:
            cover(words, own, cue)
        return uncovered(words, own, _TO_THE_BOT) == 0

    def found(self, words: list[str]) -> tuple[list[bool], list[Intent]]:
        """The words some cue covers, and the intents whose cues appear, in priority order."""
        covered = [False] * len(words)
        found: list[Intent] = []
        for intent, rule in self._rules.items():
            for cue in rule.cues:
                if cover(words, covered, cue) and intent not in found:
                    found.append(intent)
        return covered, found

    def only_greeting(self, words: list[str]) -> bool:
        """Nothing but a greeting and neutral words: "chào cháu, cô" before who she is."""
        covered, found = self.found(words)
        return found == [Intent.GREETING] and uncovered(words, covered, self._neutral) == 0
