"""The retrieval pipeline: check input → normalise → retrieve → fuse → decide → screen uncovered subjects.

Loaded once per process (model, index, vocabulary); `ask` is then pure CPU work
of a few milliseconds plus one query embedding.
"""
from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path

from bot.core.wording import say
from bot.privacy.people import without_people
from bot.privacy.redact import without_dossier_codes
from bot.reading.background import without_besides, without_spared
from bot.reading.opening import without_opening
from bot.retrieval.age_fit import of_age, without_other_ages
from bot.retrieval.answers import Answer, InputKind, Retrieved, check_input, read_in_parts, unique
from bot.retrieval.aspects import asked_aspects
from bot.retrieval.choice_reading import fits_age, fitting, stated_age
from bot.retrieval.choices_compared import compared
from bot.retrieval.context_reading import ContextReader
from bot.retrieval.decision import DEFAULT_FILE, Decision, DecisionConfig, Kind, Scored, ask_among, decide
from bot.retrieval.dense_lines import DenseLines
from bot.retrieval.follow_up import Focused, unnumbered
from bot.retrieval.fusion import fuse
from bot.retrieval.glossary import Glossary
from bot.retrieval.hybrid import DenseRetriever, LexicalRetriever
from bot.retrieval.normalize import MAX_QUERY_CHARS, NormalizedQuery, QueryNormalizer
from bot.retrieval.places import place_prior, provinces_named
from bot.retrieval.procedure_card import facts_block, procedure_entry
from bot.retrieval.procedure_config import ProcedureDecisionConfig
from bot.retrieval.procedure_results import ScoredProcedure
from bot.retrieval.procedure_search import ProcedureSearch
from bot.retrieval.procedure_words import cost_not_loss
from bot.retrieval.query_adapter import QueryAdapter
from bot.retrieval.question_intent import IntentCues
from bot.retrieval.question_says import asks_to_bring
from bot.retrieval.subject_bound import SubjectBound
from bot.retrieval.tier_arbitration import TierArbiter, names_another, paying, said_words, title_subject
from bot.retrieval.topic_ask import as_choices, asked_topic, subject_words
from bot.retrieval.uncovered import UncoveredSubjects, entry_text_words
from indexer.catalogue.index import CatalogueIndex
from indexer.embedder import Embedder, RememberedQueries
from indexer.entry_text import plain
from indexer.knowledge import CATALOG_FILE, SYNONYMS_FILE, KnowledgeEntry, KnowledgeError, load_catalog
from indexer.outside import read_outside
from indexer.store import IndexSnapshot
from indexer.synonyms import Synonyms
from indexer.vntext import clean, fold, folded_syllables

_CANDIDATES = 10
_PART_ONLY = ("documents", "fee", "time", "where")   # parts every procedure has; "online" has guides of its own
log = logging.getLogger(__name__)


class Answerer:
    def __init__(self, snapshot: IndexSnapshot, embedder: Embedder, synonyms: Synonyms,
                 decision: DecisionConfig, province: str = "", topics: dict[str, str] | None = None,
                 adapter: QueryAdapter | None = None, uncovered: UncoveredSubjects | None = None,
                 procedures: ProcedureSearch | None = None) -> None:
        self.build_id = snapshot.folder.name
        self.entries = {e.id: e for e in snapshot.entries}
        self.subject_bound = SubjectBound.of(snapshot.entries)   # offered only to a question saying their subject
        # some entry holds only in its provinces: then where the citizen lives matters to `ask`
        self.has_local = any(e.local for e in snapshot.entries)
        self.topics = topics or {}
        self.decision = decision
        self._province = province
        self.embedder = embedder   # the running model, shared with the desk's grouping (no second load)
        self.dense = DenseRetriever(snapshot, embedder, adapter)
        self.lexical = LexicalRetriever(snapshot)
        self.normalizer = QueryNormalizer.for_entries(
            snapshot.entries, synonyms, procedures.name_words if procedures else ())
        self.cues = IntentCues.load()
        self._profiles = {e.id: self.cues.profile([e.title, *e.questions]) for e in snapshot.entries}
        self.uncovered = uncovered or UncoveredSubjects(())
        self.glossary = Glossary()   # terms and referrals: the dialogue answers from them; ask only checks referrals
        self._words = {e.id: entry_text_words([e.title, *e.questions, plain(e.body)]) for e in snapshot.entries}
        self.procedures = procedures
        # a curated entry about a procedure is answered instead of its bare catalogue record
        self._declared = {code: e for e in snapshot.entries for code in e.procedures}
        self.tiers = TierArbiter(self.entries, self._words, self.lexical, procedures) if procedures else None
        self.context = ContextReader(self.entry, self.normalizer, self.lexical, procedures, self.procedures_of,
                                     self.entries, DenseLines(embedder))
        self.procedure_normalizer = QueryNormalizer.for_texts(
            [t for e in snapshot.entries for t in (e.title, *e.questions, plain(e.body))] + procedures.texts,
            synonyms) if procedures else None

    @classmethod
    def load(cls, snapshot: IndexSnapshot, embedder: Embedder, decision_file: Path | None = None,
             province: str = "") -> "Answerer":
        """Synonyms, topic names and uncovered subjects come from the build itself: one build is one knowledge
        version. The question adapter comes with the decision it was calibrated with, and only for the model it
        was fitted for."""
        synonyms_path = snapshot.folder / SYNONYMS_FILE
        synonyms = Synonyms.load(synonyms_path) if synonyms_path.exists() else Synonyms()
        topics = load_catalog(snapshot.folder).topics if (snapshot.folder / CATALOG_FILE).exists() else {}
        decision_file = Path(decision_file or DEFAULT_FILE)
        decision = DecisionConfig.load(decision_file)
        adapter = None
        if decision.query_adapter:
            adapter = QueryAdapter.load(decision_file.parent / decision.query_adapter)
            if not adapter.fits(snapshot.manifest.model_id, snapshot.manifest.dimension):
                log.warning("Bộ chuyển câu hỏi %s được khớp cho mô hình %s, không phải %s: không dùng.",
                            decision.query_adapter, adapter.model_id, snapshot.manifest.model_id)
                adapter = None
        index = CatalogueIndex.load(snapshot.folder)
        procedures = None
        if index is not None:
            config = ProcedureDecisionConfig.load(decision_file.parent / decision.procedure_decision)
            procedures = ProcedureSearch(index, embedder, province, config)
        try:
            glossary = Glossary.load(snapshot.folder)
        except KnowledgeError as exc:   # `dvcbot check` reports it; a chat goes on without the tables
            log.warning("Bảng thuật ngữ hoặc chuyển tiếp có lỗi, tạm không dùng: %s", exc)
            glossary = Glossary()
        uncovered = UncoveredSubjects.of(read_outside(snapshot.folder).subjects,
                                         [alias for term in glossary.terms for alias in term.aliases])
        answerer = cls(snapshot, embedder, synonyms, decision, province, topics, adapter, uncovered, procedures)
        answerer.glossary = glossary
        return answerer

    def entry(self, entry_id: str | None, question: str = "", earlier: str = "") -> KnowledgeEntry | None:
        """A curated entry, or the card of a catalogue record (`tthc:<code>`) with the part `question` asks first;
        None for a team's answer (no entry) or an entry no longer in the knowledge."""
        if not entry_id:
            return None
        if not entry_id.startswith("tthc:"):
            entry = self.entries.get(entry_id)
            return self.with_facts(entry, question, earlier) if entry else None
        code = entry_id.removeprefix("tthc:")
        if not self.procedures or code not in self.procedures.procedures:
            return None
        search = self.procedures
        asked = asked_aspects(question)
        return procedure_entry(search.procedures[code], search.month, say("search_url"), next(iter(asked), None),
                               search.notes.get(code, ""), search.display_name(code), asked[1:])

    def procedures_of(self, entry_id: str | None) -> tuple[str, ...]:
        """The national procedure codes an answer was about (reports by procedure)."""
        if not entry_id:
            return ()
        if entry_id.startswith("tthc:"):
            return (entry_id.removeprefix("tthc:"),)
        entry = self.entries.get(entry_id)
        return entry.procedures if entry else ()

    def title(self, entry_id: str) -> str:
        return self.entries[entry_id].title

    def procedure_name(self, code: str) -> str:
        found = self.procedures and code in self.procedures.procedures
        return self.procedures.display_name(code) if found else code

    def with_facts(self, entry: KnowledgeEntry, question: str = "", earlier: str = "") -> KnowledgeEntry:
        """A curated entry about a procedure, with the record's fee, time and place added: first when the question
        asks one of them, else after the entry's own text."""
        search = self.procedures
        found = [search.procedures[c] for c in search.most_named(list(entry.procedures), f"{question} {earlier}")
                 ] if search else []
        asked = asked_aspects(question)
        facts = facts_block(found[0], search.month, asked) if found else []
        if not facts:
            return entry
        if asked and asked[0] in ("fee", "time", "where"):
            # the guide's own lines about them lead ("… tới UBND xã nơi cư trú của một trong hai người"): staff's
            # words say more than the portal's agency field; every part asked ("bao nhiêu ngày, có mất lệ phí không")
            owns = self.context.own_lines(entry.id, tuple(a for a in asked if a in ("fee", "time", "where")))
            lead = [unnumbered(own) for own in owns]
            return dataclasses.replace(entry, body="\n".join(lead + facts) + "\n\n" + entry.body)
        return dataclasses.replace(entry, body=entry.body + "\n\n" + "\n".join(facts))

    def _with_lead(self, entry: KnowledgeEntry | None, question: str,
                   query: NormalizedQuery | None) -> KnowledgeEntry | None:
        """A guide answering a question whose words point to a line further down: that line leads."""
        line = self.context.answering_line(entry.id, question, query) if entry is not None else None
        return dataclasses.replace(entry, body=f"{line}\n\n{entry.body}") if line else entry

    def in_context(self, focus_id: str, question: str, alone: "Answer", earlier: str = "") -> "Answer | Focused":
        """A question read with the entry answered last (bot/retrieval/context_reading.py); `earlier`: the question
        it answered, which says which of a guide's procedures is meant."""
        return self.context.in_context(focus_id, question, alone, earlier)

    def compared(self, choices: list[str], question: str) -> list[tuple[KnowledgeEntry, str]]:
        return compared(self.context, choices, question)

    def narrow_choices(self, choices: list[str], reply: str) -> list[str]:
        """The options of an ask-back a short reply picks by age or case ("nó 15 tuổi rồi"); [] when none or all."""
        entries = [e for e in (self.entry(i) for i in choices) if e is not None]
        cases = self.procedures.cases if self.procedures else {}
        # "mất bao nhiêu tiền" asks a cost, not about a lost card ("cấp lại")
        return [entries[i].id for i in fitting([e.title for e in entries], cost_not_loss(reply), cases)]

    def only_aspect(self, question: str) -> str | None:
        """The part of a procedure a question asks when it names nothing else ("cần giấy tờ gì"), or "documents"
        for a paper to bring ("có phải mang giấy khai sinh không")."""
        return self.context.only_aspect(question) or ("documents" if asks_to_bring(question) else None)

    def _not_a_guess(self, decision: Decision, ranked: list[Scored], part: str | None, reading: NormalizedQuery,
                     province: str | None) -> Decision:
        """An answer the question does not ask for is a guess, and the candidates are offered instead: a procedure
        guide for a question that asks only a part ("phải có giấy tờ gì", "đăng ký ở đâu" had got the khai sinh and
        marriage guides, sure), or a province's guide for such a question when the citizen's province is another
        or unknown ("làm thủ tục ở đâu" had got Đồng Nai's), or a procedure guide whose subject the question never
        says while it says another candidate's. Asked after an answer, the conversation supplies the subject instead.
        `part`: the part the question asks when it names nothing else (`ContextReader.only_aspect`)."""
        if decision.kind != Kind.ANSWER:
            return decision
        entry = self.entries[decision.entry_id]
        part_only = bool(entry.procedures) and part in _PART_ONLY
        elsewhere = part is not None and bool(entry.provinces) and not entry.local and (
            province or self._province) not in entry.provinces
        others = [self.entries[c.entry_id] for c in ranked[1:self.decision.max_options]
                  if c.confidence >= self.decision.clarify_at]
        another = bool(entry.procedures) and names_another(entry, others, set(said_words(reading)))
        return ask_among(ranked, self.decision, decision.score) if part_only or elsewhere or another else decision

    def catalogue_readings(self, question: str, query: NormalizedQuery | None = None
                           ) -> tuple[NormalizedQuery, NormalizedQuery]:
        """The question as the curated tier reads it and as a normaliser that knows the catalogue's words reads
        it; "mất" of time or money is dropped first. `query`: the curated tier's reading, which drops it too (so
        a question about a cost embeds two readings, not three)."""
        assert self.procedure_normalizer
        asked = cost_not_loss(question)
        plain = query if query is not None else self.normalizer.normalize(asked)
        return plain, self.procedure_normalizer.normalize(asked)

    def _embed_ahead(self, question: str, query: NormalizedQuery
                     ) -> tuple[NormalizedQuery, NormalizedQuery] | None:
        """Every reading a turn may search densely, embedded in one call: the embedder spreads a batch over the
        cores and remembers the vectors, where one reading after another was most of a question's time (p95 74
        ms on 2 cores, 60 of them embedding). A catalogue reading the turn then does not search costs a core's
        few milliseconds in parallel. Returns the catalogue readings, so they are not read twice."""
        readings = self.catalogue_readings(question, query) if self.procedures else None
        texts = [t for t in dict.fromkeys([query.text, *(r.text for r in readings or ())]) if t]
        if len(texts) > 1 and isinstance(self.embedder, RememberedQueries) and self.embedder.remembers:
            self.embedder.embed_queries(texts)
        return readings

    def procedure_ranking(self, question: str, query: NormalizedQuery | None = None,
                          readings: tuple[NormalizedQuery, NormalizedQuery] | None = None
                          ) -> tuple[list[ScoredProcedure], NormalizedQuery]:
        """The catalogue tier's candidates (for the age the question states, if any), and the question as read
        with a normaliser that knows the catalogue's words (calibration ranks through here too, so it fits what
        citizens get)."""
        assert self.procedures
        age = stated_age(question)
        plain_reading, wider = readings or self.catalogue_readings(question, query)
        if not wider.terms:
            return self.procedures.rank(plain_reading, provinces_named(question), age=age), plain_reading
        return self.procedures.rank(wider, provinces_named(question), also=plain_reading.text, age=age), wider

    def _by_procedure(self, code: str, question: str) -> KnowledgeEntry:
        declared = self._declared.get(code)
        return self.with_facts(declared, question) if declared else self.entry(f"tthc:{code}", question)

    def retrieve(self, query: NormalizedQuery, use_dense: bool = True, use_lexical: bool = True) -> Retrieved:
        """Both retrievers' hits and the background cosine level: the costly half of ranking, done once."""
        every = self.dense.rank(query)  # all entries: the median is the background level
        return Retrieved(
            query=query, asked=self.cues.of(query.terms),
            dense=every.top(_CANDIDATES * 3) if use_dense else [],
            lexical=self.lexical.search(query, _CANDIDATES * 3) if use_lexical else [],
            cosine=every, median=every.median(), outside=every.outside,
            weight=None if use_dense and use_lexical else float(use_dense))

    def score(self, r: Retrieved, cfg: DecisionConfig | None = None) -> list[Scored]:
        """Fused candidates with calibrated confidence, best first.

        The fused score adds the entry's title coverage and whether its intent matches the question's to
        the two retrievers; confidence always uses the dense signals, also when ranking lexical-only
        (the bench compares rankings).
        """
        cfg = cfg or self.decision
        fused = fuse(r.dense, r.lexical, cfg.dense_weight if r.weight is None else r.weight)[:_CANDIDATES]
        named = provinces_named(r.query.text)
        rows = []
        for c in fused:
            entry = self.entries[c.entry_id]
            agree, clash = self.cues.match(r.asked, self._profiles[c.entry_id])
            prior = cfg.w_title * self.lexical.title_coverage(r.query, c.entry_id) + cfg.w_agree * agree \
                - cfg.w_clash * clash
            rows.append((c.entry_id, c.fused + prior + place_prior(entry.provinces, named, self._province,
                                                                    cfg.province_boost)))
        scored = []
        for entry_id, total in rows:
            margin = total - max((t for e, t in rows if e != entry_id), default=0.0)
            coverage = self.lexical.coverage(r.query, entry_id)
            cos = r.cosine.get(entry_id, r.median)
            conf = cfg.confidence(cos, coverage, cos - r.median, margin)
            scored.append(Scored(entry_id, total, conf, cos, coverage, cos - r.median, margin))
        return sorted(scored, key=lambda s: -s.fused)

    def rank(self, query: NormalizedQuery, use_dense: bool = True, use_lexical: bool = True) -> list[Scored]:
        return self.score(self.retrieve(query, use_dense, use_lexical))

    def screen(self, decision: Decision, r: Retrieved, cfg: DecisionConfig | None = None) -> Decision:
        """Say "don't know" rather than offer only entries silent on an uncovered subject asked about (VssID, tiền
        điện…), or entries farther from the question than an example of what we do not cover."""
        cfg = cfg or self.decision
        said = " ".join(c.said for c in r.query.clauses)
        chosen = [decision.entry_id] if decision.kind == Kind.ANSWER else list(decision.options)
        # a subject named as what was being paid for ("đóng lệ phí … hộ kinh doanh mà cứ báo giao dịch không thành
        # công") is no subject asked: the payment guides stand
        if chosen and not paying(said) and all(self.uncovered.blocks(said, self._words[e]) for e in chosen):
            return Decision(Kind.DONT_KNOW, None, decision.score)
        if chosen and r.outside >= max(r.cosine.get(e, r.median) for e in chosen) + cfg.outside_margin:
            return Decision(Kind.DONT_KNOW, None, decision.score)
        return decision

    def _only_noise_for_referral(self, question: str, query: NormalizedQuery, entries: list[KnowledgeEntry]) -> bool:
        """Choices that only look alike ("quên mật khẩu VssID" offered lost-card procedures for "mất", "cấp lại")
        for a subject another body handles (knowledge/chuyen-tiep.yaml): the referral is the better reply, so the
        catalogue offers nothing when none of its choices mentions the subject named."""
        said = " ".join(c.said for c in query.clauses)
        named, spoken = self.uncovered.named(said), entry_text_words([said])

        def called(e: KnowledgeEntry) -> list[str]:
            """What staff call the card's procedure, when the citizen said it or it starts with the subject named
            ("rút bảo hiểm xã hội một lần" for "rút bhxh"; not "hợp đồng tiền điện" for a bill that doubled)."""
            folded = {w: entry_text_words([w]) for c in e.procedures for w in self.procedures.everyday_of(c)}
            return [w for w, f in folded.items() if f in spoken or any(f.strip().startswith(u) for u in named)]

        return self.glossary.referral(question) is not None and all(
            self.uncovered.blocks(said, entry_text_words([e.title, *e.questions, e.body, *called(e)])) for e in entries)

    def _related(self, chosen: str, ranked: list[Scored], limit: int = 3) -> tuple[KnowledgeEntry, ...]:
        """Plausible runners-up first, then nearby entries of the same topic."""
        topic = self.entries[chosen].topic
        picks = [s.entry_id for s in ranked if s.entry_id != chosen and s.confidence >= self.decision.clarify_at]
        picks += [s.entry_id for s in ranked if s.entry_id != chosen and self.entries[s.entry_id].topic == topic]
        return tuple(self.entries[e] for e in dict.fromkeys(picks))[:limit]

    def offered_in(self, entry_id: str, province: str | None) -> bool:
        """A team's local answer (`local: true`) is offered only in its provinces: the citizen's, else this
        deployment's; nowhere when neither is known."""
        entry = self.entries[entry_id]
        return not entry.local or (province or self._province) in entry.provinces

    def ask(self, question: str, province: str | None = None) -> Answer:
        """`province`: where the citizen said they live (None: not said). A long message that gets no answer whole
        may get one from narrower readings of it (`read_in_parts`)."""
        started = time.perf_counter()
        topic = asked_topic(question)   # "chú muốn hỏi mấy chuyện về tài khoản định danh điện tử"
        offered = self._subject_choices(topic, province) if topic else None
        whole = offered or self._ask_whole(question, province)
        found = None if offered else read_in_parts(question, whole, lambda text: self._ask_whole(text, province))
        if found is None:
            return whole
        return dataclasses.replace(found, question=question,
                                   latency_ms=round((time.perf_counter() - started) * 1000, 1))

    def _subject_choices(self, subject: str, province: str | None) -> Answer | None:
        """A subject named to ask about, and nothing asked yet: its entries to choose from (topic_ask.py)."""
        about = self._ask_whole(subject, province)
        named = subject_words(subject)   # a rival names the subject: "khai tử" only shares "đăng ký" with "thường trú"
        rivals = [self.entries[s.entry_id] for s in (self.rank(about.query) if about.query else [])
                  if s.confidence >= self.decision.clarify_at and self.offered_in(s.entry_id, province)
                  and named & title_subject(self.entries[s.entry_id].title)]
        return as_choices(about, rivals, self.decision.max_options)

    def _ask_whole(self, question: str, province: str | None = None) -> Answer:
        """The pipeline on the message read as one question."""
        started = time.perf_counter()
        text = clean(question)
        truncated = len(text) > MAX_QUERY_CHARS

        def reply(kind: str, score: float, entry: KnowledgeEntry | None = None,
                  options: tuple[KnowledgeEntry, ...] = (), related: tuple[KnowledgeEntry, ...] = ()) -> Answer:
            return Answer(question=question, kind=kind, entry=entry, score=round(score, 4), options=options,
                          related=related, query=query, truncated=truncated,
                          latency_ms=round((time.perf_counter() - started) * 1000, 1))

        problem = check_input(text)
        query = None
        decision = Decision(Kind.DONT_KNOW, None, 0.0)
        related: tuple[KnowledgeEntry, ...] = ()
        ranked: list[Scored] = []
        if problem is None:
            # "hồ sơ của bác Nguyễn Văn Tư…", "hồ sơ G22.39-241203-0001", "chào em,", "… để khỏi mất nữa",
            # "Ngoài tiền mai táng, …": never the subject
            searched = without_people(without_dossier_codes(without_opening(question)))
            searched = without_besides(without_spared(searched))
            # raw: line breaks end sentences; "mất bao lâu", "mất tiền" are a cost in both tiers, never a loss
            query = self.normalizer.normalize(cost_not_loss(searched))
            if not any(t.isalpha() for t in fold(query.text)):
                problem = InputKind.NO_WORDS
            else:
                readings = self._embed_ahead(searched, query)
                age = stated_age(searched)
                found = self.subject_bound.kept(self.retrieve(query), f"{searched} {query.text}")
                ranked = [r for r in self.score(found) if self.offered_in(r.entry_id, province)]
                if ranked and not fits_age(self.title(ranked[0].entry_id), age):
                    found = without_other_ages(found, age, self.title)
                    ranked = [r for r in self.score(found) if self.offered_in(r.entry_id, province)]
                decision = of_age(self.screen(decide(ranked, self.decision), found), age, query, self.title)
                part = self.context.only_aspect(searched, query)   # None when it names anything but a part
                decision = self._not_a_guess(decision, ranked, part, query, province)
                typed = folded_syllables(query.text)
                decision = decision.not_contrary(typed, lambda o: self.entries[o].title)
                decision = decision.title_typed(typed, lambda o: self.entries[o].title)
                decision = decision.subject_named(typed, lambda o: title_subject(self.entries[o].title),
                                                  self.decision.answer_at)
                decision = decision.number_named(searched, lambda o: self.entries[o].title, lambda o: self.entries[o].body)
                guide = decision.kind == Kind.ANSWER and not self.entries[decision.entry_id].procedures
                chosen = None
                # a part asked of no procedure ("mất bao nhiêu tiền") gets no catalogue options: any name has a fee
                if self.tiers and part is None and not (
                        guide and not self.tiers.guide_may_yield(decision.entry_id, said_words(query))):
                    ranking, wider = self.procedure_ranking(searched, query, readings)
                    chosen = self.procedures.decide(ranking)
                    decision = self.tiers.narrowed(decision, chosen)
                if chosen is not None and self.tiers.catalogue_overrules(decision, chosen, ranking, wider):
                    entries = unique(self._by_procedure(c, question) for c in chosen.codes)
                    if chosen.kind == Kind.ANSWER:
                        return reply(chosen.kind.value, chosen.score, entry=entries[0])
                    # what the curated tier said stands when every card is silent on an uncovered subject named
                    if not self._only_noise_for_referral(question, query, entries):
                        return reply(chosen.kind.value, chosen.score, options=tuple(entries))
                mixed = self.tiers.mixed(decision, chosen) if chosen is not None else ()
                if mixed:
                    said = said_words(wider)
                    guides = [o for o in decision.options or (decision.entry_id,)
                              if chosen.kind != Kind.ANSWER or not self.tiers.says_none_of(o, mixed[0], said)]
                    options = unique([*(self._by_procedure(c, question) for c in mixed),
                                      *(self.entries[o] for o in guides)])
                    shown = tuple(options[:self.decision.max_options + 1])
                    return reply(Kind.CLARIFY.value, decision.score, options=shown)
                if decision.kind == Kind.ANSWER:
                    related = self._related(decision.entry_id, ranked)
        entry = self.entry(decision.entry_id, question) if decision.entry_id else None
        answer = reply(problem or decision.kind.value, decision.score, entry=self._with_lead(entry, question, query),
                       options=tuple(self.entries[o] for o in decision.options), related=related)
        if answer.kind == Kind.DONT_KNOW.value and problem is None and ranked:
            return dataclasses.replace(answer, nearest=ranked[0].entry_id)
        return answer
