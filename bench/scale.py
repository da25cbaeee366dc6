"""Retrieval at scale: index build time, load time, query latency and memory for 100, 1,000 and 10,000 entries.

The knowledge base is grown with synthetic variations of the real entries (the same procedure for another
place: "… ở Hà Tĩnh", "… (Gia Lai)"). Embedding 10,000 entries with the bundled model takes about half an hour
on 2 cores, so by default each variation reuses the real vector of the text it varies plus a little seeded
noise (`--embed real` embeds everything for real); the build figure then covers everything but embedding,
and the embedding throughput measured on the real entries is printed so the full cost can be added up.
Each size runs in its own process, so peak memory is that size's own. Every question is embedded (the server
would reuse a repeated question's vector), and latency is also shown without the embedding, which costs the
same at every size.

    python bench/scale.py [--sizes 100 1000 10000] [--embed synthetic|real]
"""
from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.retrieval.answerer import Answerer  # noqa: E402
from handlers.runtime.services import shared_embedder  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.embedder import BUNDLED, model_id_for  # noqa: E402
from indexer.knowledge import entry_files  # noqa: E402
from indexer.store import load_snapshot  # noqa: E402

PLACES = ["Hà Tĩnh", "Đắk Lắk", "Hải Phòng", "Đồng Nai", "Gia Lai", "Nghệ An", "Thanh Hóa", "Lào Cai", "Cà Mau",
          "Huế", "Đà Nẵng", "Cần Thơ", "An Giang", "Quảng Ninh", "Lâm Đồng", "Khánh Hòa", "Tây Ninh", "Vĩnh Long",
          "Đồng Tháp", "Phú Thọ", "Bắc Ninh", "Hưng Yên", "Ninh Bình", "Quảng Trị", "Quảng Ngãi", "Sơn La",
          "Điện Biên", "Lai Châu", "Lạng Sơn", "Cao Bằng", "Tuyên Quang", "Thái Nguyên", "Hà Nội", "TP. Hồ Chí Minh"]
# the place a variation adds: after a question, and after the title (which also starts the embedded body text)
_VARIANT = re.compile(r" (?:ở|tại) [^\n]+? số \d+$| \([^()\n]+ số \d+\)")
QUESTIONS = ["dk vneid muc 2 o dau", "quên mật khẩu vneid phải làm sao", "ko nhan dc otp",
             "nộp lệ phí trực tuyến thế nào", "tra cứu hồ sơ đã nộp", "làm hộ chiếu online cần gì",
             "chữ ký số là gì", "đăng ký khai sinh cho con trên vneid", "thanh toán bị trừ tiền mà hồ sơ chưa cập nhật",
             "đổi số điện thoại vneid", "thuế thu nhập cá nhân nộp ở đâu", "cho bác hỏi làm sổ đỏ online được không"]


class VariantEmbedder:
    """The real embedder for real texts; a variation gets its source text's vector plus seeded noise."""

    def __init__(self, real) -> None:
        self.real, self.model_id, self.dimension = real, real.model_id, real.dimension
        self._cache: dict[tuple[str, str], np.ndarray] = {}
        self.real_texts = 0

    def _embed(self, kind: str, texts: list[str]) -> np.ndarray:
        bases = [_VARIANT.sub("", t) for t in texts]
        todo = sorted({b for b in bases if (kind, b) not in self._cache})
        if todo:
            fn = self.real.embed_queries if kind == "q" else self.real.embed_passages
            for b, v in zip(todo, fn(todo)):
                self._cache[(kind, b)] = v
            self.real_texts += len(todo)
        out = []
        for t, b in zip(texts, bases):
            v = self._cache[(kind, b)].copy()
            if t != b:
                rng = np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16))
                v = v + rng.normal(0, 0.02, v.shape).astype(np.float32)
                v /= np.linalg.norm(v)
            out.append(v)
        return np.vstack(out).astype(np.float32) if out else np.zeros((0, self.dimension), np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed("q", texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed("p", texts)


def grow_knowledge(target: Path, size: int) -> None:
    """Copy the real knowledge base, then add variations until it holds `size` entries."""
    shutil.copytree(REPO / "knowledge", target)
    sources = entry_files(target)
    n, k = len(sources), 0
    while n < size:
        src = sources[k % len(sources)]
        place = f"{PLACES[(k // len(sources)) % len(PLACES)]} số {k // (len(sources) * len(PLACES)) + 1}"
        _, head, body = src.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(head)
        meta["id"] = f"{src.stem}-v{k}"
        meta["title"] = f"{meta['title']} ({place})"
        meta["questions"] = [f"{q} ở {place}" for q in meta["questions"]]
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        (src.parent / f"{meta['id']}.md").write_text(f"---\n{front}---\n{body}", encoding="utf-8")
        n, k = n + 1, k + 1


def measure(size: int, embed: str, out: multiprocessing.Queue) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        kb, index = Path(tmp) / "knowledge", Path(tmp) / "index"
        grow_knowledge(kb, size)
        real = shared_embedder(BUNDLED).inner  # every question embedded: the server would reuse repeated ones
        embedder = real if embed == "real" else VariantEmbedder(real)
        t = time.perf_counter()
        report = build_index(kb, index, BUNDLED, lambda _: embedder, progress=False)
        build_s = time.perf_counter() - t
        timed = Timed(real)
        t = time.perf_counter()
        answerer = Answerer.load(load_snapshot(index, model_id_for(BUNDLED)), timed)
        load_s = time.perf_counter() - t
        answerer.ask("khởi động")
        latencies, embedding = [], []
        for _ in range(5):
            for q in QUESTIONS:
                t, timed.seconds = time.perf_counter(), 0.0
                answerer.ask(q)
                latencies.append((time.perf_counter() - t) * 1000)
                embedding.append(timed.seconds * 1000)
        rest = sorted(t - e for t, e in zip(latencies, embedding))
        latencies.sort()
        out.put({"size": report.entries, "build_s": build_s, "load_s": load_s,
                 "p50": statistics.median(latencies), "p95": latencies[int(0.95 * len(latencies)) - 1],
                 "rest_p50": statistics.median(rest), "rest_p95": rest[int(0.95 * len(rest)) - 1],
                 "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                 "real_texts": getattr(embedder, "real_texts", None), "vectors": answerer.dense._index.ntotal})


class Timed:
    """The query embedder, with the time spent in it, so latency can be split into embedding and the rest."""

    def __init__(self, inner) -> None:
        self.inner, self.model_id, self.dimension, self.seconds = inner, inner.model_id, inner.dimension, 0.0

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        t = time.perf_counter()
        try:
            return self.inner.embed_queries(texts)
        finally:
            self.seconds += time.perf_counter() - t


def embedding_throughput() -> float:
    """Passages per second of the bundled model on this machine (real entry bodies)."""
    real = shared_embedder(BUNDLED)
    texts = [p.read_text(encoding="utf-8").split("\n---\n", 1)[1] for p in entry_files(REPO / "knowledge")][:32]
    t = time.perf_counter()
    real.embed_passages(texts)
    return len(texts) / (time.perf_counter() - t)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    ap.add_argument("--embed", choices=["synthetic", "real"], default="synthetic")
    args = ap.parse_args()
    ctx = multiprocessing.get_context("spawn")
    print(f"embedding throughput of the bundled model: {embedding_throughput():.1f} passages/s")
    print(f"{'entries':>8} {'vectors':>8} {'build s':>8} {'load s':>7} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'w/o embedding p50':>18} {'p95':>6} {'peak RSS MiB':>13}")
    for size in args.sizes:
        queue = ctx.Queue()
        proc = ctx.Process(target=measure, args=(size, args.embed, queue))
        proc.start()
        try:
            row = queue.get(timeout=3 * 3600)
        except Exception:  # the child died: its traceback is above
            print(f"{size:>8}  failed (exit {proc.exitcode})")
            return 1
        proc.join()
        print(f"{row['size']:>8} {row['vectors']:>8} {row['build_s']:>8.1f} {row['load_s']:>7.2f} {row['p50']:>7.1f} "
              f"{row['p95']:>7.1f} {row['rest_p50']:>18.1f} {row['rest_p95']:>6.1f} {row['rss_mib']:>13.0f}", flush=True)
    if args.embed == "synthetic":
        print("(build excludes embedding the variations: add vectors ÷ the throughput above for a real build)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
