"""Button payloads through one codec: `encode` when a button is made, `parse` when it comes back.

A payload is "name" or "name:arg:arg". Anything that does not parse — an old
button, a forged or truncated payload — raises `StaleButton`, the one error the
engine answers with "Nút này đã cũ"; other errors are real bugs and surface.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from bot.core.messages import MAX_PAYLOAD_BYTES, Button
from bot.core.wording import say


class StaleButton(Exception):
    """A pressed button the engine cannot (or may no longer) act on."""


class Act(str, Enum):
    START = "start"
    MENU = "menu"
    HELP = "help"
    HANDOFF = "handoff"          # ask for a person
    ASK_TEAM = "ask_team"        # send the unanswered question to the team
    REPHRASE = "rephrase"        # "Không phải các ý trên": try other words first
    READY = "ready"              # start (no args), resume ("go"), or answer question i: y|n
    TOPIC = "topic"              # topic code, page
    ENTRY = "entry"              # entry id
    MORE = "more"                # the rest of a long answer
    STEPS = "steps"              # entry id, step number (1-based; total + 1 = finished)
    STUCK = "stuck"              # entry id, step number
    RATE = "rate"                # answer message id, up|down
    WHY = "why"                  # rating id, reason code
    SKIP = "skip"                # no comment after a reason
    KEEP_COMMENT = "keep"        # rating id: save the message taken for a question as its comment after all
    DELETE = "delete"            # y|n
    CALLBACK = "callback"        # y|n: leave a phone number for the ticket in progress
    SEND_STUCK = "send_stuck"    # send the stuck ticket without saying more
    PLACE = "place"              # where the citizen lives: p <province> | t <team id> | o <province> | skip
    QUESTION = "question"        # another question of a long message: its index in the session, a tag of its text


# an entry id, or a catalogue card's: "tthc:1.004194" travels as "tthc.1.004194" (":" separates arguments)
_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*|tthc\.\d+\.\d+"
_CARD, _CARD_ARG = "tthc:", "tthc."
_INT = r"-?\d{1,9}"
# the arguments each act accepts, as regular expressions; one tuple per accepted shape
_SHAPES: dict[Act, tuple[tuple[str, ...], ...]] = {
    Act.START: ((),), Act.MENU: ((),), Act.HELP: ((),), Act.HANDOFF: ((),), Act.ASK_TEAM: ((),),
    Act.REPHRASE: ((),), Act.SKIP: ((),), Act.SEND_STUCK: ((),), Act.KEEP_COMMENT: ((r"\d{1,12}",),),
    Act.READY: ((), ("go",), (r"\d", "[yn]")),
    Act.TOPIC: ((_ID,), (_ID, r"\d{1,3}")),
    Act.ENTRY: ((_ID,),), Act.MORE: ((_ID,),),
    Act.STEPS: ((_ID, _INT),), Act.STUCK: ((_ID, _INT),),
    Act.RATE: ((r"\d{1,12}", "up|down"),),
    Act.WHY: ((r"\d{1,12}", "wrong|unclear|off_topic|other"),),
    Act.DELETE: (("[yn]",),), Act.CALLBACK: (("[yn]",),),
    Act.PLACE: (("skip",), ("[po]", _ID), ("t", r"\d{1,9}")),
    Act.QUESTION: ((r"\d", "[0-9a-f]{6}"),),
}


@dataclass(frozen=True)
class Payload:
    act: Act
    args: tuple[str, ...] = ()

    def int(self, i: int) -> int:
        return int(self.args[i])

    @property
    def text(self) -> str:
        return ":".join((self.act.value, *self.args))


def id_arg(entry_id: str) -> str:
    """An entry id as it travels in a payload or a link: a card's "tthc:1.004194" becomes "tthc.1.004194"."""
    return entry_id.replace(_CARD, _CARD_ARG, 1) if entry_id.startswith(_CARD) else entry_id


def id_of_arg(arg: str) -> str | None:
    """The entry id an argument spells (the inverse of `id_arg`); None when it is not an id at all."""
    if len(arg) > MAX_PAYLOAD_BYTES or not re.fullmatch(_ID, arg):
        return None
    return arg.replace(_CARD_ARG, _CARD, 1) if arg.startswith(_CARD_ARG) else arg


def encode(act: Act, *args: object) -> str:
    text = Payload(act, tuple(id_arg(str(a)) for a in args)).text
    parse(text)  # a button the engine makes must be one it accepts back
    return text


def parse(text: str) -> Payload:
    if not text or len(text.encode()) > MAX_PAYLOAD_BYTES:
        raise StaleButton(text)
    name, *args = text.split(":")
    try:
        act = Act(name)
    except ValueError:
        raise StaleButton(text) from None
    if not any(len(shape) == len(args) and all(re.fullmatch(p, a) for p, a in zip(shape, args))
               for shape in _SHAPES[act]):
        raise StaleButton(text)
    return Payload(act, tuple(a.replace(_CARD_ARG, _CARD, 1) if a.startswith(_CARD_ARG) else a for a in args))


# The two buttons every flow offers, and the desk too when it writes to a citizen.
def menu_button() -> Button:
    return Button(say("btn_menu"), encode(Act.MENU))


def handoff_button() -> Button:
    return Button(say("menu_handoff"), encode(Act.HANDOFF))


def is_rating(payload: str | None) -> bool:
    """A 👍/👎 button's payload: never an option to number, nor a way to go on."""
    return bool(payload) and payload.startswith(f"{Act.RATE.value}:")


def rate_buttons(message_id: int, up: bool = True) -> tuple[Button, ...]:
    """👍/👎 on a stored reply; only 👎 on one that answered nothing (there is nothing to be glad of, but a
    citizen must still be able to say it did not help: the satisfaction figure counts every reply)."""
    down = Button(say("btn_down"), encode(Act.RATE, message_id, "down"))
    return (Button(say("btn_up"), encode(Act.RATE, message_id, "up")), down) if up else (down,)


def ask_team_button() -> Button:
    """"Gửi câu hỏi cho tổ hỗ trợ": the question left unanswered goes to the commune team."""
    return Button(say("btn_ask_team"), encode(Act.ASK_TEAM))
