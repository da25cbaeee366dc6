"""A message that carries several questions: each is asked, the clearest answered, the others offered as buttons.

The pieces come from `bot.reading.split_questions` and are searched with `search_words`
(no dossier code, name or ID number). A button payload holds at most 64 bytes,
so the other questions wait in the session and a button carries their index and
a tag of their text: a button from an older list is a stale button.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from bot.core.messages import Button, Reply
from bot.core.payloads import Act, Payload, StaleButton, encode
from bot.core.wording import say
from bot.privacy.people import people
from bot.privacy.redact import search_words
from bot.reading.split_questions import Piece, split_questions
from bot.retrieval.answerer import Answerer
from bot.retrieval.answers import Answer
from bot.retrieval.decision import Kind
from indexer.vntext import fold, has_diacritics, syllables

MAX_TITLE = 60
_OTHER_WORDS = 10    # "cảm ơn, còn cái kia thì sao" is short; a longer message is a question of its own,
_NAMED_WORDS = 20    # … unless it names someone an earlier question was about: read with that question
# folded: how people point at the other question of their last message
_THE_OTHER = ("cai kia", "cau kia", "viec kia", "vu kia", "ca kia", "nguoi kia", "bac kia", "truong hop kia",
              "cai con lai", "cau con lai", "viec con lai", "may cai con lai", "cai sau", "cau sau", "viec sau",
              "cai thu 2", "cau thu 2", "viec thu 2", "cai thu hai", "cau thu hai", "viec thu hai", "cau 2", "viec 2",
              "truong hop 2", "truong hop thu 2", "cau tiep", "cai tiep", "viec tiep")
_RANK = {Kind.ANSWER.value: 2, Kind.CLARIFY.value: 1, Kind.DONT_KNOW.value: 0}


@dataclass(frozen=True)
class Asked:
    text: str      # what was searched: the piece's words without anything identifying
    title: str     # the piece as a button shows it
    answer: Answer


def pieces(text: str) -> list[tuple[str, str, str]]:
    """(search words, title, the piece as typed) of each question of a message that carries several; [] for one
    question."""
    found = [(search_words(p.text), title(p), p.text) for p in split_questions(text)]
    found = [(words, shown, typed) for words, shown, typed in found if any(c.isalpha() for c in words)]
    return found if len(found) >= 2 else []


def name_tags(key: bytes, text: str) -> list[str]:
    """Keyed tags of the given names of the people a text names ("bà Đỗ Thị Mai", "anh Khoa"): a piece is found
    again by who it was about, and the session never holds a name."""
    names = [fold(text[s:e].split()[-1]) for s, e in people(text)]
    return [hmac.new(key, n.encode(), hashlib.sha256).hexdigest()[:12] for n in dict.fromkeys(names)]


def ask_all(answerer: Answerer, text: str, province: str | None = None) -> tuple[Answer, ...]:
    """What a typed message needs looked up, before the turn: each question when it carries several, and the whole
    message when none of them is answered (it is then handled as one question)."""
    answers = tuple(answerer.ask(words, province) for words, _, _ in pieces(text))
    if apart(answers):
        return answers
    return answers + (answerer.ask(text, province),)


def apart(answers: tuple[Answer, ...] | list[Answer]) -> bool:
    """The pieces are handled one by one when one is answered, or when two or more get "Ý bạn là…?": a volunteer
    asking about "sổ hộ nghèo" for one villager and "người khuyết tật" for another has two questions, each with
    its choices, and the whole message would keep only one of them."""
    kinds = [a.kind for a in answers]
    return Kind.ANSWER.value in kinds or kinds.count(Kind.CLARIFY.value) >= 2


def clearest(asked: list[Asked]) -> Asked | None:
    """The piece to take first: an answer beats "Ý bạn là…?", which beats don't-know; then the more confident one.
    None when the pieces are not handled apart (`apart`): the message is then handled whole."""
    if not apart([a.answer for a in asked]):
        return None
    return max(asked, key=lambda a: (_RANK.get(a.answer.kind, -1), a.answer.score))


def title(piece: Piece) -> str:
    """The question, with as much of its context before it as fits MAX_TITLE characters ("Bác mất thẻ căn cước. Làm
    lại ở đâu?"); a longer question readably cut at a word. Identifying words left out."""
    words = search_words(piece.question)
    for before in reversed(piece.context):
        longer = f"{search_words(before)} {words}".strip()
        if len(longer) > MAX_TITLE:
            break
        words = longer
    words = words[:1].upper() + words[1:]
    if len(words) <= MAX_TITLE:
        return words
    cut = words[:MAX_TITLE]
    clause = max(cut.rfind(", "), cut.rfind("; "))
    cut = cut[:clause] if clause >= MAX_TITLE // 2 else cut.rsplit(" ", 1)[0]   # at a clause end when one is near
    return cut.rstrip(" ,;:.-") + "…"


def readable(shown: str, answerer: Answerer) -> str:
    """A title typed without marks, restored as its question was read ("Bà 75 tuổi muốn xin trợ cấp người cao
    tuổi", not "Ba 75 tuoi muon…"): a button an older citizen can read back."""
    if has_diacritics(shown):
        return shown
    said = answerer.normalizer.normalize(shown.rstrip("…")).said
    return (said[:1].upper() + said[1:] + ("…" if shown.endswith("…") else "")) if said else shown


def _tag(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:6]


def offer(others: list[Asked], you: str) -> Reply:
    """One bubble, one button per other question; pressing one asks it as if typed."""
    return Reply(say("several_questions_offer", you=you),
                 tuple(Button(a.title, encode(Act.QUESTION, i, _tag(a.text))) for i, a in enumerate(others)))


def pressed(questions: list[str], payload: Payload) -> str:
    """The question a button stands for; a button of an older list, or of none, is stale."""
    i, tag = payload.int(0), payload.args[1]
    if i >= len(questions) or _tag(questions[i]) != tag:
        raise StaleButton(payload.text)
    return questions[i]


def asked_for(questions: list[str], last: str | None, text: str, named: dict[str, str] | None = None,
              key: bytes = b"", longer: bool = True) -> str | None:
    """"còn cái kia thì sao", "còn việc thứ 2": the first other question of the last long message not yet answered
    last; "còn việc của bà Mai thì sao": the one about her (`named`: tags of the people each question named, as
    `name_tags`), and a longer one about her read with it unless not `longer` (it is something else: someone's
    data asked for); None when the message points at none."""
    length = len(syllables(text))
    if not (questions or named) or length > (_NAMED_WORDS if longer else _OTHER_WORDS):
        return None
    about = [named[t] for t in name_tags(key, text) if t in named] if named else []
    if about:   # longer, it asks more about her: read with her case ("bà Nhàn … có phải đóng tiền không")
        return about[0] if length <= _OTHER_WORDS else f"{about[0]}. {text}"
    if length > _OTHER_WORDS:
        return None
    said = f" {' '.join(fold(s) for s in syllables(text))} "
    if not any(f" {cue} " in said for cue in _THE_OTHER):
        return None
    return next((q for q in questions if q != last), None)
