"""The catalogue tier: find the national procedure a question describes, or the few siblings to choose from.

Dense (e5 vectors of each record's name and situation) and lexical (BM25 over folded
syllables, with everyday words) scores are fused with priors a citizen's question
implies: a personal question prefers what a private citizen does, and a province's own
procedures are offered only in that province. The decision is separate from ranking,
as for curated entries, with its thresholds in `procedure_decision.yaml` (calibrated by
bench/catalogue_calibrate.py).
"""
from __future__ import annotations

import dataclasses
import functools
import itertools
import math

import numpy as np
from rapidfuzz import fuzz

from bot.retrieval.armed_forces import for_the_forces, forces_said
from bot.retrieval.aspects import aspect_words
from bot.retrieval.called_names import CalledNames
from bot.retrieval.choice_reading import SOCIAL_PENSION, age_range, paid_pension, within
from bot.retrieval.decision import Kind
from bot.retrieval.name_casing import NameCasing
from bot.retrieval.normalize import NormalizedQuery
from bot.retrieval.procedure_config import ProcedureDecisionConfig
from bot.retrieval.procedure_features import RecordFeatures
from bot.retrieval.procedure_results import ProcedureDecision, ScoredProcedure
from bot.retrieval.procedure_words import names_case
from indexer.catalogue.index import CatalogueIndex, everyday_words, procedure_terms
from indexer.catalogue.model import Procedure
from indexer.embedder import Embedder
from indexer.vntext import fold, folded_syllables, lexical_terms, syllables

_POOL = 40
# What the learned ranking weighs for each candidate (bench/catalogue_calibrate.py fits the weights).
RANK_FEATURES = ("dense_name", "dense_situation", "dense_gap", "lexical", "coverage", "name_share", "name_length",
                 "citizen", "business_only", "level_xa", "level_tinh", "level_bo", "detailed", "online",
                 "dense_rank", "lexical_rank", "case_match", "case_clash", "province_named")
_NOT_CITIZEN = RANK_FEATURES.index("business_only")   # only businesses may use it, and the question is personal
# Words that make a question about a business or an organisation rather than a private person.
_BUSINESS = {"cong_ty", "doanh_nghiep", "hop_tac", "tnhh", "co_phan", "to_chuc", "co_so", "chi_nhanh", "van_phong"}
# … of which these fold like everyday words: only their marked form counts ("có sổ đỏ" is no "cơ sở")
_BUSINESS_MARKED = {"co_so": "cơ sở", "co_phan": "cổ phần"}


# Words of a name that say at which level a procedure is done ("(thực hiện tại cấp tỉnh)"): siblings that differ
# only in them are one procedure at several levels, still the citizen's choice (the office differs), and no sibling
# adds words the citizen did not say because of them.
_LEVEL_WORDS = frozenset("thu tuc thuc hien tai cap tinh xa huyen trung uong bo".split())
_SETTLING = frozenset({"giai", "quyet"})   # "giải quyết hưởng …" is the same procedure as "hưởng …"
# Distinct words a question needs for "its words are all in the top name" to mean it names a procedure.
_NAMED_WORDS = 3
# Share (IDF-weighted) of the words a sibling's name adds that the question must say for it to be a rival.
_SAID_ENOUGH = 0.5
# folded words of a name that only say a procedure is done the first time ("thành lập", "lần đầu", "mới"): what a
# question asks when it names no other case
_PLAIN_START = frozenset({"thanh", "lap", "lan", "dau", "moi"})

class ProcedureSearch:
    def __init__(self, index: CatalogueIndex, embedder: Embedder, province: str = "",
                 config: ProcedureDecisionConfig | None = None) -> None:
        self.procedures: dict[str, Procedure] = index.catalogue.procedures
        self.notes = index.catalogue.notes
        self.month = index.catalogue.month
        self.config = config or ProcedureDecisionConfig.load()
        self._embedder = embedder
        self._codes = index.codes
        self._position = {c: i for i, c in enumerate(self._codes)}
        self._rows = np.array([self._position.get(c, -1) for c in index.row_codes], dtype=np.int64)
        self._name_rows = np.array([kind == "name" for kind in index.row_kinds], dtype=bool)
        self._situation_rows = np.array([kind == "situation" for kind in index.row_kinds], dtype=bool)
        self._everyday_rows = np.array([kind == "everyday" for kind in index.row_kinds], dtype=bool)
        self._phrases = index.phrases
        self.cases: dict[str, tuple[str, ...]] = index.discriminators   # case words of names, and their cues
        self._kept = {fold(w): w.lower() for w in index.kept}   # "doi" → "đổi": typed "đời", it is no cue
        self._case_of = [frozenset(k for k in self.cases if names_case(self.procedures[c].name, k)) for c in self._codes]
        self._vectors = index.vectors
        self._bm25 = index.lexical
        self._terms = [set(procedure_terms(self.procedures[c], index.phrases)) for c in self._codes]
        self._spoken = [f" {' '.join(folded_syllables(self.procedures[c].name))} " for c in self._codes]  # padded
        self._names = [set(n.split()) for n in self._spoken]
        self._cores = [frozenset(n - _LEVEL_WORDS) for n in self._names]   # what each name says it is
        self.name_words: frozenset[str] = frozenset().union(*self._names)   # every word the names use, folded
        # every two words a name says together ("bien so"), folded
        self.name_pairs: frozenset[str] = frozenset(
            f"{a} {b}" for n in self._spoken for a, b in itertools.pairwise(n.split()))
        self._named_with: dict[str, list[int]] = {}    # a name word → the names that use it (level words aside)
        for i, name in enumerate(self._names):
            for t in name - _LEVEL_WORDS:
                self._named_with.setdefault(t, []).append(i)
        n = len(self._codes)
        df: dict[str, int] = {}
        for terms in self._terms:
            for t in terms:
                df[t] = df.get(t, 0) + 1
        self._idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self._unknown = math.log(1 + (n + 0.5) / 0.5)
        self._features = RecordFeatures(self._names, self._terms, self._idf, self._unknown,
                                        [self.procedures[c] for c in self._codes])
        self._ages = [age_range(self.procedures[c].name) for c in self._codes]   # [from, to) years, or None
        self._social = [SOCIAL_PENSION in " ".join(folded_syllables(self.procedures[c].name)) for c in self._codes]
        local = [self.procedures[c].kind != "province" or self.procedures[c].province == province for c in self._codes]
        self._allowed = np.array(local, dtype=bool)
        self.called = CalledNames(self._phrases, self._spoken, self._allowed)
        self._province_of = np.array([self.procedures[c].province if self.procedures[c].kind == "province" else ""
                                      for c in self._codes])
        citizen = [("cong-dan" in self.procedures[c].audience) or not self.procedures[c].audience for c in self._codes]
        self._citizen = np.array(citizen, dtype=bool)
        self._forces = np.array([for_the_forces(self.procedures[c]) for c in self._codes], dtype=bool)
        self.texts = [t for c in self._codes for t in (self.procedures[c].name,
                                                       *everyday_words(self.procedures[c], index.phrases))]

    @functools.cached_property
    def casing(self) -> NameCasing:
        """Learnt from every name when a card is first shown, not at start-up (it takes ~0.15 s)."""
        return NameCasing.of(p.name for p in self.procedures.values())

    def display_name(self, code: str) -> str:
        """The name as a citizen sees it (a name the portal wrote in capitals in sentence case)."""
        return self.casing.display(self.procedures[code].name)

    def everyday_of(self, code: str) -> list[str]:
        """What people call this procedure (knowledge/catalogue/cach-goi.yaml): "rút bhxh một lần"."""
        return everyday_words(self.procedures[code], self._phrases)

    def called_names(self, code: str) -> set[str]:
        """What people call this procedure, word for word, where that names its small family (called_names.py)."""
        return self.called.of(self._position[code])

    def called_said(self, code: str, words: list[str]) -> set[str]:
        return self.called.said_in(self._position[code], words)

    def __contains__(self, code: object) -> bool:
        return code in self._position

    def __len__(self) -> int:
        return len(self._codes)

    def _asked_weights(self, terms: list[str]) -> tuple[dict[str, float], float]:
        """The question's lexical terms with their IDF weights, once per question (coverage reads them per candidate)."""
        weight = {t: self._idf.get(t, self._unknown) for t in set(lexical_terms(terms))}
        return weight, sum(weight.values())

    def _share(self, words: set[str], terms: list[str]) -> float:
        """IDF-weighted share of `words` (a name's) the question's `terms` say."""
        total = sum(self._idf.get(t, self._unknown) for t in words)
        said = set(terms)
        return sum(self._idf.get(t, self._unknown) for t in words if t in said) / total if total else 0.0

    def coverage_of(self, code: str, terms: list[str]) -> float:
        """IDF-weighted share of a question's lexical `terms` the record's own terms have."""
        weight, total = self._asked_weights(terms)
        mine = self._terms[self._position[code]]
        return sum(w for t, w in weight.items() if t in mine) / total if total else 0.0

    def some_name_said(self, said: set[str], using: set[str]) -> bool:
        """Some procedure's name (`name_core`) is all in `said` and uses a word of `using` (without ranking anything)."""
        candidates = set().union(*(self._named_with.get(t, ()) for t in using))
        return any(self._cores[i] <= said for i in candidates)

    def name_of(self, code: str) -> set[str]:
        """The folded words of a procedure's name."""
        return self._names[self._position[code]]

    def name_core(self, code: str) -> set[str]:
        """The folded words of a procedure's name that say what it is: not "thủ tục", "cấp", "thực hiện tại cấp
        tỉnh" ("làm thẻ bhyt" says all of "Thủ tục cấp thẻ bảo hiểm y tế")."""
        return set(self._cores[self._position[code]])

    def most_named(self, codes: list[str], question: str) -> list[str]:
        """Known `codes`, the one whose name the question says most first (ties keep their order): a guide about
        first registration and transfer of a vehicle shows the transfer's fee when "sang tên" is asked."""
        said = folded_syllables(question)
        return sorted((c for c in codes if c in self.procedures),
                      key=lambda c: -self._share(set(folded_syllables(self.procedures[c].name)), said))

    def _dense(self, cosines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each record's cosine to the question through its name and through its situation passage, from the
        question's cosine to every row."""
        by_name = np.full(len(self._codes), -1.0, dtype=np.float32)
        by_situation = np.full(len(self._codes), -1.0, dtype=np.float32)
        np.maximum.at(by_name, self._rows[self._name_rows], cosines[self._name_rows])
        np.maximum.at(by_situation, self._rows[self._situation_rows], cosines[self._situation_rows])
        return by_name, by_situation

    def rank(self, query: NormalizedQuery, provinces: frozenset[str] = frozenset(), also: str = "",
             age: int | None = None) -> list[ScoredProcedure]:
        """Candidates best first. `provinces`: provinces the question names, whose own procedures are offered too
        ("ở Đà Nẵng muốn tách thửa…" asked of another province's assistant). `also`: another reading of the
        question; the dense match is to both readings, so neither reading's guessed diacritics ("thuoc tri dau dau"
        as "thuộc trí đấu đầu") decides alone. `age`: the age the question states; procedures for other ages are
        no candidates ("tôi 70 tuổi, làm thẻ bhyt" is not "… thẻ BHYT cho trẻ em dưới 6 tuổi"), so the lead and
        the siblings are read among those that remain."""
        if not query.terms or not len(self._codes):
            return []
        cfg = self.config
        named = np.isin(self._province_of, list(provinces)) if provinces else np.zeros(len(self._codes), bool)
        allowed = self._allowed | named
        if not forces_said(query.terms):   # the forces' own procedures, for a question that says so
            allowed = allowed & ~self._forces
        readings = list(dict.fromkeys(filter(None, (query.text, also))))
        vecs = self._embedder.embed_queries(readings).astype(np.float32)
        each = self._vectors @ vecs.T                      # one product for every reading
        # cosines to the readings' normalised mean vector, derived from each reading's cosines
        cosines = each.mean(axis=1) / max(float(np.linalg.norm(vecs.mean(axis=0))), 1e-9)
        by_name, by_situation = self._dense(cosines)
        everyday = float(cosines[self._everyday_rows].max()) if self._everyday_rows.any() else -1.0
        best = np.maximum(by_name, by_situation)
        best[~allowed] = -1.0
        # confidence takes the reading that matches least: a guess of diacritics must not make it sure
        surest = (np.minimum.reduce([np.maximum(*self._dense(each[:, k])) for k in range(len(vecs))])
                  if len(vecs) > 1 else best)
        surest_median = float(np.median(surest[self._allowed]))
        lexical = np.asarray(self._bm25.get_scores(lexical_terms(query.terms)), dtype=np.float32)
        lexical[~allowed] = 0.0
        median = float(np.median(best[self._allowed]))
        dense_order = np.argsort(-best)[:_POOL].tolist()
        lexical_order = [i for i in np.argsort(-lexical)[:_POOL].tolist() if lexical[i] > 0]
        # a paid pension said: the social pension allowance's procedures are for those without one
        paid = paid_pension(query.original)
        pool = [i for i in dict.fromkeys(dense_order + lexical_order)
                if allowed[i] and within(self._ages[i], age) and not (paid and self._social[i])]
        if not pool:
            return []
        asked = self._asked_weights(query.terms)
        marked = f" {' '.join(syllables(query.text.lower()))} "
        business = any(t not in _BUSINESS_MARKED or f" {_BUSINESS_MARKED[t]} " in marked
                       for t in _BUSINESS & set(asked[0]))
        cued = self._cued(query.terms, query.original)
        rows = self._fused(pool, query.terms, asked, business, cued, named, (by_name, by_situation, best, median),
                           lexical, (dense_order, lexical_order))
        rows.sort(key=lambda r: -r[1])
        said = set(query.terms) | {w for k in cued for w in folded_syllables(k)}
        rivals = [k == 0 or self._rival(rows[0][0], i, said, cued) for k, (i, _, _) in enumerate(rows)]
        lead = next((t for (_, t, _), r in zip(rows[1:], rivals[1:]) if r), rows[-1][1] if len(rows) > 1 else 0.0)
        rival = next((i for (i, _, _), r in zip(rows[1:], rivals[1:]) if r), None)
        # what the top name adds may be only how a procedure plainly starts ("Đăng ký thành lập hộ kinh doanh" over
        # "Dừng thực hiện thủ tục đăng ký hộ kinh doanh" when "đăng ký hộ kinh doanh" is asked): said by default
        adds, said_them = (self._adds(rows[0][0], rival, said | _PLAIN_START, cfg.lead_said_at) if rival is not None
                           else (False, False))
        words_said = [t for t in query.terms if "_" not in t]
        words = set(words_said)
        leading = rows[:cfg.max_options]
        named_all = ((len(words) >= _NAMED_WORDS and any(words <= self._names[i] for i, _, _ in leading))
                     or any(self.called.said_in(i, words_said) for i, _, _ in leading))
        scored = []
        for k, (i, total, features) in enumerate(rows):
            # the top one's lead is over its first real rival: a sibling only adding unsaid words does not count
            margin = total - (lead if k == 0 else rows[0][1])
            cov, name = features[4], features[5]
            dense, gap = float(surest[i]), float(surest[i]) - surest_median
            conf = cfg.confidence(dense, cov, gap, margin, name, total)
            scored.append(ScoredProcedure(self._codes[i], total, conf, dense, cov, gap, margin, name, features,
                                          everyday - float(by_name[i]), self._case_of[i] & cued, rivals[k],
                                          k > 0 or not adds or said_them, k == 0 and named_all))
        return scored

    def _fused(self, pool: list[int], terms: list[str], asked: tuple[dict[str, float], float], business: bool,
               cued: set[str], named: np.ndarray, dense: tuple, lexical: np.ndarray,
               orders: tuple[list[int], list[int]]) -> list[tuple[int, float, tuple[float, ...]]]:
        """Each candidate of the pool with its fused score and its RANK_FEATURES. `dense`: each record's cosine by
        name, by situation, the best of both and its median; `orders`: the dense and the lexical ranking."""
        by_name, by_situation, best, median = dense
        d, lx = best[pool], lexical[pool]
        d_norm = (d - d.min()) / (d.max() - d.min()) if d.max() > d.min() else np.zeros_like(d)
        l_norm = lx / lx.max() if lx.max() > 0 else np.zeros_like(lx)
        ranks = [{i: r for r, i in enumerate(order)} for order in orders]
        at = np.asarray(pool)
        citizen = self._citizen[at]
        name = self._features.name_share(terms)[at]
        kinds = self._features.kinds[at]
        columns = [by_name[at], by_situation[at], best[at].astype(np.float64) - median, l_norm,
                   self._features.coverage(*asked)[at], name, kinds[:, 0],
                   citizen & (not business), ~citizen & (not business), *kinds[:, 1:].T,
                   [1 / (1 + ranks[0].get(i, _POOL)) for i in pool], [1 / (1 + ranks[1].get(i, _POOL)) for i in pool],
                   [bool(self._case_of[i] & cued) for i in pool], [len(self._case_of[i] - cued) for i in pool],
                   named[at]]
        features = np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])
        cfg = self.config
        if cfg.rank_weights:
            totals = features @ np.asarray(cfg.rank_weights[:-1], dtype=np.float64) + cfg.rank_weights[-1]
        else:
            prior = cfg.w_title * name + np.where(business, 0.0, np.where(citizen, cfg.w_citizen, -cfg.w_business))
            totals = cfg.dense_weight * d_norm + (1 - cfg.dense_weight) * l_norm + prior
        return [(i, total, tuple(row)) for i, total, row in zip(pool, totals.tolist(), features.tolist())]

    def _adds(self, more: int, less: int, said: set[str], enough: float = _SAID_ENOUGH) -> tuple[bool, bool]:
        """Whether `more`'s name adds words to `less`'s beyond the level, and whether the question says `enough`
        of them (IDF-weighted)."""
        added = self._names[more] - self._names[less] - _LEVEL_WORDS - aspect_words()
        if not added:
            return False, False
        total = sum(self._idf.get(t, self._unknown) for t in added)
        return True, sum(self._idf.get(t, self._unknown) for t in added if t in said) >= enough * total

    def _rival(self, top: int, other: int, said: set[str], cued: set[str]) -> bool:
        """`other` is a real alternative to `top` (the same name at another level is: the office differs), unless its name only
        adds words the citizen did not say to a top name that adds none of its own unsaid. A sibling naming a case
        the question cues and the top one lacks ("… cho người nước ngoài" to "bạn tôi người Hàn") always is."""
        mine, theirs = self._names[top] - _LEVEL_WORDS, self._names[other] - _LEVEL_WORDS
        if not (mine <= theirs or theirs <= mine) or (self._case_of[other] & cued) - self._case_of[top]:
            return True
        other_adds, other_said = self._adds(other, top, said)
        top_adds, top_said = self._adds(top, other, said)
        if not other_adds and not top_adds:
            return True           # one procedure at several levels: where to go differs, so the citizen chooses
        if other_adds and not other_said and (not top_adds or top_said):
            return False          # "khai sinh lưu động" when "khai sinh" was asked
        if top_adds and top_said and not other_adds:
            return False          # plain "khai sinh" when "khai sinh … chồng người nước ngoài" was asked
        return True

    def rescored(self, ranked: list[ScoredProcedure]) -> list[ScoredProcedure]:
        """The same candidates with confidence from the current config (calibration tries many)."""
        c = self.config
        return [dataclasses.replace(s, confidence=c.confidence(s.dense, s.coverage, s.gap, s.margin, s.name, s.fused))
                for s in ranked]

    def siblings(self, top: str, ranked: list[ScoredProcedure]) -> list[str]:
        """Candidates too close to the top one to call: near in score, or the same name at another level."""
        cfg = self.config
        first = ranked[0]
        name = fold(self.procedures[top].name)
        close = [s.code for s in ranked[1:12]
                 if s.rival and s.confidence >= cfg.clarify_at and (first.fused - s.fused < cfg.sibling_margin
                                                        or fuzz.token_set_ratio(name, fold(self.procedures[s.code].name)) >= 95)]
        return close[:cfg.max_options - 1]

    def same_name(self, code: str, other: str) -> bool:
        """The same procedure listed twice: the same words but for its level and "giải quyết" ("HƯỞNG BẢO HIỂM XÃ
        HỘI MỘT LẦN." and "Giải quyết hưởng bảo hiểm xã hội một lần"; not "Khóa …" and "Mở khóa …")."""
        core = self._cores[self._position[code]] - _SETTLING
        return bool(core) and core == self._cores[self._position[other]] - _SETTLING

    def case_sibling(self, codes: tuple[str, ...], question: str) -> str | None:
        """The procedure that is one of `codes` plus a case the question cues and it lacks, shortest name first:
        "anh ấy là người Hàn Quốc thì sao" after the marriage guide is "… kết hôn có yếu tố nước ngoài"."""
        cued = self._cued(folded_syllables(question), question)
        found = [i for c in codes if c in self._position for i in self._sibling_rows(self._position[c], cued)]
        return self._codes[min(found, key=lambda i: len(self._names[i]))] if found else None

    def _sibling_rows(self, k: int, cued: set[str]) -> list[int]:
        """Procedures whose name says `k`'s (level words aside) word for word, plus a case cued that `k`'s lacks."""
        words = [w for w in self._spoken[k].split() if w not in _LEVEL_WORDS]
        phrase = f" {' '.join(words)} "
        rarest = min(words, key=lambda t: len(self._named_with.get(t, ())), default=None)
        return [i for i in self._named_with.get(rarest, ()) if self._allowed[i] and (self._case_of[i] & cued)
                - self._case_of[k] and phrase in self._spoken[i]] if rarest and cued else []

    def _cued(self, terms: list[str], typed: str = "") -> set[str]:
        """The cases (phan-biet.yaml) whose words the question's folded `terms` say. A cue kept although it folds
        like other words counts only typed without marks or with its own: "chồng tôi vừa qua đời" is no "đổi"."""
        said = f" {' '.join(terms)} "
        marks = [(fold(w), w) for w in syllables(typed.lower())]
        unsure = {c for c in self._kept if typed and not any(f == c and w in (c, self._kept[c]) for f, w in marks)}
        return {k for k, cues in self.cases.items() if any(f" {c} " in said and c not in unsure for c in cues)}

    def sibling_asked(self, codes: tuple[str, ...], ranked: list[ScoredProcedure]) -> bool:
        """A near candidate is one of `codes` plus a case the question cues and none of them has ("khai sinh có yếu
        tố nước ngoài" when "chồng tôi là người Hàn" asks about khai sinh): a curated entry about `codes` is then
        not the answer."""
        known = [self._position[c] for c in codes if c in self._position]
        had = frozenset().union(*(self._case_of[k] for k in known))   # "đổi" of "Đổi giấy phép lái xe" is no news
        for s in ranked[:self.config.max_options + 2]:
            i = self._position[s.code]
            if s.code not in codes and s.cases - had and any(self._names[k] - _LEVEL_WORDS <= self._names[i]
                                                             for k in known):
                return True
        return False

    def decide(self, ranked: list[ScoredProcedure]) -> ProcedureDecision:
        cfg = self.config
        if not ranked:
            return ProcedureDecision(Kind.DONT_KNOW, None, 0.0)
        top = ranked[0]
        # a question that says what people call a procedure word for word ("trợ cấp người cao tuổi nộp ở đâu") is
        # no everyday one, however near one ("tra cứu quá trình đóng bảo hiểm xã hội ở đâu") its wording is
        if not top.named_all and (top.confidence < cfg.clarify_at or top.everyday >= cfg.everyday_stop):
            return ProcedureDecision(Kind.DONT_KNOW, None, top.confidence)
        close = self.siblings(top.code, ranked)
        # a sibling whose name is the top one's plus a case the question cues ("Gia hạn tạm trú cho người nước ngoài"
        # when "bạn tôi người Hàn" asks about "gia hạn tạm trú"): it may be the one meant, so both are offered
        mine = self._names[self._position[top.code]] - _LEVEL_WORDS
        close += [s.code for s in ranked[1:cfg.max_options + 2]
                  if s.rival and s.cases > top.cases and mine <= self._names[self._position[s.code]]
                  and s.code not in close][:max(0, cfg.max_options - 1 - len(close))]
        # as near to a question about everyday life ("thuoc tri ho") as to the name: asked, never answered outright
        sure = top.confidence >= cfg.answer_at or (top.confidence >= cfg.lead_confidence_at
                                                   and top.margin >= cfg.lead_answer_at
                                                   and top.coverage >= cfg.lead_coverage_at and top.distinct_said
                                                   and top.everyday < cfg.lead_everyday_at)
        if sure and not close and top.everyday < cfg.everyday_margin:
            return ProcedureDecision(Kind.ANSWER, top.code, top.confidence)
        near = [s.code for s in ranked[1:cfg.max_options] if top.fused - s.fused < cfg.option_margin]
        options = tuple(dict.fromkeys((top.code, *close, *near)))[:cfg.max_options]
        # a question that is not about a business sees first what a private person may do ("đất ông bà để lại chưa
        # có sổ" had the organisations' first registration first, the households' second)
        only_organisations = {s.code for s in ranked if s.features[_NOT_CITIZEN]}
        options = tuple(sorted(options, key=lambda c: c in only_organisations))
        if len(options) == 1 and top.confidence < cfg.single_option_at and not top.named_all:
            return ProcedureDecision(Kind.DONT_KNOW, None, top.confidence)
        # how sure one of them is meant counts the same procedure listed twice once
        among = min(1.0, top.confidence + sum(s.confidence for s in ranked[1:] if s.code in options
                                              and self.same_name(top.code, s.code)))
        return ProcedureDecision(Kind.CLARIFY, None, top.confidence, options, among)  # one option: "Ý bạn là …?"
