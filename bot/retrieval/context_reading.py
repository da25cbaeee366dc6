"""Reading a question with the entry answered last: "thế lệ phí bao nhiêu?" after a procedure's card, "ông nội
làm được không" after the birth-registration guide, "còn nếu…" after any answer.

The answerer looks a question up alone; this reader then decides whether it is about the entry in focus and,
if so, which part of that entry answers it (bot/retrieval/follow_up.py finds the part).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from bot.retrieval.aspects import asked_aspect, asked_aspects, aspect_words, is_aspect_word
from bot.retrieval.decision import Kind
from bot.retrieval.dense_lines import DenseLines
from bot.retrieval.follow_up import (
    Focused,
    as_parents,
    beyond_subject,
    content_words,
    ends_what_about,
    entry_words,
    has_cue,
    parts_of,
    passage,
    points_back,
    unnumbered,
    with_caveats,
)
from bot.retrieval.guide_lines import call_line, own_lines
from bot.retrieval.hybrid import LexicalRetriever
from bot.retrieval.keywords import search_keywords
from bot.retrieval.normalize import NormalizedQuery, QueryNormalizer
from bot.retrieval.places import place_words
from bot.retrieval.portal_figures import PortalFigures
from bot.retrieval.procedure_search import ProcedureSearch
from bot.retrieval.question_says import (
    ANY_PROCEDURE,
    ANY_PROCEDURE_MARKED,
    NAMED_OPTION,
    POLITE,
    about_asker,
    asks_to_bring,
    focus_named,
    length_said,
    names_an_option,
    procedure_subject_unsaid,
    says_how_asker_is,
    subject_said,
    subject_unsaid,
)
from bot.retrieval.tier_arbitration import title_subject
from indexer.knowledge import KnowledgeEntry
from indexer.vntext import fold, folded_syllables, longest_run, spelled_in, syllables

if TYPE_CHECKING:
    from bot.retrieval.answers import Answer

_FOLLOW_UP_WORDS = 7  # a follow-up this short that names a part of a procedure is about the one in focus
_BRING_VERBS = ("mang", "đem", "đưa")   # how a guide says a thing is brought along
# catalogue options below this confidence whose first has less than this share of the question's words are guesses
_GUESSED_BELOW, _GUESSED_COVER = 0.45, 0.4
_GUESSED_WORDS = 18    # a longer message tells its own story, not a follow-up
_WEAK_ALONE = 0.3      # options offered this unsure, for a question about the focus, are no better than nothing
_GUESSED_ABOUT = 0.15   # … and then read with the focus when it has this share of what the question adds
_QUOTED_RUN = 3       # words in a row of the focus's text a follow-up says: it goes on about what the focus says
_SUBSTANCE = 1.5      # IDF from which a word says what a question is about (not "khác", "lại", "đăng ký")
_ABOUT_FOCUS = 0.5    # share of a question's own words (IDF-weighted) the focus must have to read it as a follow-up
# offices, as marked ("ra ủy ban xã", "lên công an tỉnh"): every procedure is filed at one, so beside a part asked
# they name none ("nộp online được không hay phải ra ủy ban xã" had got the certified-copy guide, said at the UBND)
_OFFICE_MARKED = frozenset("ủy uỷ ban ubnd nhân dân công an tỉnh xã phường thành phố".split()
                           + ["trung", "tâm"])   # "hay phải lên trung tâm" (dịch vụ việc làm, hành chính công)
_OFFICES = frozenset(fold(w) for w in _OFFICE_MARKED)
# … and "làm trên app đc ko" ("app" read "ứng dụng") asks where like an office does: words a part asked may name
_WHERE_MARKED = _OFFICE_MARKED | {"ứng", "dụng"}
_SHOWN_LINES = 2      # a guide's first lines, shown in the answer's first bubble anyway
# folded words that tell where a person lives ("đang ở trọ", "quê ở"): beside province names and a part asked,
# they make no new subject ("e đang ở trọ bình dương, quê ở thanh hóa thì nộp ở đâu" after a guide)
_LIVING = frozenset("dang o tro que song thue nha hien nay lam viec thuong tru ve".split())


class ContextReader:
    """The answerer's reading of follow-ups, over its entries, normaliser, word weights and catalogue."""

    def __init__(self, entry: Callable[[str | None, str, str], KnowledgeEntry | None], normalizer: QueryNormalizer,
                 lexical: LexicalRetriever, procedures: ProcedureSearch | None,
                 procedures_of: Callable[[str | None], tuple[str, ...]],
                 written: Mapping[str, KnowledgeEntry] | None = None, lines: DenseLines | None = None) -> None:
        self.entry = entry
        self.lines = lines   # a guide's line found by meaning, when its words are not the question's
        self.written = written or {}   # curated entries as staff wrote them, without the portal's facts added
        self.normalizer = normalizer
        self.lexical = lexical
        self.procedures = procedures
        self.procedures_of = procedures_of
        self.portal = PortalFigures(procedures, procedures_of, self.written)

    def follow_up(self, focus_id: str, question: str, answer: "Answer", earlier: str = "") -> "Answer":
        """"thế lệ phí bao nhiêu?" after a procedure's answer asks about that procedure: a short question that names
        one part of a procedure (fee, time, documents…) is answered from the entry in focus, that part first; a
        longer one only when nothing else answers it: options offered for it are its own subject, which a citizen
        changing subject mid-chat ("trợ cấp người cao tuổi nộp ở đâu" after the khai sinh card) must get."""
        aspect = asked_aspect(question)
        # longer, it may only name the office besides the part ("làm trên vneid được không hay phải ra công an xã")
        short = (length_said(question) <= _FOLLOW_UP_WORDS or self._where_they_live(question, answer)
                 or self.only_aspect(question, answer.query) is not None)
        # who may file, asked of portal procedures the question does not name ("công ty có được nộp thay cho nhân
        # viên không" after the criminal-record guide had been offered tax filing on someone's behalf)
        unnamed = aspect == "who" and self._names_no_option(answer)
        if aspect is None or (not short and answer.kind != Kind.DONT_KNOW.value and not unnamed):
            return answer
        entry = self.entry(focus_id, question, earlier)
        # a part's words compared with their marks: "nộp rồi theo dõi tiến độ ở đâu" after the thường trú guide
        # asks where to track a dossier ("tiến", "dõi" fold as the fee's "tiền" and the time's "đợi")
        if entry is None or not entry.procedures or not (
                unnamed or self._about(entry, question, answer, 0.0, aspect_words(), marked=True)):
            return answer   # "tra cứu phạt nguội ở đâu" after the khai sinh card names its own subject
        return dataclasses.replace(answer, kind=Kind.ANSWER.value, entry=entry, options=(), related=())

    @staticmethod
    def _names_no_option(answer: "Answer") -> bool:
        """Options only from the portal, none of whose subjects the question says in two words or more (as typed,
        or as the normaliser restored them, marks compared: "bắt buộc" is no "bất động sản")."""
        if answer.kind != Kind.CLARIFY.value or answer.query is None or not answer.options or not all(
                o.from_catalogue for o in answer.options):
            return False
        return not names_an_option(answer.query, [o.title for o in answer.options])

    def _where_they_live(self, question: str, answer: "Answer") -> bool:
        """Besides the part asked, the question says only where its writer lives: the provinces named and words
        of living somewhere."""
        places = place_words(question)
        return bool(places) and all(fold(w) in places | _LIVING
                                    for w in self._key_words(question, answer, aspect_words()))

    def in_context(self, focus_id: str, question: str, alone: "Answer", earlier: str = "") -> "Answer | Focused":
        """A question read with the entry answered last (bot/retrieval/follow_up.py). A new subject it names itself
        keeps its own answer; one that lands on the entry in focus gets the part that answers it, or "the guide does not
        say", never that answer again; one unclear alone whose words are the focus's ("ông nội làm được không")
        or that starts as a follow-up does ("còn nếu…") is read as about the focus."""
        same = alone.kind == Kind.ANSWER.value and alone.entry is not None and alone.entry.id == focus_id
        alone = self.follow_up(focus_id, question, alone, earlier)
        focus = self.entry(focus_id, question, earlier)
        if focus is None:
            return alone
        cue = has_cue(question) or points_back(question)   # "cái văn bản đó hết bao nhiêu tiền"
        if focus.procedures and asks_to_bring(question):
            # "thế có phải mang giấy khai sinh không" after the căn cước card: a paper to bring, not a new subject
            return self._focused(focus, question, alone, True, earlier=earlier)
        if alone.kind == Kind.ANSWER.value and alone.entry is not None and alone.entry.id == focus_id:
            # a short one is a follow-up ("có mất phí không?"); a long one the same question in other words
            short = length_said(question) <= _FOLLOW_UP_WORDS
            return self._focused(focus, question, alone, cue or short, same, earlier)
        if (alone.kind == Kind.ANSWER.value and ends_what_about(question) and alone.entry is not None
                and alone.query is not None
                and len(title_subject(alone.entry.title) & set(alone.query.terms)) < NAMED_OPTION):
            # "what about" a case, naming the answer found alone by one word of its subject at most: a case of the
            # focus ("vợ anh ko có vneid thì sao" after the tạm trú guide, not the guide on VNeID's levels). Its
            # words as read, not `subject_said`'s: that drops a part's words, and "hộ" of "hộ chiếu" is one
            # ("còn làm hộ chiếu thì sao" names the passport guide)
            return self._focused(focus, question, alone, True, earlier=earlier)
        if (not focus.procedures and alone.kind == Kind.ANSWER.value and alone.entry is not None
                and not alone.entry.procedures and self.only_aspect(question, alone.query)):
            # only a part asked of a guide about no procedure, which another such guide answers alone: "nộp trên
            # điện thoại được không" after the fines guide had got the one on uploading papers
            return self._focused(focus, question, alone, True, earlier=earlier)
        # a procedure card the catalogue chose by its lead alone, not sure of it: a question whose words are the
        # focus's is still read with the focus ("ông nội làm được không hay phải cha mẹ" after the khai sinh guide)
        if alone.kind == Kind.ANSWER.value and not cue and procedure_subject_unsaid(alone, question):
            return self._focused(focus, question, alone, True, earlier=earlier)
        if alone.kind == Kind.ANSWER.value and not cue and subject_unsaid(alone) \
                and not self._own_words(focus, question, alone):
            # any entry whose subject it never says, for a question that says nothing the focus does not, is an
            # accident of words: "làm lại có phải thi lại không" after the licence guide had got the guide on
            # toàn trình services; the focus's line, or that it does not say
            unsure = dataclasses.replace(alone, kind=Kind.DONT_KNOW.value, entry=None, options=(), related=())
            return self._focused(focus, question, unsure, True, earlier=earlier)
        if alone.kind == Kind.ANSWER.value and not cue and not (
                self._by_lead(alone) and self._about(focus, question, alone)):
            return alone
        if alone.kind not in (Kind.ANSWER.value, Kind.CLARIFY.value, Kind.DONT_KNOW.value):
            return alone
        if alone.kind == Kind.DONT_KNOW.value and alone.nearest == focus_id:
            # unsure alone, but nearest to what was just answered: "chủ nhà ở tận Sài Gòn thì họ đồng ý kiểu gì"
            # after the thường trú guide
            return self._focused(focus, question, alone, True, earlier=earlier)
        if not focus.procedures and alone.kind != Kind.ANSWER.value and self.only_aspect(question, alone.query):
            # only a part asked ("cần ra công an ko hay làm trên app đc") of a guide about no procedure: its line
            return self._focused(focus, question, alone, True, earlier=earlier)
        if (alone.kind == Kind.CLARIFY.value and length_said(question) <= _FOLLOW_UP_WORDS
                and any(o.id == focus_id for o in alone.options)):
            # short, unclear alone, and the entry in focus is among its choices: the conversation says which
            # ("làm sao lấy lại tiền" after "bị trừ tiền hai lần" had offered the passcode guide beside it)
            return self._focused(focus, question, alone, True, earlier=earlier)
        if alone.kind == Kind.CLARIFY.value and (focus_named(focus, alone)
                                                 or self._nothing_sets_apart(focus, alone)):
            return self._focused(focus, question, alone, True, earlier=earlier)
        if (alone.kind == Kind.CLARIFY.value and length_said(question) <= _GUESSED_WORDS and self.guessed_only(alone)
                and self._cover(focus, self._own_words(focus, question, alone)) >= _GUESSED_ABOUT):
            # no cue: where the focus has no line for it, its own options are better than "the guide does not say"
            # ("bà có phải làm giấy giám hộ cho nó không" after the thường trú guide: the guardianship procedures)
            return self._focused(focus, question, alone, False, earlier=earlier)
        if not self._about(focus, question, alone, 0.0 if cue else _ABOUT_FOCUS, tie_to_focus=cue):
            return alone   # its own subject ("thủ tục khai sinh cho cháu cần gì" after the tạm trú card)
        return self._focused(focus, question, alone, cue, earlier=earlier)

    def _nothing_sets_apart(self, focus: KnowledgeEntry, alone: "Answer") -> bool:
        """Procedures offered for a question that says no word of their names the procedure in focus lacks:
        "anh ấy đang ở Hàn, có cần về VN không" after the marriage with a foreigner had been offered the other
        procedures abroad (a child's birth, adoption) by "ở Hàn" alone."""
        own = [c for c in self.procedures_of(focus.id) if self.procedures and c in self.procedures]
        if not own or alone.query is None or not alone.options or not all(
                o.id.startswith("tthc:") and o.id[5:] in self.procedures for o in alone.options):
            return False
        theirs = set().union(*(self.procedures.name_core(c) for c in own))
        said = {fold(w) for w in content_words(alone.query.terms)} - aspect_words() - POLITE
        everyday = set().union(*(self.procedures.everyday_of(c) for c in own))

        def called(code: str) -> bool:   # "cà vẹt" is what people call a vehicle's registration certificate
            return any(p not in everyday and (words := set(folded_syllables(p)) - ANY_PROCEDURE) and words <= said
                       for p in self.procedures.everyday_of(code))
        return not any((self.procedures.name_core(o.id[5:]) - theirs) & said or called(o.id[5:])
                       for o in alone.options)

    def guessed_only(self, alone: "Answer") -> bool:
        """Procedures offered though the catalogue is far from sure and the first says little of what the question
        does: in a conversation the question is about what was answered ("khám sức khỏe ở đâu, trạm y tế xã được
        không" after the driving-licence guide had been offered health-checks for militia and HIV clinics)."""
        options = alone.options
        if (not self.procedures or alone.query is None or not options or alone.score >= _GUESSED_BELOW
                or not all(o.id.startswith("tthc:") and o.id[5:] in self.procedures for o in options)
                or subject_said(alone.query, options[0].title) >= NAMED_OPTION):   # "giấy an toàn thực phẩm cũ"
            return False
        return self.procedures.coverage_of(options[0].id[5:], alone.query.terms) < _GUESSED_COVER

    def _by_lead(self, answer: "Answer") -> bool:
        """A catalogue card answered below the catalogue's `answer_at`, by its lead over the other candidates."""
        return bool(self.procedures and answer.entry is not None and answer.entry.id.startswith("tthc:")
                    and answer.score < self.procedures.config.answer_at)

    def _key_words(self, question: str, alone: "Answer | None", drop: frozenset[str] = frozenset(),
                   reading: NormalizedQuery | None = None, marked: bool = False) -> list[str]:
        """`reading`: the question as already read, when the caller has it (it is not normalised again); `marked`:
        the words as typed, without the synonyms added for matching ("có phải đóng tiền không" says no "thanh
        toán"), and a word is dropped as a part's only when its marks are a part's too."""
        reading = reading or (alone.query if alone else None) or self.normalizer.normalize(question)
        if marked:
            others = drop - aspect_words()
            return [w for w in content_words(search_keywords(reading.said, limit=30))
                    if fold(w) not in others and not is_aspect_word(w)]
        return [w for w in content_words(search_keywords(reading.text, limit=30)) if fold(w) not in drop]

    def only_aspect(self, question: str, reading: NormalizedQuery | None = None) -> str | None:
        """The part of a procedure a question asks when it names nothing else ("cần giấy tờ gì", "mất bao lâu",
        "đăng ký ở đâu": every procedure is registered, filed, applied for). `reading`: as in `_key_words`."""
        aspect = asked_aspect(question)
        if not aspect:
            return None
        reading = reading or self.normalizer.normalize(question)
        named = self._key_words(question, None, aspect_words() | ANY_PROCEDURE, reading)
        typed = content_words(syllables(reading.said))
        if says_how_asker_is(typed):
            named, typed = [w for w in named if not about_asker(w)], [w for w in typed if not about_asker(w)]
        if named and not [w for w in typed
                          if not is_aspect_word(w) and not spelled_in(w, ANY_PROCEDURE_MARKED, ANY_PROCEDURE)]:
            named = []   # the citizen typed only the part's words: the synonyms added them ("đóng tiền": "thanh toán")
        if [w for w in named if w not in _WHERE_MARKED]:
            return None
        return "where" if aspect == "online" and named else aspect   # "online … hay phải ra ủy ban xã": where

    def _cover(self, entry: KnowledgeEntry, words: list[str]) -> float:
        """IDF-weighted share of the words the entry's own text has."""
        have = entry_words(entry)
        total = sum(self.lexical.idf(fold(w)) for w in words)
        return sum(self.lexical.idf(fold(w)) for w in words if w in have) / total if total else 0.0

    def _own_words(self, focus: KnowledgeEntry, question: str, alone: "Answer", drop: frozenset[str] = frozenset(),
                   words: list[str] | None = None) -> list[str]:
        """What the question says beyond the focus's subject ("chồng e đi làm xa…" after the birth guide)."""
        words = self._key_words(question, alone, drop) if words is None else words
        return as_parents(beyond_subject(words, focus), focus)

    def _about(self, focus: KnowledgeEntry, question: str, alone: "Answer", at_least: float = _ABOUT_FOCUS,
               drop: frozenset[str] = frozenset(), marked: bool = False, tie_to_focus: bool = False) -> bool:
        """The question is about the focus: at least `at_least` of what it says beyond the focus's subject (rare
        words weigh more) is in the focus's text, and the focus has more of all it says than what the question
        alone found ("ông nội làm được không hay phải cha mẹ" after the khai sinh answer; not "thủ tục khai sinh
        cho cháu cần gì" after the tạm trú card). A sure answer found alone wins a tie, unless the question is
        worded as a follow-up (`tie_to_focus`) and that answer is only the portal's card: "không có giấy chứng sinh
        bệnh viện thì sao" after the khai sinh guide, which says what to do then, is not the card for issuing one
        (a related guide still wins: "còn nếu dùng USB token…" after signing remotely)."""
        words = self._key_words(question, alone, drop, marked=marked)
        own = self._own_words(focus, question, alone, drop, words)
        if not [w for w in own if not (is_aspect_word(w) if marked else fold(w) in aspect_words())]:
            return True   # nothing but grammar, a part of a procedure and the focus's subject: "vậy có mất tiền ko"
        if self._cover(focus, own) < at_least:
            return False
        found = (alone.entry,) if alone.entry is not None else alone.options[:1]
        rival = max((self._cover(e, words) for e in found if e.id != focus.id), default=-1.0)
        mine = self._cover(focus, words)
        sure = alone.kind == Kind.ANSWER.value and not self._by_lead(alone)   # a card chosen by its lead is not
        card = alone.entry is not None and alone.entry.from_catalogue
        if tie_to_focus and card and not sure and self._said_apart(focus, alone.entry, own):
            return True   # "còn chuyển sang phòng trọ khác thì phải đk lại hả" after the tạm trú guide: "trọ"
        if alone.kind == Kind.CLARIFY.value and all(o.from_catalogue for o in alone.options) and longest_run(
                folded_syllables(question), folded_syllables(f"{focus.title} {focus.body}")) >= _QUOTED_RUN:
            return True   # "kham suc khoe o dau" after the licence guide, which says "giấy khám sức khỏe": not the
            # portal's procedures for health-check clinics, a guess among names that share "khám"
        return mine > rival if sure and not (tie_to_focus and card) else mine >= rival

    def _said_apart(self, focus: KnowledgeEntry, card: KnowledgeEntry, own: list[str]) -> bool:
        """The question says a word of substance the focus has and the card lacks (not "khác", "lại")."""
        have, lacks = entry_words(focus), entry_words(card)
        return any(w in have and w not in lacks and self.lexical.idf(fold(w)) >= _SUBSTANCE for w in own)

    def _focused(self, focus: KnowledgeEntry, question: str, alone: "Answer", cue: bool,
                 same: bool = False, earlier: str = "") -> "Answer | Focused":
        """The part of the focus that answers, or "it does not say" for a clear follow-up or a part of a procedure
        asked ("làm xong bao lâu thì dùng được"); the plain answer for the same question in other words (`same`:
        the question alone found the focus)."""
        aspect = asked_aspect(question)
        # the words that ask the part ("bao lâu thì có kết quả") are not what to look for in it, nor the office
        # named beside it ("… hay phải ra công an xã": the guide's line on where, not one that says "công an")
        drop = frozenset()
        if aspect:
            drop = aspect_words() | (_OFFICES if self.only_aspect(question, alone.query) else frozenset())
        said = self._key_words(question, alone, drop)
        words = as_parents(beyond_subject(said, focus), focus)
        if not words and same and aspect is None:   # a part asked ("làm khai tử có mất phí không") is shown first
            # only the subject's own words: the line that says them together ("khóa xong muốn mở lại thì làm sao"
            # after the lock and unlock guide is its unlocking step), else the same answer; the question it answered
            # asked again ("quên passcode vneid" twice) gets that answer again
            asked = {fold(w) for w in syllables(earlier.lower())}
            new = [w for w in said if not set(fold(w).split()) <= asked]
            line = passage(focus, said, self.lexical.idf, said=question) if len(said) >= 2 and new else None
            return Focused(focus, with_caveats(focus, line)) if line and not focus.body.lstrip().startswith(
                line.strip()) else alone
        if not words and aspect is None:
            if alone.kind != Kind.ANSWER.value:
                return Focused(focus, None)   # "phải đi cả nhà hả con": asks what the guide does not say
            return alone if alone.kind == Kind.ANSWER.value else dataclasses.replace(
                alone, kind=Kind.ANSWER.value, entry=focus, options=(), related=())
        line = passage(focus, words, self.lexical.idf, said=question) if words else None
        line = line or call_line(focus, question)
        brought = None if line else self._bring_line(focus, question, alone)
        asked_case = self.procedures is not None and not (line or brought)
        sibling = self.procedures.case_sibling(focus.procedures, question) if asked_case else None
        entry = self.entry(f"tthc:{sibling}", question, earlier) if sibling else None
        if entry is not None:   # "anh ấy là người Hàn Quốc thì sao" after the marriage guide: the foreigner's one
            return dataclasses.replace(alone, kind=Kind.ANSWER.value, entry=entry, options=(), related=())
        owns: list[str] = []
        if brought:
            part = brought
        elif line:   # a guide's line for the case, then (papers asked) the portal's papers naming it
            line = with_caveats(focus, line)
            part = line if aspect != "documents" else "\n\n".join(
                p for p in (line, self.portal.case_papers(focus.id, words, question, earlier)) if p)
        else:   # the line the question means, when one clearly leads ("hạn chót nộp là bao lâu sau khi nghỉ": the
            # 3-month deadline, not the office's time), else the guide's own line about the part asked ("… nơi cư
            # trú của một trong hai người" for "khác tỉnh thì làm ở đâu"); then the portal's figures
            meant = self._meant_line(focus, alone)
            owns = [meant] if meant else self.own_lines(focus.id, asked_aspects(question))
            owns = list(dict.fromkeys(with_caveats(self.written.get(focus.id, focus), o) for o in owns))
            part = "\n\n".join([*owns, *filter(None, [self.portal.aspect_part(focus.id, question, earlier)])]) or None
        # unclear alone (nothing, or options barely offered) and about the focus, which does not say it: say so, not
        # the generic don't-know or VNeID's "mức 1, mức 2" ("bé 1 rồi, còn bé thứ 2 thì sao" after the birth guide)
        silent = alone.kind == Kind.DONT_KNOW.value or (alone.kind == Kind.CLARIFY.value and alone.score < _WEAK_ALONE)
        portal_only = bool(part) and not (brought or line or owns)
        return Focused(focus, part, portal_only, aspect) if part or cue or not words or silent else alone

    def _meant_line(self, focus: KnowledgeEntry, alone: "Answer") -> str | None:
        """The guide's line the question means, as staff wrote it (bot/retrieval/dense_lines.py)."""
        reading = alone.query.text if self.lines is not None and alone.query is not None else ""
        return self.lines.line(self.written.get(focus.id, focus), reading) if reading else None

    def _bring_line(self, focus: KnowledgeEntry, question: str, alone: "Answer") -> str | None:
        """"cần mang xe đến công an không" brings the guide's own subject, not a paper: the line that brings it
        ("đưa xe đến kiểm tra (nếu được yêu cầu)"), not the papers' line."""
        if not asks_to_bring(question):
            return None
        subject = set(folded_syllables(focus.title))
        brought = [w for w in self._key_words(question, alone) if fold(w) in subject]
        return passage(focus, brought + list(_BRING_VERBS), self.lexical.idf, 0.0, one_rare=False) if brought else None

    def answering_line(self, entry_id: str, question: str, reading: NormalizedQuery | None = None) -> str | None:
        """The line of a guide, as staff wrote it, that the question's own words point to when it is not among the
        lines shown first ("cấp lại sổ hộ khẩu" → the thường trú guide's sixth line, that the book is no longer
        issued); None when no line shares enough of them, or a part (fee, time…) is asked of a guide about a
        procedure, whose lines on it lead already (not "bổ sung xong thì thời hạn tính lại từ đầu hả")."""
        written = self.written.get(entry_id)
        if written is None or (asked_aspect(question) and written.procedures):
            return None
        words = beyond_subject(self._key_words(question, None, reading=reading), written)
        part = passage(written, words, self.lexical.idf, said=question, one_rare=False)
        return unnumbered(part) if part is not None and part not in parts_of(written.body)[:_SHOWN_LINES] else None

    def own_lines(self, entry_id: str, aspects: tuple[str, ...]) -> list[str]:
        """The curated entry's own lines about each part asked (bot/retrieval/guide_lines.py)."""
        return own_lines(self.written.get(entry_id), aspects, self.lexical.idf)
