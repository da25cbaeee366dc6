"""Which tier's reply a citizen gets when the curated guides and the catalogue both have one.

A guide staff wrote reads better than a bare record, so it answers when it is about what was asked; it gives way
when the catalogue finds what the citizen named and the guide is silent on it ("tạm trú … gia hạn" is not the
digital-signature renewal guide; "thẻ ABTC" is not the căn cước entry), or when the catalogue is sure of a sibling
of the guide's procedure. When the curated tier asks back, or is less sure than the catalogue, and the two point
to different procedures, both are offered.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping

from bot.retrieval.aspects import aspect_words
from bot.retrieval.decision import Decision, Kind
from bot.retrieval.hybrid import LexicalRetriever
from bot.retrieval.normalize import NormalizedQuery
from bot.retrieval.procedure_results import ProcedureDecision, ScoredProcedure
from bot.retrieval.procedure_search import ProcedureSearch
from indexer.knowledge import KnowledgeEntry
from indexer.vntext import fold, folded_syllables, syllables

_RARE = 2            # a word at most this many entries use names a subject (ABTC, tàu cá…)
_RARE_TERM = 3       # … and a two-word term at most this many use, one in its title ("chứng thực", "biển số")
_NEARLY_SURE = 0.7   # a catalogue choice among siblings this sure, together, is offered even beside a surer guide
_HALF_SURE = 0.4     # … and one nearly half as sure beside an ask-back among guides about no procedure
_MIXED = 2          # the catalogue's choices offered first beside the curated tier's
_FAMILY_WORDS = 3    # words the options' names share, at least, to name a family of procedures
_BESIDE = 3          # positions apart, at most, of a sibling's own word and a shared one, for both to name it


# a dossier told as already filed ("nộp hồ sơ đăng ký thường trú 10 ngày rồi", "đã nộp …", "nộp tuần trước"), sent
# back ("bị yêu cầu bổ sung"), or its fee being paid and failing ("… mà cứ báo giao dịch không thành công"): the
# procedure it names is what was filed, context for a guide about dossiers or payments, not the question (folded)
_FILED = re.compile(r"\b(da|vua|moi) (nop|gui)\b|\b(nop|gui)\b.{0,60}\b(roi|r)\b"
                    r"|\b(nop|gui) (hom qua|hom truoc|hom kia|tuan truoc|thang truoc|may hom truoc)\b"
                    r"|\b(bi|duoc) (yeu cau|bat|doi) bo sung\b|\bbi tra (ve|lai) (de |bat |yeu cau )?bo sung\b")
_PAYING = re.compile(r"\bgiao dich (khong thanh cong|that bai|bi loi|loi)\b|\b(da|bi|chua bi) tru tien\b"
                     r"|\btru (tien )?(2|hai) lan\b")


def filed_already(text: str) -> bool:
    """The message tells of a dossier already sent, or of its fee being paid (`_FILED`, `paying`)."""
    folded = " ".join(syllables(fold(text)))
    return bool(_FILED.search(folded)) or _paid(folded)


_A_DOSSIER = re.compile(r"\b(le phi|ho so|thu tuc|cong)\b")   # what is paid for is a dossier, not a bill


def paying(text: str) -> bool:
    """The message tells of a dossier's fee paid, or failing to be: the procedure paid for is no subject of its own
    ("tiền nước … bị trừ tiền 2 lần" is a water bill, still a subject we do not cover)."""
    return _paid(" ".join(syllables(fold(text))))


def _paid(folded: str) -> bool:
    return bool(_PAYING.search(folded) and _A_DOSSIER.search(folded))


def said_words(query: NormalizedQuery) -> list[str]:
    """The folded words the citizen typed, without the synonyms added for matching ("sổ đỏ" is not "quyền")."""
    return folded_syllables(" ".join(c.said for c in query.clauses))


# words of a guide's title that say how it is done, not what: "Đăng ký khai sinh trực tuyến" is about "khai sinh"
_AGAIN = frozenset({"doi", "lai"})   # "đổi", "(cấp) lại": a card exchanged or issued again, not a first one
_TITLE_MANNER = frozenset("đăng ký trực tuyến cấp đổi lại thủ tục và làm online nộp hồ sơ xin giấy tờ".split())

_QUESTION_WORDS = frozenset("ở đâu cần gì thế nào như bao nhiêu là có không được thì hoặc và".split())


def _pairs(words: list[str]) -> set[str]:
    return {f"{a} {b}" for a, b in itertools.pairwise(words)}


def _title_pairs(title: str) -> set[str]:
    """Two words of a title said together, neither a word of how or a question word: its subject's terms."""
    words = [w for w in syllables(title.lower()) if w.isalpha()]
    return {f"{fold(a)} {fold(b)}" for a, b in itertools.pairwise(words)
            if not {a, b} & (_TITLE_MANNER | _QUESTION_WORDS)}


def title_subject(title: str) -> set[str]:
    """The folded words of a title that name its subject ("thuong", "tru" of "Đăng ký thường trú trực tuyến")."""
    return {fold(w) for w in syllables(title.lower()) if w not in _TITLE_MANNER and w.isalpha()}


def names_another(entry: KnowledgeEntry, others: Iterable[KnowledgeEntry], said: set[str]) -> bool:
    """The question (its folded words `said`) says none of the entry's subject and all of another's: "cấp lại giấy
    khai sinh bị mất" had got the thường trú guide (whose sample asks about a lost household book), sure."""
    return not title_subject(entry.title) & said and any(
        o.id != entry.id and (subject := title_subject(o.title)) and subject <= said for o in others)


class TierArbiter:
    def __init__(self, entries: Mapping[str, KnowledgeEntry], words: Mapping[str, str], lexical: LexicalRetriever,
                 procedures: ProcedureSearch) -> None:
        self.entries = entries
        self.words = words            # each entry's padded folded words (uncovered.entry_text_words)
        self.lexical = lexical
        self.procedures = procedures
        # each entry's title terms and every two words its text says together, once: asked of every guide's answer
        self._title_pairs = {e: _title_pairs(entries[e].title) for e in entries}
        self._text_pairs = {e: _pairs(words[e].split()) for e in entries}
        self._subject_pairs = frozenset().union(*self._title_pairs.values())

    def silent_on(self, entry_id: str, said: list[str], code: str) -> bool:
        """The question names something the catalogue record's name has, this entry never mentions and at most two
        entries do: "trình báo mất thẻ ABTC" is not about the căn cước entry that matched "mất thẻ"."""
        named = self.procedures.name_of(code) & set(said)
        return any(len(t) >= 3 and f" {t} " not in self.words[entry_id] and self.lexical.entries_using(t) <= _RARE
                   for t in named)

    def says_none_of(self, entry_id: str, code: str, said: list[str]) -> bool:
        """The question says words of the procedure's name (level words and asked parts aside) and the guide says
        none of them: "thẻ bảo hiểm y tế hết hạn, gia hạn ở đâu" is not about the digital-signature renewal guide
        that "hết hạn, gia hạn" found, beside the card procedure the catalogue is sure of."""
        named = self.procedures.name_core(code) & set(said) - aspect_words()
        return bool(named) and not any(f" {t} " in self.words[entry_id] for t in named)

    def term_silent_on(self, entry_id: str, said: list[str], codes: tuple[str, ...]) -> bool:
        """The question says a rare two-word term of ours ("biển số", "chứng thực") that every candidate's name says
        and this entry never does, though its words alone are common: "biển số xe bị mất thì làm lại ở đâu" had got
        the driving-licence guide, sure, by "lại", "xe", "mất"; "chứng thực chữ ký ở đâu" the digital-signature one."""
        if not codes:
            return False
        shared = set.intersection(*(_pairs(folded_syllables(self.procedures.procedures[c].name)) for c in codes))
        return self._rare_term_unsaid(entry_id, said, shared)

    def _rare_term_unsaid(self, entry_id: str, said: list[str], among: set[str] | frozenset[str]) -> bool:
        """The question says a two-word term of `among` that few entries use, one in its title ("biển số", "chứng
        thực": a subject of ours, not a phrasing), and the entry never says it; unless the question says the
        entry's own title terms too ("thẻ căn cước hết hạn…, đổi thẻ trước")."""
        pairs = _pairs(said)
        return not pairs & self._title_pairs[entry_id] and any(
            p in self._subject_pairs and self.lexical.entries_using(p.replace(" ", "_")) <= _RARE_TERM
            for p in (pairs & among) - self._text_pairs[entry_id])

    def guide_not_about(self, entry_id: str, code: str, said: list[str]) -> bool:
        """A guide about no procedure is not the answer when the citizen says every word of the name of the
        procedure the catalogue is sure of and the guide misses one ("tạm trú sắp hết hạn, gia hạn như nào" found
        the guide on renewing a digital signature through "hết hạn, gia hạn"; it never says "tạm trú"), or says
        what the name is about (level words aside) and no other word of the guide's title ("làm thẻ bhyt cho vợ"
        found "Tích hợp giấy tờ (… thẻ bảo hiểm y tế…) vào VNeID")."""
        words = set(said)
        name = self.procedures.name_of(code)
        if name <= words and any(f" {t} " not in self.words[entry_id] for t in name):
            return True
        core = self.procedures.name_core(code)
        if not core or not core <= words or (self._title_words(entry_id) - core) & words:
            return False
        # unless the question asks to exchange or re-issue what the name only issues, and the guide says it: "thẻ
        # bhyt bị rách thì đổi thế nào" is not "Thủ tục cấp thẻ bảo hiểm y tế" (BHXH no longer prints a new one)
        again = (_AGAIN & words) - name
        return not again or any(f" {t} " not in self.words[entry_id] for t in again)

    def family_named(self, entry_id: str, declared: tuple[str, ...], codes: tuple[str, ...], said: list[str]) -> bool:
        """The citizen says all the words the catalogue's options share (a family of procedures: "đăng ký nghĩa vụ
        quân sự") and neither the entry's title nor its own procedures' names have any of them: the entry only
        mentions that subject ("người trong độ tuổi nghĩa vụ quân sự" must declare a temporary absence)."""
        if len(codes) < 2:
            return False
        family = set.intersection(*(self.procedures.name_core(c) for c in codes))
        own = self._title_words(entry_id).union(*(self.procedures.name_of(c) for c in declared
                                                   if c in self.procedures))
        return len(family) >= _FAMILY_WORDS and family <= set(said) and not family & own

    def called_another(self, entry_id: str, declared: tuple[str, ...], codes: tuple[str, ...], said: list[str]
                       ) -> bool:
        """The entry was found by a word of its subject that the question says inside what people call one of the
        candidates (called_names.py), a phrase neither the entry's text nor its own procedures' everyday names say:
        "xin trợ cấp người già ở đâu" had got the unemployment guide, sure, by "trợ cấp"."""
        search = self.procedures
        subject = title_subject(self.entries[entry_id].title)
        own = set().union(*(search.called_names(c) for c in declared if c in search))
        return any(set(p.split()) & subject and p not in own and f" {p} " not in self.words[entry_id]
                   for c in codes if c in search for p in search.called_said(c, said))

    def guide_may_yield(self, entry_id: str, said: list[str]) -> bool:
        """Cheap, before the catalogue is ranked: a guide about no procedure can only give way when the citizen
        says all of some procedure's name (level words aside), using a word the guide misses or one of its
        title (`guide_not_about`), or a rare two-word term of a name the guide never says (`term_silent_on`)."""
        words = set(said)
        using = {t for t in said if f" {t} " not in self.words[entry_id]} | (self._title_words(entry_id) & words)
        return (self._rare_term_unsaid(entry_id, said, self.procedures.name_pairs)
                or self.procedures.some_name_said(words, using))

    def _title_words(self, entry_id: str) -> set[str]:
        """The title's words: beyond the subject it shares with a procedure, what this guide is about ("tích hợp …
        vào VNeID")."""
        return set(folded_syllables(self.entries[entry_id].title))

    def narrowed(self, decision: Decision, chosen: ProcedureDecision | None) -> Decision:
        """A choice between guides settles when the catalogue is sure of the procedure one of them is about: "lam
        giay khai tu cho ba" matched the death and the birth guides by "khai", and the catalogue is sure of khai tử.
        Only a choice between procedures: beside a guide about paying, a procedure named is context, not the
        question ("nộp hồ sơ đổi bằng lái rồi, nộp lệ phí ở đâu")."""
        if decision.kind != Kind.CLARIFY or chosen is None or chosen.kind != Kind.ANSWER or not all(
                self.entries[e].procedures for e in decision.options):
            return decision
        about = [e for e in decision.options if chosen.code in self.entries[e].procedures]
        return Decision(Kind.ANSWER, about[0], decision.score) if len(about) == 1 else decision

    def mixed(self, decision: Decision, chosen: ProcedureDecision) -> tuple[str, ...]:
        """The catalogue's first choices to offer beside the curated tier's, when that tier asks between procedure
        guides, or answers with one less surely than the catalogue, and the catalogue points to procedures none of
        them is about ("giấy khai sinh bị mất bản chính, muốn xin bản sao" had been asked khai sinh or thường trú;
        "giấy xác nhận cư trú" had been answered with the old-ID-number guide), or asks among siblings it is nearly
        sure of ("nghỉ việc 2 tháng, muốn lãnh bhxh 1 lần" had got the unemployment guide, sure)."""
        if chosen.kind == Kind.DONT_KNOW or decision.kind == Kind.DONT_KNOW:
            return ()
        if decision.kind == Kind.ANSWER and chosen.score <= decision.score and not (
                chosen.kind == Kind.CLARIFY and chosen.among >= _NEARLY_SURE):
            return ()
        guides = [self.entries[e] for e in (decision.options or (decision.entry_id,))]
        codes = chosen.codes
        # beside guides about no procedure only when half sure, and surer than the ask-back ("làm thẻ căn cước cho
        # cháu nội 10 tuổi" had been asked the children's VNeID guide or the renewal one, not "Cấp thẻ căn cước cho
        # người dưới 14 tuổi")
        if not all(g.procedures for g in guides) and (decision.kind == Kind.ANSWER or chosen.score <= decision.score
                                                      or chosen.score < _HALF_SURE):
            return ()
        # a guide about one of the options: the catalogue's first, not declared, only when surer than the
        # ask-back ("con gái 10 tuổi làm căn cước ở đâu": the card renewal guide declares "Cấp lại thẻ căn cước")
        declared = {c for g in guides for c in g.procedures}
        if codes[0] in declared or (declared & set(codes) and chosen.score <= decision.score):
            return ()
        return tuple(c for c in codes[:_MIXED] if c not in declared and not self.at_another_level(c, declared))

    def at_another_level(self, code: str, declared: tuple[str, ...] | set[str]) -> bool:
        """`code` is a declared procedure done at another level (its name differs only in "thực hiện tại cấp
        tỉnh"): the guide covers it ("tk đang bị khóa thì mở lại ở đâu" had got the provincial unlocking card
        over the VNeID locking guide, which declares the commune's)."""
        core = self.procedures.name_core(code)
        return any(c in self.procedures and self.procedures.name_core(c) == core for c in declared)

    def said_of_another(self, code: str, declared: tuple[str, ...], said: list[str]) -> bool:
        """What a sibling's name says beyond the guide's procedures ("chấm dứt" of "Chấm dứt hưởng trợ cấp thất
        nghiệp") is said, but only of something else: no word of it stands within `_BESIDE` words of a word the
        names share ("thời hạn nộp hồ sơ hưởng trợ cấp thất nghiệp là bao lâu kể từ ngày chấm dứt HĐLĐ" asks the
        guide's deadline, counted from the contract's end, and had got the sibling that ends the benefit)."""
        known = [c for c in declared if c in self.procedures]
        if not known:
            return False
        own = self.procedures.name_core(code)
        shared = own & set().union(*(self.procedures.name_of(c) for c in known))
        apart = own - shared
        at = [i for i, w in enumerate(said) if w in apart]
        near = [i for i, w in enumerate(said) if w in shared]
        return bool(at) and bool(near) and all(abs(i - j) > _BESIDE for i in at for j in near)

    def catalogue_overrules(self, decision: Decision, chosen: ProcedureDecision, ranking: list[ScoredProcedure],
                            wider: NormalizedQuery) -> bool:
        """The catalogue's reply stands instead of the curated tier's answer (or don't-know)."""
        declared = self.entries[decision.entry_id].procedures if decision.kind == Kind.ANSWER else ()
        said = said_words(wider)
        if decision.kind == Kind.ANSWER and not declared:   # a guide: its nearest procedure is named, not it
            nearest = chosen.code or (chosen.options[0] if chosen.options else None)
            if nearest is None or filed_already(wider.original):
                return False
            # a sure card beside a guide that says none of its name's words the question says: "the bao hiem y te
            # cua chu het han, gia han o dau" had got the signature-renewal guide ("chú" read as "chữ")
            return (self.guide_not_about(decision.entry_id, nearest, said)
                    or self.term_silent_on(decision.entry_id, said, chosen.codes)
                    or chosen.kind == Kind.ANSWER and self.says_none_of(decision.entry_id, nearest, said))
        # an entry about one procedure gives way to a sibling the catalogue is sure of ("… có yếu tố nước ngoài"
        # asked, the general entry found), or to candidates naming a rare word it never says ("thẻ ABTC … cấp lại"
        # is not the căn cước entry); otherwise it answers, with the record's facts. An entry list the curated
        # tier asks about is not overruled: its entries are not procedures.
        if (chosen.kind == Kind.ANSWER and chosen.code not in declared and decision.kind != Kind.CLARIFY
                and not self.at_another_level(chosen.code, declared)
                and not self.said_of_another(chosen.code, declared, said)):
            return True
        if declared and chosen.kind != Kind.DONT_KNOW:
            return (any(self.silent_on(decision.entry_id, said, c) for c in chosen.codes)
                    or self.term_silent_on(decision.entry_id, said, chosen.codes)
                    or self.procedures.sibling_asked(
                        declared, [r for r in ranking if not self.said_of_another(r.code, declared, said)])
                    or self.family_named(decision.entry_id, declared, chosen.codes, said)
                    or self.called_another(decision.entry_id, declared, chosen.codes, said))
        return chosen.kind == Kind.CLARIFY and decision.kind == Kind.DONT_KNOW
