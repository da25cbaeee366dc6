"""A pressed button: checked (offered to this citizen, still meaningful), then handed to its part through one
table from `Act` to a handler. A button that no longer means anything gets a word and the menu, never an error."""
from __future__ import annotations

import logging
from functools import cached_property
from typing import Callable

from bot.core.messages import Reply
from bot.core.payloads import Act, Payload, StaleButton, parse
from bot.dialogue import several_questions as several
from bot.dialogue.part import Part
from bot.dialogue.place_choice import on_place
from bot.dialogue.render import more_replies
from bot.dialogue.session import Waiting
from bot.dialogue.turn import Turn

log = logging.getLogger("bot.dialogue")
# buttons that file a ticket or act on one: valid only when the engine offered them to this citizen
_OFFERED_ONLY = {Act.HANDOFF, Act.ASK_TEAM, Act.REPHRASE, Act.STUCK, Act.SEND_STUCK, Act.CALLBACK, Act.KEEP_COMMENT}

Handler = Callable[[Turn, Payload], None]


class Buttons(Part):
    def on_payload(self, turn: Turn, text: str) -> None:
        try:
            payload = parse(text)
            if payload.act in _OFFERED_ONLY and text not in turn.session.offered:
                raise StaleButton(text)   # forged, or from a conversation that has moved on
            pending = turn.session.pending
            if pending and pending.waiting == Waiting.REASON and payload.act not in (Act.WHY, Act.RATE):
                turn.session.pending = None   # pressed on: the next words are not the 👎's reason
            handler = self._table.get(payload.act)
            if handler is not None:
                handler(turn, payload)
        except StaleButton:
            log.info("stale button %r", text[:64])
            self._send(turn, Reply(self._say(turn, "unknown_button"), self.parts.talk.menu_buttons()))

    @cached_property
    def _table(self) -> dict[Act, Handler]:
        """Which part a button goes to, and with which of its arguments."""
        p = self.parts
        return {
            Act.START: lambda turn, _: p.talk.on_command(turn, "start"),
            Act.MENU: lambda turn, _: p.talk.on_command(turn, "menu"),
            Act.HELP: lambda turn, _: p.talk.on_command(turn, "help"),
            Act.HANDOFF: lambda turn, _: p.handoffs.handoff(turn),
            Act.ASK_TEAM: lambda turn, _: p.handoffs.on_ask_team(turn),
            Act.REPHRASE: lambda turn, _: p.handoffs.on_rephrase(turn),
            Act.READY: self._ready,
            Act.TOPIC: lambda turn, b: p.browse.on_topic(turn, b.args[0], b.int(1) if len(b.args) > 1 else 0),
            # the part the last question asked comes first ("cần giấy tờ gì" → documents)
            Act.ENTRY: lambda turn, b: p.browse.on_entry(turn, p.browse.entry(turn, b.args[0],
                                                                              turn.session.last_question or "")),
            Act.MORE: self._more,
            Act.STEPS: lambda turn, b: p.browse.on_step(turn, p.browse.entry(turn, b.args[0]), b.int(1)),
            Act.STUCK: lambda turn, b: p.browse.on_stuck(turn, p.browse.entry(turn, b.args[0]), b.int(1)),
            Act.SEND_STUCK: self._send_stuck,
            Act.RATE: lambda turn, b: p.feedback.on_rate(turn, b.int(0), b.args[1]),
            Act.WHY: lambda turn, b: p.feedback.on_reason(turn, b.int(0), b.args[1]),
            Act.SKIP: lambda turn, _: p.feedback.on_skip(turn),
            Act.KEEP_COMMENT: lambda turn, b: p.feedback.on_keep_comment(turn, b.int(0)),
            Act.DELETE: self._delete,
            Act.PLACE: self._place,
            Act.QUESTION: self._other_question,
            Act.CALLBACK: self._callback,
        }

    def _other_question(self, turn: Turn, b: Payload) -> None:
        """Another question of the citizen's own message: asked afresh, not read against the choices the previous
        turn offered (a volunteer's second villager is no follow-up of the first one's options)."""
        turn.choices = []
        self.parts.asking.on_question(turn, several.pressed(turn.session.questions, b))

    def _ready(self, turn: Turn, b: Payload) -> None:
        if not b.args:
            self.parts.readiness.start_ready(turn)
        elif b.args == ("go",):
            self.parts.readiness.resume_ready(turn, force=True)
        else:
            self.parts.readiness.on_ready(turn, b.int(0), b.args[1] == "y")

    def _more(self, turn: Turn, b: Payload) -> None:
        for reply in more_replies(self.parts.browse.entry(turn, b.args[0]), turn.you):
            self._send(turn, reply)

    def _send_stuck(self, turn: Turn, _: Payload) -> None:
        pending = turn.session.pending
        if not pending or pending.waiting != Waiting.STUCK:
            raise StaleButton("send_stuck")
        self.parts.handoffs.file_stuck(turn, pending, None)

    def _delete(self, turn: Turn, b: Payload) -> None:
        if not turn.session.pending or turn.session.pending.waiting != Waiting.DELETE:
            raise StaleButton("delete")
        self.parts.deletion.on_delete(turn, b.args[0] == "y")

    def _place(self, turn: Turn, b: Payload) -> None:
        try:
            self._send(turn, on_place(self.storage, turn.user, list(b.args), turn.you))
        except (KeyError, ValueError) as exc:   # a team or province that no longer exists
            raise StaleButton(b.text) from exc

    def _callback(self, turn: Turn, b: Payload) -> None:
        pending = turn.session.pending
        if not pending or pending.waiting not in (Waiting.CALLBACK, Waiting.PHONE):
            if not self.parts.callbacks.stale_callback(turn, b.args[0] == "y"):
                raise StaleButton("callback")
            return
        self.parts.callbacks.on_callback_choice(turn, b.args[0] == "y")
