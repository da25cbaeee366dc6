"""Turn the knowledge folder into a dense (FAISS) + lexical (BM25) index.

Only entries whose content hash changed are re-embedded; the new build is
written aside and published with an atomic swap.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import bm25s
import numpy as np

from indexer.catalogue.index import TRAVELLING as CATALOGUE_FILES, build_catalogue, offered_in
from indexer.catalogue.snapshot import FOLDER as CATALOGUE_FOLDER
from indexer.embedder import Embedder, model_id_for
from indexer.entry_text import entry_terms, plain
from indexer.knowledge import CATALOG_FILE, SYNONYMS_FILE, KnowledgeEntry, entry_files, load_knowledge
from indexer.outside import OUTSIDE_FILE, read_outside
from indexer.progress import progress as progress_bar
from indexer.store import (
    FORMAT_VERSION,
    IndexProblem,
    IndexSnapshot,
    Manifest,
    Row,
    load_snapshot,
    publish,
    write_build,
)
from indexer.terms import GLOSSARY_FILE, REFERRALS_FILE

TEXT_RULES = 5  # bump when plain(), entry_terms(), either dense_texts() or the files a build carries change


def dense_texts(entry: KnowledgeEntry) -> list[tuple[str, str, bool]]:
    """(kind, text, is_query) for every vector of an entry."""
    texts = [("title", entry.title, True)]
    texts += [("question", q, True) for q in entry.questions]
    texts.append(("body", f"{entry.title}. {plain(entry.body)}", False))
    return texts


def embedded_hash(entry: KnowledgeEntry) -> str:
    """Hash of exactly what is embedded, so unchanged entries are not re-embedded and changed text rules are."""
    payload = json.dumps(dense_texts(entry), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


_TRAVELLING = (CATALOG_FILE, SYNONYMS_FILE, OUTSIDE_FILE, GLOSSARY_FILE, REFERRALS_FILE)  # copied into the build: one build is one knowledge version


def _present(folder: Path, names: tuple[str, ...]) -> list[Path]:
    return [folder / name for name in names if (folder / name).exists()]


def knowledge_fingerprint(knowledge_dir: Path) -> str:
    """Hash of every file a build is made from, so any edit (a link, a date, a synonym) makes a new build."""
    folder = Path(knowledge_dir)
    files = entry_files(folder) + _present(folder, _TRAVELLING) + _present(folder / CATALOGUE_FOLDER, CATALOGUE_FILES)
    digest = hashlib.sha256(f"text-rules-{TEXT_RULES}".encode())
    for path in sorted(files):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


@dataclass(frozen=True)
class BuildReport:
    entries: int
    embedded: int
    reused: int
    seconds: float
    changed: bool
    procedures: int = 0           # catalogue records offered to citizens
    procedure_texts_embedded: int = 0


def _previous(index_dir: Path, model_id: str) -> IndexSnapshot | None:
    try:
        return load_snapshot(index_dir, model_id)
    except (IndexProblem, OSError, ValueError, KeyError):
        return None


def build_index(knowledge_dir: Path, index_dir: Path, model_name: str,
                embedder_factory: Callable[[str], Embedder], progress: bool = True,
                keep_vectors: bool = False) -> BuildReport:
    """Build (or incrementally update) the index; raises KnowledgeError on bad files."""
    started = time.perf_counter()
    entries, _ = load_knowledge(knowledge_dir)
    outside_questions = read_outside(knowledge_dir).questions
    index_dir = Path(index_dir)
    model_id = model_id_for(model_name)
    prev = _previous(index_dir, model_id)
    prev_hashes = prev.manifest.entries if prev else {}
    hashes = {e.id: embedded_hash(e) for e in entries}
    fingerprint = knowledge_fingerprint(knowledge_dir)
    if prev and prev.manifest.fingerprint == fingerprint:
        return BuildReport(len(entries), 0, len(entries), time.perf_counter() - started, changed=False,
                           procedures=offered_in(prev.folder))

    todo = [e for e in entries if prev_hashes.get(e.id) != hashes[e.id]]
    fresh: dict[str, tuple[list[Row], np.ndarray]] = {}
    embedder = embedder_factory(model_name) if todo or outside_questions else None
    dimension = embedder.dimension if embedder else prev.manifest.dimension
    if embedder and embedder.model_id != model_id:
        raise ValueError(f"embedder reports model id {embedder.model_id}, expected {model_id}")
    bar = progress_bar(todo, desc="Nhúng mục kiến thức", unit="mục", shown=progress and bool(todo))
    for entry in bar:
        texts = dense_texts(entry)
        q_idx = [i for i, t in enumerate(texts) if t[2]]
        p_idx = [i for i, t in enumerate(texts) if not t[2]]
        vecs = np.zeros((len(texts), dimension), dtype=np.float32)
        vecs[q_idx] = embedder.embed_queries([texts[i][1] for i in q_idx])
        vecs[p_idx] = embedder.embed_passages([texts[i][1] for i in p_idx])
        fresh[entry.id] = ([Row(entry.id, t[0]) for t in texts], vecs)

    rows: list[Row] = []
    blocks: list[np.ndarray] = []
    for entry in entries:
        r, v = fresh[entry.id] if entry.id in fresh else prev.vectors_of(entry.id)
        rows += r
        blocks.append(v)
    vectors = np.vstack(blocks) if blocks else np.zeros((0, dimension), np.float32)
    outside = embedder.embed_queries(outside_questions) if outside_questions else None  # a few dozen: not worth reusing

    lexical = bm25s.BM25()
    lexical.index([entry_terms(e) for e in entries], show_progress=False)

    stamp = dt.datetime.now(dt.timezone.utc)
    manifest = Manifest(FORMAT_VERSION, model_id, dimension, stamp.isoformat(timespec="seconds"), hashes, fingerprint)
    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    folder = builds / f"{stamp:%Y%m%dT%H%M%S%f}"
    write_build(folder, manifest, vectors, rows, lexical, entries, _present(Path(knowledge_dir), _TRAVELLING), outside)
    catalogue = build_catalogue(knowledge_dir, folder, prev.folder if prev else None,
                                lambda: embedder or embedder_factory(model_name), model_id, progress, keep_vectors)
    publish(index_dir, folder)
    return BuildReport(len(entries), len(todo), len(entries) - len(todo), time.perf_counter() - started, changed=True,
                       procedures=catalogue.records if catalogue else 0,
                       procedure_texts_embedded=catalogue.embedded if catalogue else 0)
