"""The catalogue's part of a build: vectors, a BM25 index and the records, under <build>/catalogue/.

Citizens rarely know a procedure's official name, so each record is also described in
everyday words: `cach-goi.yaml` (staff-editable, in knowledge/catalogue/) maps official
phrases to what people say ("giấy chứng nhận quyền sử dụng đất" → "sổ đỏ"), applied to
every record whose name contains them — never written per procedure.

Embedding ~11,000 texts takes minutes on 2 cores, so vectors are kept by model and text
hash: in the previous build, and in a cache shipped in knowledge/catalogue/vectors/ so the
first start on a fresh clone embeds only what changed.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
import yaml

from indexer.catalogue.model import Procedure
from indexer.catalogue.snapshot import FOLDER, MANIFEST, OVERRIDES, RECORDS, Catalogue, load_catalogue
from indexer.embedder import Embedder
from indexer.knowledge import KnowledgeError, Problem
from indexer.progress import progress as progress_bar
from indexer.vntext import canonical, folded_syllables, is_shouting, lexical_terms, syllables

PHRASES = "cach-goi.yaml"
DISCRIMINATORS = "phan-biet.yaml"
KEPT_CUES = "giữ dù trùng khi bỏ dấu"   # phan-biet.yaml's list of cues kept although they fold alike
EVERYDAY = "khong-phai-thu-tuc.yaml"
VECTOR_CACHE = "vectors"
# knowledge files a build copies: one build, one version
TRAVELLING = (RECORDS, MANIFEST, OVERRIDES, PHRASES, DISCRIMINATORS, EVERYDAY)
_VECTORS, _KEYS, _ROWS, _LEXICAL = "vectors.npy", "keys.json", "rows.json", "lexical"
_BATCH = 256


def read_phrases(folder: Path) -> dict[str, tuple[str, ...]]:
    """Official phrase (lowercase syllables) → everyday phrases, from a catalogue folder. Raises KnowledgeError
    naming each bad line."""
    return _word_lists(Path(folder) / PHRASES)


def read_discriminators(folder: Path) -> dict[str, tuple[str, ...]]:
    """A phrase that tells sibling procedures apart (lowercase syllables) → the words a question uses for that
    case (folded)."""
    return {k: tuple(" ".join(folded_syllables(w)) for w in v) for k, v in read_cue_words(folder).items()}


def read_cue_words(folder: Path) -> dict[str, tuple[str, ...]]:
    """The case cues as staff wrote them (marked), for `dvcbot check` to warn about words that fold alike."""
    lists = _word_lists(Path(folder) / DISCRIMINATORS)
    lists.pop(KEPT_CUES, None)
    return lists


def kept_cues(folder: Path) -> frozenset[str]:
    """Cues staff keep knowingly although they fold like other words (phan-biet.yaml says why)."""
    return frozenset(_word_lists(Path(folder) / DISCRIMINATORS).get(KEPT_CUES, ()))


def read_everyday(folder: Path) -> list[str]:
    """Example questions about everyday life that no procedure answers (health, cooking, prices, chit-chat): a
    question nearer one of them than to any procedure's name gets no procedure."""
    return list(dict.fromkeys(q for qs in _word_lists(Path(folder) / EVERYDAY).values() for q in qs))


def _word_lists(path: Path) -> dict[str, tuple[str, ...]]:
    if not path.exists():
        return {}
    name = f"{FOLDER}/{path.name}"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise KnowledgeError([Problem(name, "(tệp)", f"YAML sai cú pháp: {getattr(exc, 'problem', exc)}")]) from exc
    problems = [Problem(name, str(k), "cần một danh sách (mỗi câu hoặc cách gọi một dòng '- ')")
                for k, v in data.items() if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v)]
    if problems:
        raise KnowledgeError(problems)
    # keys keep their marks: folded, "đổi" would also match every "đối với" in the names
    return {" ".join(syllables(k)): tuple(canonical(x) for x in v) for k, v in data.items()}


def everyday_words(p: Procedure, phrases: dict[str, tuple[str, ...]]) -> list[str]:
    """What people call this procedure's subject, from the phrases its name contains."""
    name = " " + " ".join(syllables(p.name)) + " "
    return [w for official, said in phrases.items() if f" {official} " in name for w in said]


# Districts were abolished on 1/7/2025; a few listed records still name them and would send people nowhere.
_DISTRICT = re.compile(r"thực hiện tại cấp huyện", re.I)


def offered(p: Procedure) -> bool:
    """Internal procedures of the state are kept in the snapshot but never offered to citizens; neither are
    records still done "at district level"."""
    return p.kind != "internal" and not _DISTRICT.search(p.name)


_LAW_REFS = re.compile(r"\(?(theo|quy định tại)[^()]*\)?", re.I)


def dense_texts(p: Procedure, phrases: dict[str, tuple[str, ...]]) -> list[tuple[str, str, bool]]:
    """(kind, text, is_query): the name as a question would put it, and a description of the situation."""
    said = everyday_words(p, phrases)
    name = _unshouted(p.name)
    about = ". ".join(filter(None, [name, ", ".join(dict.fromkeys(said)), p.field, "; ".join(p.results[:2])]))
    return [("name", _LAW_REFS.sub(" ", name).strip() or name, True), ("situation", about, False)]


def _unshouted(name: str) -> str:
    """A name the portal wrote in capitals, in lower case as a question says it: in capitals the model reads other
    words ("HƯỞNG LƯƠNG HƯU …" sat farther from "hồ sơ hưởng lương hưu làm ở đâu" than its neighbours did)."""
    if not is_shouting(name):
        return name
    lower = name.lower()
    return lower[:1].upper() + lower[1:]


def procedure_terms(p: Procedure, phrases: dict[str, tuple[str, ...]]) -> list[str]:
    """The lexical document: name and everyday words count twice (they say what it is), then field and agency."""
    head = " ".join([p.name, *everyday_words(p, phrases)])
    tail = " ".join([p.field, *p.agencies, *p.results[:2]])
    return lexical_terms(folded_syllables(head)) * 2 + lexical_terms(folded_syllables(tail))


def _key(model_id: str, kind: str, text: str, is_query: bool) -> str:
    role = "query" if is_query else "passage"
    return hashlib.sha256(f"{model_id}\0{role}\0{text}".encode()).hexdigest()[:20]


def cache_file(knowledge_dir: Path, model_id: str) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", model_id.lower()).strip("-")
    return Path(knowledge_dir) / FOLDER / VECTOR_CACHE / f"{slug}.npz"


def _read_cache(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path) as data:
            return dict(zip(data["keys"].tolist(), data["vectors"]))
    except (OSError, KeyError, ValueError):
        return {}


def _read_build_vectors(folder: Path | None) -> dict[str, np.ndarray]:
    if folder is None or not (folder / FOLDER / _VECTORS).exists():
        return {}
    try:
        keys = json.loads((folder / FOLDER / _KEYS).read_text(encoding="utf-8"))
        return dict(zip(keys, np.load(folder / FOLDER / _VECTORS, mmap_mode="r")))
    except (OSError, ValueError):
        return {}


@dataclass(frozen=True)
class CatalogueBuild:
    records: int
    embedded: int
    reused: int


def build_catalogue(knowledge_dir: Path, build: Path, previous: Path | None, embedder_factory,
                    model_id: str, progress: bool = True, keep_vectors: bool = False) -> CatalogueBuild | None:
    """Write <build>/catalogue/ from knowledge/catalogue/; None when the knowledge folder has no catalogue.
    `keep_vectors` (`dvcbot index`) also writes newly embedded vectors into knowledge/catalogue/vectors/."""
    source = Path(knowledge_dir) / FOLDER
    catalogue = load_catalogue(source)
    if catalogue is None:
        return None
    phrases = read_phrases(source)
    records = [p for p in catalogue.procedures.values() if offered(p)]
    texts = [(p.code, *t) for p in records for t in dense_texts(p, phrases)]
    texts += [("", "everyday", q, True) for q in read_everyday(source)]
    keys = [_key(model_id, kind, text, q) for _, kind, text, q in texts]
    known = _read_cache(cache_file(knowledge_dir, model_id)) | _read_build_vectors(previous)
    todo = [i for i, k in enumerate(keys) if k not in known]
    if todo:
        embedder: Embedder = embedder_factory()
        bar = progress_bar(total=len(todo), desc="Nhúng thủ tục trong danh mục", unit="câu", shown=progress)
        for role in (True, False):
            ids = [i for i in todo if texts[i][3] is role]
            for start in range(0, len(ids), _BATCH):
                part = ids[start:start + _BATCH]
                words = [texts[i][2] for i in part]
                vecs = embedder.embed_queries(words) if role else embedder.embed_passages(words)
                for i, v in zip(part, vecs):
                    known[keys[i]] = np.asarray(v, dtype=np.float16)
                bar.update(len(part))
        bar.close()
    out = build / FOLDER
    out.mkdir(parents=True)
    for name in TRAVELLING:
        source = Path(knowledge_dir) / FOLDER / name
        if source.exists():
            shutil.copyfile(source, out / name)
    np.save(out / _VECTORS, np.vstack([known[k] for k in keys]).astype(np.float16) if keys
            else np.zeros((0, 1), np.float16))
    (out / _KEYS).write_text(json.dumps(keys), encoding="utf-8")
    (out / _ROWS).write_text(json.dumps([[code, kind] for code, kind, _, _ in texts]), encoding="utf-8")
    lexical = bm25s.BM25()
    lexical.index([procedure_terms(p, phrases) for p in records], show_progress=False)
    lexical.save(str(out / _LEXICAL))
    if todo and keep_vectors:
        _store_cache(knowledge_dir, model_id, keys, known)
    return CatalogueBuild(len(records), len(todo), len(keys) - len(todo))


def _store_cache(knowledge_dir: Path, model_id: str, keys: list[str], known: dict[str, np.ndarray]) -> None:
    """Keep the vectors beside the snapshot for the next fresh clone; a read-only folder only costs time later."""
    path = cache_file(knowledge_dir, model_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp.npz")
        np.savez_compressed(tmp, keys=np.array(keys), vectors=np.vstack([known[k] for k in keys]).astype(np.float16))
        tmp.chmod(0o644)
        tmp.replace(path)
    except OSError:
        pass


def offered_in(build: Path) -> int:
    """How many records a finished build offers (a build that changed nothing reports it without loading them)."""
    rows = build / FOLDER / _ROWS
    return len({code for code, _ in json.loads(rows.read_text(encoding="utf-8")) if code}) if rows.exists() else 0


@dataclass
class CatalogueIndex:
    """What the answerer searches: records offered to citizens, their vectors and their BM25 index."""
    catalogue: Catalogue
    codes: list[str]              # offered records, in the lexical index's order
    row_codes: list[str]          # the code of each vector ("" for an everyday question)
    row_kinds: list[str]          # what each vector embeds: name | situation | everyday
    vectors: np.ndarray           # float32, (rows, dimension)
    lexical: bm25s.BM25
    phrases: dict[str, tuple[str, ...]]
    discriminators: dict[str, tuple[str, ...]]
    kept: frozenset[str] = frozenset()   # case cues kept although they fold like other words, as marked

    @classmethod
    def load(cls, build: Path) -> "CatalogueIndex | None":
        folder = build / FOLDER
        if not (folder / _ROWS).exists():
            return None
        catalogue = load_catalogue(folder)
        rows = json.loads((folder / _ROWS).read_text(encoding="utf-8"))
        vectors = np.load(folder / _VECTORS).astype(np.float32)
        codes = [p.code for p in catalogue.procedures.values() if offered(p)]
        return cls(catalogue, codes, [r[0] for r in rows], [r[1] for r in rows], vectors,
                   bm25s.BM25.load(str(folder / _LEXICAL)),
                   read_phrases(folder), read_discriminators(folder), kept_cues(folder))

