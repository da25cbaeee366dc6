"""On-disk layout of a built index and how to read it back.

Layout: <index_dir>/builds/<build id>/ holds one complete build; the symlink
<index_dir>/current points at the live one and is swapped with an atomic
rename, so a running bot never reads half an index.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import bm25s
import faiss
import numpy as np

from indexer.knowledge import KnowledgeEntry, Link, Source

FORMAT_VERSION = 2
MANIFEST = "manifest.json"
DENSE = "dense.faiss"
ROWS = "rows.json"
ENTRIES = "entries.json"
OUTSIDE = "outside.npy"
LEXICAL = "lexical"


class IndexProblem(Exception):
    """Base for index problems the bot reports to staff in plain words."""


class IndexMissing(IndexProblem):
    pass


class ModelMismatch(IndexProblem):
    def __init__(self, built: str, configured: str):
        super().__init__(
            f"Chỉ mục được tạo bằng mô hình '{built}', nhưng cấu hình hiện tại dùng '{configured}'. "
            "Hãy chạy 'dvcbot index' để tạo lại chỉ mục với mô hình đang cấu hình "
            "(hoặc đặt lại DVCBOT_EMBEDDING_MODEL)."
        )
        self.built, self.configured = built, configured


@dataclass(frozen=True)
class Manifest:
    format_version: int
    model_id: str
    dimension: int
    built_at: str
    entries: dict[str, str]  # entry id -> content hash (what was embedded)
    fingerprint: str         # every knowledge file, topics and synonyms included: one build, one version

    @classmethod
    def read(cls, folder: Path) -> "Manifest":
        return cls(**json.loads((folder / MANIFEST).read_text(encoding="utf-8")))

    def write(self, folder: Path) -> None:
        (folder / MANIFEST).write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")


@dataclass(frozen=True)
class Row:
    """One dense vector: which entry it belongs to and what text it embeds."""
    entry_id: str
    kind: str  # title | question | body


@dataclass
class IndexSnapshot:
    folder: Path
    manifest: Manifest
    dense: faiss.Index
    rows: list[Row]
    lexical: bm25s.BM25
    entries: list[KnowledgeEntry]
    outside: np.ndarray | None = None  # vectors of example questions the knowledge base does not cover

    def vectors_of(self, entry_id: str) -> tuple[list[Row], np.ndarray]:
        """Stored vectors of one entry, reused when its content has not changed."""
        idx = [i for i, r in enumerate(self.rows) if r.entry_id == entry_id]
        vecs = np.vstack([self.dense.reconstruct(i) for i in idx]) if idx else np.zeros((0, self.manifest.dimension), "float32")
        return [self.rows[i] for i in idx], vecs


def stored_vectors(index: faiss.Index) -> np.ndarray:
    """The index's vectors as an (n, d) array: a view of a flat index's own storage (no second copy), which
    must not outlive the index; other index kinds are reconstructed."""
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    if isinstance(index, faiss.IndexFlat):
        return faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d).reshape(index.ntotal, index.d)
    return index.reconstruct_n(0, index.ntotal)


def current_path(index_dir: Path) -> Path:
    return Path(index_dir) / "current"


def entry_to_json(e: KnowledgeEntry) -> dict:
    d = asdict(e)
    for day in ("reviewed", "valid_until", "links_checked"):
        d[day] = getattr(e, day) and getattr(e, day).isoformat()
    d["links"] = [link.model_dump() for link in e.links]
    d["sources"] = [s.model_dump() for s in e.sources]
    return d


def entry_from_json(d: dict) -> KnowledgeEntry:
    return KnowledgeEntry(
        id=d["id"], title=d["title"], topic=d["topic"], questions=tuple(d["questions"]),
        # model_construct: a build is read back as written, even if today's rules would reject an old link
        links=tuple(Link.model_construct(**x) for x in d["links"]),
        sources=tuple(Source.model_construct(**x) for x in d["sources"]),
        reviewed=dt.date.fromisoformat(d["reviewed"]), provinces=tuple(d["provinces"]),
        body=d["body"], path=d["path"], valid_until=_day(d.get("valid_until")), links_checked=_day(d.get("links_checked")),
        procedures=tuple(d.get("procedures", ())), local=bool(d.get("local", False)),
        asked_with=tuple(d.get("asked_with", ())),
    )


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def write_build(folder: Path, manifest: Manifest, vectors: np.ndarray, rows: list[Row],
                lexical: bm25s.BM25, entries: list[KnowledgeEntry], catalog_files: list[Path] = (),
                outside: np.ndarray | None = None) -> None:
    """`catalog_files` (topics, synonyms) travel inside the build, so one build is one knowledge version."""
    folder.mkdir(parents=True)
    if outside is not None and len(outside):
        np.save(folder / OUTSIDE, np.ascontiguousarray(outside, dtype=np.float32))
    for path in catalog_files:
        shutil.copyfile(path, folder / Path(path).name)
    dense = faiss.IndexFlatIP(manifest.dimension)
    if len(vectors):
        dense.add(np.ascontiguousarray(vectors, dtype=np.float32))
    faiss.write_index(dense, str(folder / DENSE))
    (folder / ROWS).write_text(json.dumps([[r.entry_id, r.kind] for r in rows]), encoding="utf-8")
    (folder / ENTRIES).write_text(json.dumps([entry_to_json(e) for e in entries], ensure_ascii=False), encoding="utf-8")
    lexical.save(str(folder / LEXICAL))
    manifest.write(folder)  # written last: a build without a manifest is incomplete


def publish(index_dir: Path, build: Path) -> None:
    """Point `current` at a finished build with one atomic rename; drop stale builds."""
    link = current_path(index_dir)
    previous = link.resolve() if link.is_symlink() else None
    tmp = Path(index_dir) / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(build.relative_to(index_dir))
    os.replace(tmp, link)
    keep = {build.resolve()} | ({previous} if previous else set())
    for old in (Path(index_dir) / "builds").iterdir():
        if old.resolve() not in keep:
            shutil.rmtree(old, ignore_errors=True)


def read_manifest(index_dir: Path) -> Manifest | None:
    folder = current_path(index_dir)
    try:
        return Manifest.read(folder.resolve())
    except (FileNotFoundError, json.JSONDecodeError, TypeError):
        return None


def live_build(index_dir: Path) -> str | None:
    """Name of the published build; changes exactly when a new build is published."""
    try:
        return Path(os.readlink(current_path(index_dir))).name
    except OSError:
        return None


def load_snapshot(index_dir: Path, expected_model_id: str | None = None) -> IndexSnapshot:
    """Load the live build; refuse one made with another model."""
    link = current_path(index_dir)
    if not link.exists():
        raise IndexMissing(f"Chưa có chỉ mục ở {index_dir}. Hãy chạy 'dvcbot index'.")
    folder = link.resolve()
    manifest = Manifest.read(folder)
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMissing("Chỉ mục được tạo bởi phiên bản khác của chương trình. Hãy chạy 'dvcbot index'.")
    if expected_model_id is not None and manifest.model_id != expected_model_id:
        raise ModelMismatch(manifest.model_id, expected_model_id)
    rows = [Row(*r) for r in json.loads((folder / ROWS).read_text(encoding="utf-8"))]
    entries = [entry_from_json(d) for d in json.loads((folder / ENTRIES).read_text(encoding="utf-8"))]
    outside = np.load(folder / OUTSIDE) if (folder / OUTSIDE).exists() else None
    return IndexSnapshot(
        folder=folder, manifest=manifest, dense=faiss.read_index(str(folder / DENSE)), rows=rows,
        lexical=bm25s.BM25.load(str(folder / LEXICAL)), entries=entries, outside=outside,
    )
