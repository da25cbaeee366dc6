"""Questions and answers: retrieval's answer, follow-ups about the entry just answered, several
questions in one message, glossary terms and referrals; answers from an entry are stored and get rating buttons."""
from __future__ import annotations

import dataclasses
import re
from dataclasses import replace

from bot.core.messages import Button, Reply
from bot.core.payloads import Act, ask_team_button, encode, handoff_button, menu_button, rate_buttons
from bot.core.wording import speak_to
from bot.dialogue import several_questions as several
from bot.dialogue.handoff_words import load_handoff_words
from bot.dialogue.new_subject import (
    SUBJECTLESS_WORDS,
    own_question,
    referred_elsewhere,
    says_no_subject_of,
    with_subject,
)
from bot.dialogue.part import Part
from bot.dialogue.render import answer_replies, choices_reply, dont_know_replies, focused_replies, short_label
from bot.dialogue.turn import Turn
from bot.privacy.redact import redact
from bot.reading.at_length import loosely_social
from bot.reading.intents import Intent, IntentMatch
from bot.retrieval.answers import Answer
from bot.retrieval.aspects import asked_aspect
from bot.retrieval.decision import Kind
from bot.retrieval.follow_up import Focused, has_cue, points_back
from bot.retrieval.procedure_card import COMPARABLE, states_duration
from bot.retrieval.question_says import names_an_option
from bot.retrieval.tier_arbitration import filed_already
from indexer.knowledge import KnowledgeEntry
from indexer.terms import Referral, Term
from indexer.vntext import syllables

_MISSES_BEFORE_OFFER = 2
_NOT_ASKING = frozenset({Intent.GREETING, Intent.THANKS, Intent.BYE})
_OPTIONS_NEAR = 0.45   # options this near are what a message asks, not a guess a referral should replace
_OWN_OPTIONS = 0.6   # options this sure are the question's own subject, not a follow-up of the answer before



# where a guide's title stops naming its subject and starts asking about it
_TITLE_ASKS = re.compile(r"\s+(?:là|thì|khác nhau|thế nào|như thế nào|ở đâu|bao nhiêu|giá)\b|[,?:(]", re.I)


def _subject(title: str) -> str:
    """The subject a guide's title names: "Chữ ký số cá nhân" of "Chữ ký số cá nhân là gì, dùng để làm gì?"."""
    return _TITLE_ASKS.split(title, maxsplit=1)[0].strip() or title


def _noted(turn: Turn, question: str, of_choices: bool = False, about: str | None = None) -> None:
    """The (redacted) question asked last, and what a ticket would be about: the person's problem, not how they
    said it. A part asked of choices still open adds to the question they were offered for ("trễ mấy ngày thì bị
    phạt" of the death procedures is still about the death, which alone it does not say); one asked of an answer
    is said with its title `about` ("thế đổi ở đâu" of the driving licence's)."""
    turn.session.last_question = question
    problem = load_handoff_words().problem(question)
    if problem and of_choices and turn.session.problem and problem not in turn.session.problem:
        problem = f"{turn.session.problem} / {problem}"
    elif problem and about:
        problem = f"{about}: {problem}"
    turn.session.problem = problem or turn.session.problem


def _answered_last(turn: Turn) -> str | None:
    """The entry of the bot's last reply that can be rated, when that reply answered (not an ask-back)."""
    rated = turn.session.rated
    newest = rated[max(rated, key=int)] if rated else None
    return newest.entry_id if newest is not None and not newest.asked_back else None


class Asking(Part):
    def on_terms(self, turn: Turn, text: str, terms: tuple[Term, ...]) -> None:
        """"X là gì": one or two sentences from the glossary, the related entry one press away. Not a search."""
        _noted(turn, redact(text))
        buttons: list[Button] = []
        for term in terms:
            text_of = speak_to(term.text, turn.you)
            self._send(turn, Reply(self._say(turn, "glossary_reply", term=term.name, text=text_of)))
            entry = turn.answerer.entry(term.entry)
            if entry is not None:
                buttons.append(Button(entry.title, encode(Act.ENTRY, entry.id)))
        last = turn.replies[-1]
        turn.replies[-1] = replace(last, buttons=tuple(buttons) + (menu_button(),))
        turn.unsaved[turn.unsaved.index(last)] = turn.replies[-1]

    def referral(self, turn: Turn, text: str, row: Referral | None = None) -> bool:
        """A subject we do not cover: who handles it and where, instead of the generic don't-know. `row`: the
        referral already found for `text`."""
        row = row or turn.answerer.glossary.referral(text)
        if row is None:
            return False
        buttons = (ask_team_button(), menu_button())
        entry = turn.answerer.entry(row.entry)
        if entry is not None:
            buttons = (Button(entry.title, encode(Act.ENTRY, entry.id)),) + buttons
        self._send(turn, Reply(self._say(turn, "referral_reply", who=speak_to(row.who, turn.you),
                                              text=speak_to(row.text, turn.you)),
                               buttons))
        return True

    def on_question(self, turn: Turn, text: str, answer: Answer | None = None,
                     first_wording: str | None = None) -> None:
        answer = answer or turn.ask(self.intents.question_part(text))   # no search words from venting
        if len(turn.choices) >= 2 and (own_question(turn, text, answer) or (
                filed_already(text) and not turn.answerer.only_aspect(text))):
            # a question of its own, or about a dossier already filed ("nộp xong rồi đóng tiền online kiểu gì"
            # after the household-business procedures is about paying, not which of them is done online)
            turn.choices = []
        kept = turn.answerer.narrow_choices(turn.choices, text) if len(turn.choices) >= 2 else []
        if kept:   # "làm ở xã" picks the commune's option before it asks where
            self.narrowed(turn, kept)
            return
        if len(turn.choices) >= 2 and turn.answerer.only_aspect(text):
            self.which_one(turn, text)
            return
        focus = self.parts.talk.last_entry(turn)
        if referred_elsewhere(turn, text, answer, focus):
            focus, turn.choices = None, []   # its own subject, someone else's: answered below with the referral
        if turn.choices and (answer.kind != Kind.ANSWER.value or points_back(text)
                             or says_no_subject_of(answer, turn.choices)):
            # "ông nội làm được không" right after "Ý bạn là…?": the first option a part of which answers (the
            # liên thông guide was offered first, the birth guide saying "ông hoặc bà" second)
            shared_case = with_subject(turn, text, turn.choices) if len(turn.choices) >= 2 else None
            if shared_case is not None and shared_case.kind == Kind.ANSWER.value:
                # a new case of what the choices are about, sure: "tết về quê nghỉ 1 tháng có phải báo tạm ngưng
                # không" after the household-business procedures is their pause, not a part asked of them
                answer, turn.choices = shared_case, []
            elif len(turn.choices) >= 2 and asked_aspect(text) is not None:
                # "tôi đi lại khó khăn, con tôi làm thay được không" after two procedures: a part every procedure
                # has, asked of choices not yet made, is the citizen's to place (the first, whose card alone said
                # who may file, had been answered as if chosen)
                self.which_one(turn, text)
                return
            for choice in turn.choices:
                read = turn.answerer.in_context(choice, text, answer)
                if isinstance(read, Focused) and read.passage:
                    if len(turn.choices) == 1:   # the one guide offered, never shown: all of it, the part first
                        self.narrowed(turn, [choice])
                    else:
                        self.on_focused(turn, text, read)
                    return
            if shared_case is not None and has_cue(text):   # "còn nếu…" of what the choices share, not of them
                answer, turn.choices = shared_case, []
            elif len(turn.choices) == 1 and turn.answerer.context.guessed_only(answer):
                # the one guide offered beats the catalogue's guess: "thế ông ấy tự tra thì làm thế nào" after a
                # refusal that offered how a dossier's holder looks it up had got associations dissolving themselves
                self.narrowed(turn, turn.choices)
                return
            elif self._silent_on_choices(turn, text, answer):
                return
        aspect = turn.answerer.only_aspect(text) if focus is not None and not focus.procedures else None
        lines = turn.answerer.context.own_lines(focus.id, (aspect,)) if aspect is not None else []
        # a time line must state one: "chọn lấy từ kho" shares only a time cue's everyday words
        if aspect is not None and (focus.provinces or not [line for line in lines
                                                           if aspect != "time" or states_duration(line)]):
            # "lệ phí bn" after "tôi ở Hà Tĩnh" was answered with the province's guide, "nộp xong bao lâu thì có"
            # after the passport guide and then the one on uploading papers, which says nothing of time: the part
            # asked is the procedure's before it
            focus = self.parts.talk.last_entry(turn, procedure=True) or focus
        if focus is not None and not turn.choices and answer.kind == Kind.DONT_KNOW.value:
            # nothing alone, a new case of what was answered: "tết về quê nghỉ hơn 1 tháng có phải báo tạm ngưng
            # không" after the household business's registration is its pause, not where to register
            again = with_subject(turn, text, [focus.id])
            if again is not None and again.kind == Kind.ANSWER.value:
                answer, focus = again, None
        if focus is not None:
            read = turn.answerer.in_context(focus.id, text, answer, self.parts.talk.asked_about(turn, focus.id))
            silent = read.passage is None if isinstance(read, Focused) else read.kind == Kind.DONT_KNOW.value
            carried = self._carried(turn, focus, text) if silent else None
            if carried is not None:   # "vậy còn phí bn" after where to register a signature: the price guide
                answer = carried
            elif isinstance(read, Focused):
                self.on_focused(turn, text, read)
                return
            else:
                answer = read
        if (focus is not None and answer.kind == Kind.CLARIFY.value and answer.score < _OWN_OPTIONS
                and focus.id not in {o.id for o in answer.options} and _answered_last(turn) == focus.id
                and not (answer.query and names_an_option(answer.query, [o.title for o in answer.options]))
                and not turn.answerer.glossary.referral(text)):
            # unclear alone, asked right after an answer: that answer's subject is the likeliest choice ("hôm hẹn ký
            # thì 2 đứa phải cùng lên hay 1 đứa đi cũng đc" after the marriage guide had been offered other guides);
            # not beside options sure of their own subject or named by the question ("mẹ em 78 tuổi, ko có lương
            # hưu, muốn xin trợ cấp" after the death guide), nor where a referral replaces them
            kept = answer.options[:max(len(answer.options) - 1, 1)]   # as many choices as before, or two
            answer = dataclasses.replace(answer, options=(focus, *kept))
        self.storage.set_outcome(turn.in_id, answer.kind, answer.entry.id if answer.entry else None)
        question = redact(text)
        _noted(turn, question)
        session = turn.session
        if answer.kind == Kind.ANSWER.value:
            session.misses = 0
            session.unanswered = None
        elif answer.kind in (Kind.CLARIFY.value, Kind.DONT_KNOW.value):
            session.unanswered = f"{first_wording} / {question}" if first_wording else question
            # choices still on screen outlive a message nothing answers ("trời mưa quá, không ra đồng được" between
            # the land procedures and "sửa tên vậy có tốn tiền không")
            session.choices = [o.id for o in answer.options] or (turn.choices if not answer.entry else [])
            session.misses += answer.kind == Kind.DONT_KNOW.value
        # a referral replaces don't-know, or options that are only catalogue procedures not all of which name the
        # subject referred as precisely as the question ("làm thẻ bhyt" keeps "Thủ tục cấp thẻ bảo hiểm y tế";
        # "xét tuyển đại học" asked is referred, though "Đăng ký xét tuyển học theo chế độ cử tuyển" says "xét
        # tuyển"): never our own entries
        glossary = turn.answerer.glossary
        # read with abbreviations spelt out too: "xét tuyển đh" says "xét tuyển đại học", "vay vốn sv" a student loan
        spelt = answer.query.text if answer.query is not None else text
        row = glossary.referral(text) or glossary.referral(spelt)
        asking = (self.intents.lone_question(text)
                  if row is not None and answer.options and answer.score >= _OPTIONS_NEAR else None)
        if asking and glossary.referral(asking) is None:
            # the subject referred is only what happened, the one clause that asks is about the options: "bão lũ
            # cuốn trôi hết nhà cửa, mất luôn cái sổ đỏ. giờ xin lại sổ đỏ ở đâu" had been sent to the commune for
            # disaster relief instead of being offered the land certificate's reissue
            row = None
        naming = [o for o in answer.options if row is not None and glossary.names_subject(row, o.title)]
        precise = [o for o in naming if glossary.names_subject(row, o.title, f"{text} {spelt}")]
        # the portal's options not near ("thẻ bhyt … sắp hết hạn, gia hạn ở đâu" offered the card's issue and
        # exchange, none a renewal) are a guess the referral replaces; those naming its subject still follow it
        referable = row is not None and (answer.kind == Kind.DONT_KNOW.value or (
            answer.kind == Kind.CLARIFY.value and all(o.from_catalogue for o in answer.options)
            and (answer.score < _OPTIONS_NEAR or len(precise) < len(answer.options))))
        if referable and self.referral(turn, text, row):
            session.misses -= answer.kind == Kind.DONT_KNOW.value   # someone else's subject, not a miss of ours
            # options never shown are no choices ("trời có mưa không" was asked of them); the portal's procedures
            # that name the subject are offered after the referral ("xét tuyển đại học online đk ở đâu" had been
            # offered them beside "Đăng ký xe lần đầu", and no word of who handles admissions)
            session.choices = [o.id for o in naming]
            if naming:
                self._send(turn, choices_reply(self._say(turn, "referral_procedures"), naming))
            return
        social = loosely_social(self.intents, text) if answer.kind == Kind.DONT_KNOW.value and not first_wording \
            else None
        if social is not None:
            # nothing answers it and it says something social at length: that is answered, not "chưa có hướng dẫn"
            # ("tối nay coi bóng đá không bot, MU đá đó", "kính chào, tôi là trưởng thôn ở Quảng Trị")
            self.parts.talk.on_intent(turn, IntentMatch(social, frozenset({social})))
            # a greeting, thanks or leave-taking at length asks nothing; small talk, a vent or "chưa hiểu" may be a
            # need unmet ("thời tiết ngày mai ở Huế" after a question nothing answered)
            session.misses -= social in _NOT_ASKING
            if session.misses >= _MISSES_BEFORE_OFFER:   # still nothing answered, message after message
                self._send(turn, Reply(self._say(turn, "misses_offer"), (handoff_button(), menu_button())))
            return
        if first_wording and answer.kind == Kind.DONT_KNOW.value:
            self._send(turn, Reply(self._say(turn, "rephrase_still")))
            replies = dont_know_replies(text, turn.you)
        else:
            replies = answer_replies(answer, turn.you)
        self.send_all(turn, replies, question)
        if answer.kind == Kind.DONT_KNOW.value and session.misses >= _MISSES_BEFORE_OFFER:
            self._send(turn, Reply(self._say(turn, "misses_offer"), (handoff_button(), menu_button())))
        elif Intent.COMPLAINT in self.intents.cues_in(text):
            self._send(turn, Reply(self._say(turn, "frustration_noted"), (handoff_button(),)))

    def which_one(self, turn: Turn, text: str) -> None:
        """"cần giấy tờ gì?" right after "Ý bạn là…?": the same choices again; the one picked shows that part first
        (the ENTRY button reads the last question). A fee, a time or filing online is shown for each, from the
        portal's records, above them. Asked again without a pick, the team is offered beside them, with both
        questions."""
        entries = [e for e in (turn.answerer.entry(i) for i in turn.choices) if e is not None]
        self._asked_of_choices(turn, text, entries)
        compared = turn.answerer.compared(turn.choices, text)
        comparable = asked_aspect(text) in COMPARABLE
        if turn.session.misses and entries and not compared and not comparable:
            self._first_choice(turn, text, entries)
            return
        self.storage.set_outcome(turn.in_id, Kind.CLARIFY.value, None)
        if compared:   # "mất bao lâu" of three land procedures: each one's time, then the choice
            lines = "\n".join(f"• {short_label(e.title)}: {line}" for e, line in compared)
            reply = choices_reply(self._say(turn, "choices_compared", lines=lines), entries)
        elif turn.session.misses and comparable:   # asked again, and no record says it
            reply = choices_reply(self._say(turn, "choices_unrecorded"), entries)
        else:
            reply = choices_reply(self._say(turn, "which_one"), entries)
        if turn.session.misses:   # asked again without picking ("trả lời chung chung quá…"): a person too
            reply = replace(reply, buttons=reply.buttons + (ask_team_button(),))
        turn.session.misses += 1
        self._send(turn, reply)

    def _first_choice(self, turn: Turn, text: str, entries: list[KnowledgeEntry]) -> None:
        """A second part asked of choices still not made ("có cần nộp bản vẽ gì ko" after "which one?" had been
        asked of "nộp online được ko"): the same question again helps no one, so the first, nearest choice is
        opened with that part first, said to be that one's, and the others stay one press away."""
        first = entries[0]
        self.storage.set_outcome(turn.in_id, Kind.ANSWER.value, first.id)
        self._send(turn, Reply(self._say(turn, "first_choice", title=short_label(first.title))))
        self.parts.browse.on_entry(turn, self.parts.browse.entry(turn, first.id, text))   # the choices stay
        rest = choices_reply(self._say(turn, "other_choices"), entries[1:], rateable=False)
        self._send(turn, replace(rest, buttons=rest.buttons + (ask_team_button(),)))

    @staticmethod
    def _asked_of_choices(turn: Turn, text: str, entries: list[KnowledgeEntry]) -> None:
        """A question asked of choices offered again: they stay the choices ("mất bao nhiêu tiền" next asks of
        them), and the team reads what they were first offered for before every question asked of them."""
        question = redact(text)
        earlier = turn.session.unanswered or turn.session.last_question
        turn.session.unanswered = f"{earlier} / {question}" if earlier else question
        _noted(turn, question, of_choices=True)
        turn.session.choices = [e.id for e in entries]

    def _silent_on_choices(self, turn: Turn, text: str, answer: Answer) -> bool:
        """"làm thứ 7 được không" right after "Có mấy thủ tục…": no choice has a part for it, and alone it finds
        only unrelated entries ("Cử đi học nước ngoài"). A short question, one that follows up ("… thì sao"), or one
        the catalogue only guesses at ("lỡ mà tìm lại được cuốn cũ thì còn dùng lại được không" after the lost-passport
        procedures had got a seal's re-registration) is about the choices: they are offered again with the team, and
        it is said that none of them tells."""
        offered = {o.id for o in answer.options} | ({answer.entry.id} if answer.entry else set())
        if len(turn.choices) < 2 or offered & set(turn.choices) or turn.answerer.glossary.referral(text) or not (
                has_cue(text) or len(syllables(text)) <= SUBJECTLESS_WORDS + 2
                or turn.answerer.context.guessed_only(answer)):
            return False
        entries = [e for e in (turn.answerer.entry(i) for i in turn.choices) if e is not None]
        self._asked_of_choices(turn, text, entries)
        self.storage.set_outcome(turn.in_id, Kind.DONT_KNOW.value, None)
        reply = choices_reply(self._say(turn, "choices_silent"), entries)
        self._send(turn, replace(reply, buttons=reply.buttons + (ask_team_button(),)))
        return True

    def narrowed(self, turn: Turn, kept: list[str]) -> None:
        """"nó 15 tuổi rồi" after "Ý bạn là…?": the one option that fits is opened, the part first asked first;
        several that fit are offered again, only they. The question first asked stays the one remembered."""
        self.storage.set_outcome(turn.in_id, Kind.CLARIFY.value if len(kept) > 1 else Kind.ANSWER.value,
                                 kept[0] if len(kept) == 1 else None)
        if len(kept) == 1:
            self.parts.browse.on_entry(turn, self.parts.browse.entry(turn, kept[0], turn.session.last_question or ""))
            return
        entries = [e for e in (turn.answerer.entry(i) for i in kept) if e is not None]
        turn.session.choices = [e.id for e in entries]
        self._send(turn, choices_reply(self._say(turn, "fits_these"), entries))

    @staticmethod
    def _carried(turn: Turn, focus: KnowledgeEntry, text: str) -> Answer | None:
        """A short question about a part (where, cost, time…) that the entry in focus does not answer, asked again
        with its subject: "mua ở đâu, giá bao nhiêu" after "chữ ký số là gì" is about buying a signature, and "vậy
        còn phí bn" after where to register one is its price, which other entries of the same topic answer. None
        unless it finds only entries of the focus's topic other than the focus; "tỷ số bóng đá" asks no part and
        is never given a subject."""
        if len(syllables(text)) > SUBJECTLESS_WORDS or asked_aspect(text) is None:
            return None
        carried = turn.ask(f"{_subject(focus.title)} {text}")
        found = [carried.entry] if carried.entry is not None else list(carried.options)
        if (carried.kind == Kind.DONT_KNOW.value or not found
                or any(e.id == focus.id or e.topic != focus.topic for e in found)):
            return None
        return dataclasses.replace(carried, question=text)

    def on_focused(self, turn: Turn, text: str, focused: Focused) -> None:
        """A follow-up about the entry just answered; a team gets it with that subject beside it."""
        said = focused.passage is not None
        if not said and self.referral(turn, text):   # "có phải lừa đảo không" after the fine: the police's job
            return
        question = redact(text)
        _noted(turn, question, about=focused.entry.title)
        kind = Kind.ANSWER.value if said else Kind.DONT_KNOW.value
        self.storage.set_outcome(turn.in_id, kind, focused.entry.id)
        turn.session.misses = 0 if said else turn.session.misses
        turn.session.unanswered = None if said else f"{focused.entry.title}: {question}"
        self.send_all(turn, focused_replies(focused, turn.you), question)

    def on_several(self, turn: Turn, text: str) -> bool:
        """A message carrying several questions: the clearest answered as usual, the others one press away.
        False when it is one question, or its questions are not handled apart (then it is handled whole)."""
        found = several.pieces(text)
        asked = [several.Asked(words, several.readable(title, turn.answerer), turn.ask(words))
                 for words, title, _ in found]
        chosen = several.clearest(asked)
        if chosen is None:
            return False
        self.on_question(turn, chosen.text, answer=chosen.answer)
        others = [a for a in asked if a is not chosen]
        turn.session.questions = [a.text for a in others]   # search words: nothing identifying left
        turn.session.named = {tag: words for words, _, typed in found
                              for tag in several.name_tags(turn.name_key, typed)}
        self._send(turn, several.offer(others, turn.you))
        return True

    def send_all(self, turn: Turn, replies: list[Reply], question: str | None) -> None:
        """Send in order; a bubble answering from an entry is stored with it and followed by the rating prompt."""
        for reply in replies:
            if reply.entry_id:
                self.rate_prompt(turn, self._send(turn, reply, entry_id=reply.entry_id), reply.entry_id, question)
            else:
                self._send(turn, reply)

    def same_topic(self, turn: Turn, entry: KnowledgeEntry) -> tuple[KnowledgeEntry, ...]:
        """Guides of the same topic; none beside a portal card, whose "topic" is every procedure (a card on
        BHXH had the essential-services list and the căn cước guide under it)."""
        if entry.from_catalogue:
            return ()
        return tuple(e for e in turn.answerer.entries.values() if e.topic == entry.topic and e.id != entry.id)[:2]

    def rate_prompt(self, turn: Turn, answer_id: int, entry_id: str, question: str | None) -> None:
        turn.session.remember_answer(answer_id, question, entry_id)
        self._send(turn, Reply(self._say(turn, "rate_prompt"), rate_buttons(answer_id)))
