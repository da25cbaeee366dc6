"""The pairs the bundled model is tuned on: a question as the bot embeds it, and the texts of what answers it.

Only tuning data is read: bench/calibration.jsonl, the `tune` splits of bench/citizen_set.jsonl,
bench/validation.jsonl and bench/catalogue_set.jsonl, the entries' own example questions, and the
catalogue's records (a procedure's name typed without diacritics, as a question, for its situation
passage). The holdouts, the validation check half and the dev set are never read here.

Every question goes through the answerer's own normaliser (diacritics restored, short forms expanded), so
the model learns the text it will really see; each labelled question is also used typed without
diacritics, the way half of citizens type.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

import labelled
import numpy as np
from catalogue_bench import load as load_catalogue_set

from bot.retrieval.answerer import Answerer
from indexer.build import dense_texts as entry_texts
from indexer.catalogue.index import dense_texts as procedure_texts, offered, read_phrases
from indexer.catalogue.snapshot import folder_of, load_catalogue
from indexer.knowledge import KnowledgeEntry, load_knowledge
from indexer.vntext import fold

HERE = Path(__file__).parent
CARVE_SHARE = 0.2          # of labelled questions (and of catalogue procedures) kept aside to choose settings
CATALOGUE_NAMES = 400      # records whose name, typed without diacritics, becomes a question

Text = tuple[str, bool]    # (text, embedded as a query?)


@dataclass(frozen=True)
class Pair:
    anchor: str                 # the question as the bot embeds it
    target: str                 # entry id or "tthc:<code>" whose passage is the positive
    accepted: frozenset[str]    # every target that answers it (never used as its negative)
    origin: str                 # labelled | entry-question | catalogue-set | catalogue-name
    carved: bool                # kept aside to choose the settings
    plain: bool = False         # typed without diacritics


@dataclass
class TuningSet:
    documents: dict[str, list[Text]]   # target → its vectors' texts, as the index embeds them
    positive: dict[str, Text]          # target → the text a question is pulled towards (its passage)
    pairs: list[Pair]

    def corpus(self) -> list[str]:
        """Every text the tuned file must tokenise as the stock one does."""
        texts = [t for docs in self.documents.values() for t, _ in docs]
        return texts + [p.anchor for p in self.pairs]


def _documents(knowledge: Path, entries: list[KnowledgeEntry]) -> tuple[dict[str, list[Text]], dict[str, Text]]:
    docs: dict[str, list[Text]] = {}
    positive: dict[str, Text] = {}
    for e in entries:
        texts = entry_texts(e)
        docs[e.id] = [(t, q) for _, t, q in texts]
        positive[e.id] = next((t, q) for kind, t, q in texts if kind == "body")
    catalogue = load_catalogue(folder_of(knowledge))
    if catalogue:
        phrases = read_phrases(folder_of(knowledge))
        for p in catalogue.procedures.values():
            if offered(p):
                texts = procedure_texts(p, phrases)
                docs[p.entry_id] = [(t, q) for _, t, q in texts]
                positive[p.entry_id] = next((t, q) for kind, t, q in texts if kind == "situation")
    return docs, positive


def best_per_target(sims: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """questions × rows cosines → questions × targets, each target scored by its best row, as the retrievers do."""
    best = np.full((len(sims), n), -2.0, dtype=np.float32)
    for j in range(n):
        best[:, j] = sims[:, owner == j].max(axis=1)
    return best


def fold_of(question: str, folds: int) -> int:
    """The cross-fitting fold a labelled question belongs to: the same in every process and every script."""
    return int.from_bytes(hashlib.sha256(question.encode("utf-8")).digest()[:4], "big") % folds


Fold = tuple[int, int]     # (this fold, of how many)


def build_tuning_set(answerer: Answerer, knowledge: Path, seed: int = 0, catalogue_names: int = CATALOGUE_NAMES,
                     limit: int | None = None, hold: Fold | None = None) -> TuningSet:
    """All tuning pairs; `limit` keeps a small seeded sample of each kind (for a quick end-to-end test).
    `hold` = (k, n): the labelled and catalogue-set questions of fold k of n are left out, so a model trained
    without them scores them as freshly as a citizen's question, for fitting the decisions on (cross-fitting)."""
    rng = random.Random(seed)

    def kept(question: str) -> bool:
        return hold is None or fold_of(question, hold[1]) != hold[0]

    entries, _ = load_knowledge(knowledge)
    docs, positive = _documents(knowledge, entries)
    pairs: list[Pair] = []

    def add(question: str, target: str, accepted: frozenset[str], origin: str, carved: bool, catalogue: bool) -> None:
        read = answerer.procedure_normalizer if catalogue and answerer.procedure_normalizer else answerer.normalizer
        for typed, plain in ((question, False), (fold(question), True)):
            text = read.normalize(typed).text
            if text and (not plain or fold(question) != question):
                pairs.append(Pair(text, target, accepted, origin, carved, plain))

    items = labelled.single_label(HERE / "calibration.jsonl")
    items += labelled.citizen(HERE / "citizen_set.jsonl", "tune") + labelled.citizen(HERE / "validation.jsonl", "tune")
    items = [i for i in items if i.entries and not i.oos and not i.vague and kept(i.q)]
    rng.shuffle(items)
    items = items[:limit] if limit else items
    for k, item in enumerate(items):
        wanted = [e for e in sorted(item.entries) if e in positive]
        if wanted:
            add(item.q, wanted[0], frozenset(wanted), "labelled", k < len(items) * CARVE_SHARE, False)
    own = [(q, e.id) for e in entries for q in e.questions]
    for q, entry_id in (rng.sample(own, min(limit, len(own))) if limit else own):
        add(q, entry_id, frozenset([entry_id]), "entry-question", False, False)

    asked = [d for d in load_catalogue_set() if d["split"] == "tune" and d.get("kind") == "procedure" and kept(d["q"])]
    procedures = sorted({d["primary"] for d in asked})
    rng.shuffle(procedures)
    carved = set(procedures[:int(len(procedures) * CARVE_SHARE)])
    asked = rng.sample(asked, min(limit, len(asked))) if limit else asked
    for d in asked:
        wanted = frozenset(f"tthc:{c}" for c in d["codes"] if f"tthc:{c}" in positive)
        if f"tthc:{d['primary']}" in positive:
            add(d["q"], f"tthc:{d['primary']}", wanted, "catalogue-set", d["primary"] in carved, True)
    named = sorted(t for t in positive if t.startswith("tthc:") and t[5:] not in carved)
    for target in rng.sample(named, min(limit or catalogue_names, len(named))):
        name = docs[target][0][0]
        text = (answerer.procedure_normalizer or answerer.normalizer).normalize(fold(name)).text
        if text:
            pairs.append(Pair(text, target, frozenset([target]), "catalogue-name", False, True))
    return TuningSet(docs, positive, pairs)
