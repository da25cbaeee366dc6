"""Commands ("hủy", "chủ đề"), the menu, and social turns (thanks, a person asked for, frustration…)."""
from __future__ import annotations

import datetime as dt

from bot.core.messages import Button, Reply
from bot.core.payloads import Act, encode, handoff_button, menu_button
from bot.core.wording import say
from bot.dialogue.part import Part
from bot.dialogue.session import Pending, Waiting
from bot.dialogue.share import share_button
from bot.dialogue.steps import is_procedural, split_steps
from bot.dialogue.turn import Turn
from bot.domain.chat_port import NeedKind
from bot.domain.tickets import WAITING
from bot.reading.intents import Intent, IntentMatch
from indexer.knowledge import KnowledgeEntry

# social, identity and safety turns answered in one line: (wording key, offer a person)
_JUST_FILED = dt.timedelta(minutes=10)   # "thôi khỏi" this soon after a ticket is about that ticket
_ONE_LINE = {Intent.IDENTITY: ("identity_reply", True), Intent.INSULT: ("insult_reply", True),
             Intent.CHITCHAT: ("chitchat_reply", False), Intent.INSTRUCTION: ("instruction_reply", False),
             Intent.OTHERS_DATA: ("others_data_reply", False), Intent.PRIVACY: ("privacy_reply", False)}


class Talk(Part):
    def on_command(self, turn: Turn, command: str) -> None:
        turn.session.pending = None
        if command == "start":
            self._send(turn, Reply(self._say(turn, "greeting"), self.menu_buttons()))
        elif command == "menu":
            self._send(turn, Reply(self._say(turn, "menu"), self.menu_buttons()))
        elif command == "help":
            self._send(turn, Reply(self._say(turn, "help"), self.menu_buttons()))
        elif command == "cancel":
            self._send(turn, Reply(self._say(turn, "cancelled"), (menu_button(),)))
        elif command == "handoff":
            self.parts.handoffs.handoff(turn)
        elif command == "readiness":
            self.parts.readiness.start_ready(turn)
        elif command == "delete":
            turn.session.pending = Pending(Waiting.DELETE)
            self._send(turn, Reply(self._say(turn, "delete_confirm"),
                                   (Button(say("btn_delete_yes"), encode(Act.DELETE, "y")),
                                    Button(say("btn_delete_no"), encode(Act.DELETE, "n")))))

    def on_role_claimed(self, turn: Turn) -> None:
        """Someone refused another person's data names their role: still refused, with why (this assistant reads
        no case files) and who can look a dossier up; asking again gets the same answer."""
        turn.session.refused = True
        self._send(turn, Reply(self._say(turn, "others_data_role_reply"), self._self_lookup(turn) + (menu_button(),)))

    def _self_lookup(self, turn: Turn) -> tuple[Button, ...]:
        """The guide on how a dossier's holder looks it up, offered with a refusal and kept as the one choice: "vậy
        ông ấy tự tra thì tra ở đâu" is asked of it."""
        entry = turn.answerer.entry(self.flows.self_lookup_entry)
        if entry is None:
            return ()
        turn.session.choices = [entry.id]
        return (Button(entry.title, encode(Act.ENTRY, entry.id)),)

    def menu_buttons(self) -> tuple[Button, ...]:
        topics = tuple(Button(title, encode(Act.TOPIC, t)) for t, title in self.flows.menu_topics.items())
        return topics + (Button(say("menu_readiness"), encode(Act.READY)), handoff_button())

    def on_intent(self, turn: Turn, match: IntentMatch, text: str = "") -> None:
        intent = match.intent
        if intent in (Intent.HANDOFF, Intent.CALLBACK):
            if Intent.COMPLAINT in match.also:
                self._send(turn, Reply(self._say(turn, "complaint_sorry")))
            self.parts.handoffs.handoff(turn, callback=intent == Intent.CALLBACK)
        elif intent == Intent.COMPLAINT:
            self._send(turn, Reply(self._say(turn, "complaint_reply"), (handoff_button(), menu_button())))
        elif intent == Intent.NOT_UNDERSTOOD:
            self.on_not_understood(turn)
        elif intent == Intent.NEXT_STEP:
            self.on_next_step(turn)
        elif intent == Intent.MENU:
            self.on_command(turn, "menu")
        elif intent == Intent.ABILITIES:
            self._send(turn, Reply(self._say(turn, "abilities_reply"), self.menu_buttons()))
        elif intent == Intent.GREETING:
            self._send(turn, Reply(self._say(turn, "greeting_again"), self.menu_buttons()))
        elif intent in (Intent.THANKS, Intent.BYE):
            # thanks and leave taken in one message ("dạ em cảm ơn, em ghi lại hết rồi", "cám ơn nha, bye"): both
            both = {Intent.THANKS, Intent.BYE} <= match.also | {intent}
            key = "thanks_bye_reply" if both else "thanks_reply" if intent == Intent.THANKS else "bye_reply"
            self._send(turn, Reply(self._say(turn, key), (menu_button(),)))
        elif intent in _ONE_LINE:   # never a ticket: a person is offered, not sent for
            turn.session.refused = intent == Intent.OTHERS_DATA
            key, offer_person = _ONE_LINE[intent]
            lookup = self._self_lookup(turn) if intent == Intent.OTHERS_DATA else ()
            self._send(turn, Reply(self._say(turn, key),
                                   lookup + ((handoff_button(),) if offer_person else ()) + (menu_button(),)))
        elif intent == Intent.SHARE:
            self.on_share(turn)
        elif intent == Intent.CLOSING:
            waiting = self.storage.user_needs(turn.user, WAITING)
            self._send(turn, Reply(self._say(turn, "closing_reply" if waiting else "thanks_reply"), (menu_button(),)))
        elif intent == Intent.CANCEL or (intent == Intent.NO and self._no_need_of_new_ticket(turn, text)):
            now = dt.datetime.fromtimestamp(self.clock(), dt.timezone.utc).isoformat(timespec="seconds")
            withdrawn = self.tickets.withdraw_last(turn.user, now)
            if withdrawn:
                self.storage.add_need_event(withdrawn.id, "withdrawn", None, now)   # the team sees who closed it
            text = self._say(turn, "cancel_done", need_id=str(withdrawn.id)) if withdrawn else self._say(turn, "ok_reply")
            self._send(turn, Reply(text, (menu_button(),)))
        else:  # a lone yes/no with nothing pending
            self._send(turn, Reply(self._say(turn, "ok_reply"), (menu_button(),)))

    def _no_need_of_new_ticket(self, turn: Turn, text: str) -> bool:
        """A bare "thôi khỏi" (no need) within minutes of a ticket the person asked for withdraws it: nothing else
        was asked of them (a "khỏi" answering a question is read at that step, before this)."""
        if "khoi" not in self.intents.words(text):
            return False
        now = dt.datetime.fromtimestamp(self.clock(), dt.timezone.utc)
        return any(need.kind != NeedKind.BAD_RATING.value and need.created_at
                   and now - dt.datetime.fromisoformat(need.created_at) <= _JUST_FILED
                   for need in self.storage.user_needs(turn.user, WAITING))

    def on_share(self, turn: Turn) -> None:
        """"gửi cái này vào nhóm zalo": the last answer's public page, one press away."""
        last = self.last_entry(turn)
        if last is None:
            self._send(turn, Reply(self._say(turn, "share_nothing"), (menu_button(),)))
            return
        self._send(turn, Reply(self._say(turn, "share_offer", title=last.title), (share_button(last.id), menu_button())))

    def on_not_understood(self, turn: Turn) -> None:
        """Offer what helps with the last answer: one step at a time, a person, the menu."""
        buttons: tuple[Button, ...] = ()
        last = self.last_entry(turn)
        if last and is_procedural(last.body):
            buttons += (Button(say("btn_steps"), encode(Act.STEPS, last.id, 1)),)
        self._send(turn, Reply(self._say(turn, "not_understood_reply"), buttons + (handoff_button(), menu_button())))

    def on_next_step(self, turn: Turn) -> None:
        """"rồi sao nữa" after a guide: its steps from the first, one at a time when staff wrote their detail, else
        the guide again under a line saying so; without a guide, as not understood."""
        last = self.last_entry(turn)
        if last is None or not split_steps(last.body):
            self.on_not_understood(turn)
        elif is_procedural(last.body):
            self.parts.browse.on_step(turn, last, 1)
        else:
            self._send(turn, Reply(self._say(turn, "next_step_all")))
            self.parts.browse.on_entry(turn, last)

    def last_entry(self, turn: Turn, procedure: bool = False) -> KnowledgeEntry | None:
        """The entry answered last; with `procedure`, the last one about a procedure."""
        rated = turn.session.rated
        latest = (turn.answerer.entry(rated[i].entry_id) for i in sorted(rated, key=int, reverse=True)
                  if not rated[i].asked_back)   # an ask-back answered nothing
        if not procedure:
            return next(latest, None)
        return next((e for e in latest if e is not None and e.procedures), None)

    @staticmethod
    def asked_about(turn: Turn, entry_id: str) -> str:
        """The questions lately answered with this entry, which say which of its procedures is meant."""
        return " ".join(r.question or "" for r in turn.session.rated.values() if r.entry_id == entry_id)

    def drop_pending(self, turn: Turn, word: str | None) -> None:
        turn.session.pending = None
        if word:
            self._send(turn, Reply(self._say(turn, word)))
