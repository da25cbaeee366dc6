"""The readiness check: four yes/no questions (bot/reading/flows.yaml), then a personal to-do list."""
from __future__ import annotations

from bot.core.messages import Button, Reply
from bot.core.payloads import Act, StaleButton, encode, menu_button
from bot.core.wording import say
from bot.dialogue.part import Part
from bot.dialogue.session import Pending, Waiting
from bot.dialogue.turn import Turn


class Readiness(Part):
    def start_ready(self, turn: Turn) -> None:
        turn.session.pending = Pending(Waiting.READY)
        self._send(turn, Reply(self._say(turn, "ready_intro")))
        self.ask_ready(turn, 0)

    def ready_buttons(self, i: int) -> tuple[Button, ...]:
        return (Button(say("btn_yes"), encode(Act.READY, i, "y")), Button(say("btn_no"), encode(Act.READY, i, "n")))

    def ask_ready(self, turn: Turn, i: int) -> None:
        self._send(turn, Reply(self._say(turn, self.flows.readiness[i].question), self.ready_buttons(i)))

    def resume_ready(self, turn: Turn, force: bool = False) -> None:
        """After a question asked mid-check: the check waits, one press away."""
        pending = turn.session.pending
        if not pending or pending.waiting != Waiting.READY:
            if force:
                raise StaleButton("ready:go")
            return
        i = len(pending.answers)
        self._send(turn, Reply(self._say(turn, "ready_resume", n=str(i + 1)), self.ready_buttons(i)))

    def on_ready(self, turn: Turn, i: int, yes: bool) -> None:
        pending = turn.session.pending
        if not pending or pending.waiting != Waiting.READY or i != len(pending.answers):
            raise StaleButton(f"ready {i}")
        pending.answers.append(yes)
        if len(pending.answers) < len(self.flows.readiness):
            self.ask_ready(turn, len(pending.answers))
            return
        turn.session.pending = None
        answers = pending.answers
        todo = [turn.answerer.entries[q.entry] for q, ok in zip(self.flows.readiness, answers) if not ok]
        if not todo:
            self._send(turn, Reply(self._say(turn, "ready_all_set"),
                                   (Button(say("btn_portal_search"), url=say("search_url")), menu_button())))
            return
        lines = [self._say(turn, "ready_todo")] + [f"{n}. {e.title} — {e.links[0].url}" for n, e in enumerate(todo, 1)]
        lines += [self._say(turn, q.note) for q, ok in zip(self.flows.readiness, answers) if not ok and q.note]
        self._send(turn, Reply("\n".join(lines), tuple(Button(e.title, encode(Act.ENTRY, e.id)) for e in todo)
                               + (menu_button(),)))
