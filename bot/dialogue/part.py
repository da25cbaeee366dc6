"""What every part of the dialogue shares: the collaborators it may use and the other parts it hands on to.

A part (browse, feedback, hand-offs…) is a small class given the engine; it reads only the storage, the
tickets, the flows, the intents and the clock from it (read at call time, so a test that sets the engine's
clock is obeyed), and reaches another part through `self.parts`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.messages import Reply
from bot.core.wording import say
from bot.dialogue.turn import Turn, send, speak

if TYPE_CHECKING:
    from bot.dialogue.asking import Asking
    from bot.dialogue.browse import Browse
    from bot.dialogue.buttons import Buttons
    from bot.dialogue.callbacks import Callbacks
    from bot.dialogue.deletion import Deletion
    from bot.dialogue.engine import Dialogue
    from bot.dialogue.feedback import Feedback
    from bot.dialogue.handoffs import Handoffs
    from bot.dialogue.pending import PendingSteps
    from bot.dialogue.readiness import Readiness
    from bot.dialogue.talk import Talk
    from bot.domain.desk_port import CommunityStorage
    from bot.domain.tickets import Tickets
    from bot.reading.flows import Flows
    from bot.reading.intents import IntentBook

_CONTEXT_MESSAGES = 6


@dataclass
class Parts:
    """The dialogue's parts, one per job, so that one part can hand a turn on to another."""
    talk: Talk
    pending: PendingSteps
    asking: Asking
    browse: Browse
    feedback: Feedback
    handoffs: Handoffs
    callbacks: Callbacks
    readiness: Readiness
    deletion: Deletion
    buttons: Buttons


class Part:
    def __init__(self, engine: Dialogue) -> None:
        self._engine = engine

    @property
    def storage(self) -> CommunityStorage:
        return self._engine.storage

    @property
    def tickets(self) -> Tickets:
        return self._engine.tickets

    @property
    def flows(self) -> Flows:
        return self._engine.flows

    @property
    def intents(self) -> IntentBook:
        return self._engine.intents

    @property
    def parts(self) -> Parts:
        return self._engine.parts

    def clock(self) -> float:
        return self._engine.now()

    @staticmethod
    def _say(turn: Turn, key: str, **values: str) -> str:
        return speak(turn, key, **values)

    def _send(self, turn: Turn, reply: Reply, entry_id: str | None = None) -> int:
        return send(self.storage, turn, reply, entry_id)

    def _context(self, user: str) -> str:
        """The last few messages, for the team that takes a ticket (stored redacted)."""
        rows = self.storage.recent_messages(user, _CONTEXT_MESSAGES)
        who = {"in": say("context_citizen"), "out": say("context_bot")}
        return "\n".join(f"{who[r['direction']]}: {(r['text'] or r['payload'] or '')[:200]}" for r in rows)
