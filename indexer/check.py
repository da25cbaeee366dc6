"""Quality report over the knowledge folder, for staff and CI (`dvcbot check`)."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from indexer.catalogue.index import kept_cues, read_cue_words, read_discriminators, read_everyday, read_phrases
from indexer.catalogue.snapshot import check_catalogue, folder_of, load_catalogue
from indexer.collisions import Collision, cue_collisions, folding_collisions
from indexer.knowledge import SYNONYMS_FILE, Catalog, KnowledgeEntry, KnowledgeError, Problem, load_knowledge
from indexer.outside import read_outside
from indexer.synonyms import Synonyms
from indexer.terms import read_glossary, read_referrals
from indexer.vntext import fold

NEAR_DUPLICATE = 92  # token-sort similarity (0-100) of two folded questions


@dataclass
class CheckReport:
    per_topic: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    stale: list[KnowledgeEntry] = field(default_factory=list)
    expired: list[KnowledgeEntry] = field(default_factory=list)  # past their `valid_until`
    duplicates: list[tuple[str, str, str, str, float]] = field(default_factory=list)
    empty_topics: list[str] = field(default_factory=list)
    collisions: list[Collision] = field(default_factory=list)  # warnings only: they do not fail the check

    @property
    def ok(self) -> bool:
        return not (self.problems or self.stale or self.expired or self.duplicates or self.empty_topics)


def near_duplicates(entries: list[KnowledgeEntry], cutoff: float = NEAR_DUPLICATE) -> list[tuple[str, str, str, str, float]]:
    """Pairs of questions from *different* entries that read almost the same."""
    owners, texts = [], []
    for e in entries:
        for q in e.questions:
            owners.append((e.id, q))
            texts.append(" ".join(fold(q).split()))
    if not texts:
        return []
    scores = process.cdist(texts, texts, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, workers=1)
    found = []
    for i, j in zip(*scores.nonzero()):
        if i < j and owners[i][0] != owners[j][0]:
            found.append((owners[i][0], owners[i][1], owners[j][0], owners[j][1], float(scores[i, j])))
    return found


def check_knowledge(folder: Path, today: dt.date | None = None, max_age_days: int = 365) -> tuple[CheckReport, Catalog | None]:
    report = CheckReport()
    today = today or dt.date.today()
    try:
        entries, catalog = load_knowledge(folder)
    except KnowledgeError as exc:
        report.problems = exc.problems
        return report, None
    syn = Path(folder) / SYNONYMS_FILE
    try:
        data = yaml.safe_load(syn.read_text(encoding="utf-8")) if syn.exists() else {}
        if not isinstance(data, dict):
            raise ValueError("tệp phải gồm các mục 'viet_tat' và 'dong_nghia'")
        if syn.exists():
            report.collisions = folding_collisions(Synonyms.load(syn), entries)
    except (yaml.YAMLError, ValueError) as exc:
        report.problems.append(Problem(SYNONYMS_FILE, "(tệp)", f"không đọc được: {exc}"))
    try:
        read_outside(folder)
    except KnowledgeError as exc:
        report.problems += exc.problems
    ids = {e.id for e in entries}
    for read in (read_glossary, read_referrals):   # every row has a source and a date, and its entry exists
        try:
            read(folder, ids)
        except KnowledgeError as exc:
            report.problems += exc.problems
    report.problems += catalogue_problems(folder, entries)
    if not report.problems:
        cues, kept = folder_of(folder), kept_cues(folder_of(folder))
        report.collisions += [c for c in cue_collisions(read_cue_words(cues), entries) if c.key not in kept]
    report.per_topic = Counter(e.topic for e in entries)
    report.empty_topics = [t for t in catalog.topics if report.per_topic[t] == 0]
    report.stale = [e for e in entries if (today - e.reviewed).days > max_age_days]
    report.expired = [e for e in entries if e.expired(today)]
    report.duplicates = near_duplicates(entries)
    return report, catalog


def catalogue_problems(folder: Path, entries: list[KnowledgeEntry]) -> list[Problem]:
    """The snapshot, the overrides and everyday words, and every procedure code a curated entry declares."""
    problems = check_catalogue(folder)
    try:
        read_phrases(folder_of(folder))
        read_discriminators(folder_of(folder))
        read_everyday(folder_of(folder))
    except KnowledgeError as exc:
        problems += exc.problems
    catalogue = load_catalogue(folder_of(folder))
    known = catalogue.procedures if catalogue else {}
    problems += [Problem(e.path, "procedures", f"không có thủ tục mã {code} trong danh mục")
                 for e in entries for code in e.procedures if code not in known]
    return problems
