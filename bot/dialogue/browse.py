"""Browsing without typing: a topic's entries, one entry, and one step at a time ("Làm từng bước")."""
from __future__ import annotations

from bot.core.messages import Button, Reply
from bot.core.payloads import Act, StaleButton, encode, menu_button
from bot.core.wording import say, speak_to
from bot.dialogue.part import Part
from bot.dialogue.render import entry_replies
from bot.dialogue.session import Pending, Waiting
from bot.dialogue.steps import is_procedural, split_steps
from bot.dialogue.turn import Turn
from indexer.knowledge import KnowledgeEntry

TOPIC_PAGE = 6


class Browse(Part):
    @staticmethod
    def entry(turn: Turn, entry_id: str, question: str = "") -> KnowledgeEntry:
        entry = turn.answerer.entry(entry_id, question)
        if entry is None:  # removed from the knowledge since the button was sent
            raise StaleButton(entry_id)
        return entry

    def on_topic(self, turn: Turn, topic: str, page: int) -> None:
        entries = [e for e in turn.answerer.entries.values() if e.topic == topic]
        shown = entries[page * TOPIC_PAGE:(page + 1) * TOPIC_PAGE]
        if not shown:
            raise StaleButton(topic)
        name = turn.answerer.topics.get(topic, self.flows.menu_topics.get(topic, topic))
        buttons = tuple(Button(e.title, encode(Act.ENTRY, e.id)) for e in shown)
        if len(entries) > (page + 1) * TOPIC_PAGE:
            buttons += (Button(say("btn_more_topics"), encode(Act.TOPIC, topic, page + 1)),)
        self._send(turn, Reply(self._say(turn, "topic_intro", topic=name), buttons + (menu_button(),)))

    def on_entry(self, turn: Turn, entry: KnowledgeEntry) -> None:
        turn.session.unanswered = None
        turn.session.misses = 0
        self.parts.asking.send_all(turn, entry_replies(entry, [], self.parts.asking.same_topic(turn, entry), turn.you),
                       turn.session.last_question or entry.title)

    def on_step(self, turn: Turn, entry: KnowledgeEntry, n: int) -> None:
        steps = split_steps(entry.body)
        if not is_procedural(entry.body) or not 1 <= n <= len(steps) + 1:
            raise StaleButton(f"steps {n}")
        if n == len(steps) + 1:
            answer_id = self._send(turn, Reply(self._say(turn, "steps_finished")), entry_id=entry.id)
            self.parts.asking.rate_prompt(turn, answer_id, entry.id, turn.session.last_question or entry.title)
            return
        step = steps[n - 1]
        text = self._say(turn, "step", n=str(n), total=str(len(steps)), text=speak_to(step.text, turn.you))
        if step.detail:
            text += "\n" + self._say(turn, "step_detail", detail=speak_to(step.detail, turn.you))
        buttons = (Button(say("btn_done"), encode(Act.STEPS, entry.id, n + 1)),
                   Button(say("btn_stuck"), encode(Act.STUCK, entry.id, n)))
        if n > 1:
            buttons += (Button(say("btn_step_back"), encode(Act.STEPS, entry.id, n - 1)),)
        self._send(turn, Reply(text, buttons))

    def on_stuck(self, turn: Turn, entry: KnowledgeEntry, n: int) -> None:
        if not 1 <= n <= len(split_steps(entry.body)):
            raise StaleButton(f"stuck {n}")
        turn.session.pending = Pending(Waiting.STUCK, entry_id=entry.id, step=n)
        self._send(turn, Reply(self._say(turn, "stuck_ask", n=str(n)),
                               (Button(say("btn_send_stuck"), encode(Act.SEND_STUCK)),
                                Button(say("btn_back_to_step", n=str(n)), encode(Act.STEPS, entry.id, n)))))
