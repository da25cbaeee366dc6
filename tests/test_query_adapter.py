"""The question adapter: fitted on labelled questions, shipped beside decision.yaml, applied only to its own model."""
import logging
import sys

import numpy as np
import yaml

from bot.retrieval.answerer import Answerer
from bot.retrieval.decision import DEFAULT_FILE
from bot.retrieval.query_adapter import QueryAdapter
from indexer.build import build_index
from indexer.embedder import model_id_for
from indexer.store import load_snapshot
from tests.conftest import FAKE_MODEL, REPO, FakeEmbedder

sys.path.insert(0, str(REPO / "bench"))
from adapter_fit import fit_adapter  # noqa: E402  (bench scripts run with bench/ on the path)


def test_moved_vectors_stay_unit_length_and_a_saved_adapter_reads_back(tmp_path):
    rng = np.random.default_rng(1)
    adapter = QueryAdapter(np.eye(4, dtype=np.float32) + 0.3 * rng.standard_normal((4, 4)).astype(np.float32), "m")
    vectors = rng.standard_normal((5, 4)).astype(np.float32)
    moved = adapter.apply(vectors)
    assert np.allclose(np.linalg.norm(moved, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(moved, vectors / np.linalg.norm(vectors, axis=1, keepdims=True), atol=1e-3)
    assert np.allclose(QueryAdapter(np.eye(4, dtype=np.float32), "m").apply(vectors[:1]),
                       vectors[:1] / np.linalg.norm(vectors[:1]), atol=1e-6)
    adapter.save(tmp_path / "adapter")  # no ".npz" added to the name
    again = QueryAdapter.load(tmp_path / "adapter")
    assert again.model_id == "m" and np.array_equal(again.matrix, adapter.matrix)
    assert again.fits("m", 4) and not again.fits("other", 4) and not again.fits("m", 8)


def _answerer_with(tmp_path, small_kb, adapter: QueryAdapter) -> Answerer:
    index = tmp_path / "index"
    build_index(small_kb, index, FAKE_MODEL, FakeEmbedder, progress=False)
    settings = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    settings["query_adapter"] = "moved.npz"
    (tmp_path / "decision.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    adapter.save(tmp_path / "moved.npz")
    return Answerer.load(load_snapshot(index, model_id_for(FAKE_MODEL)), FakeEmbedder(), tmp_path / "decision.yaml")


def test_the_decision_file_brings_its_adapter_and_the_dense_retriever_moves_questions_with_it(tmp_path, small_kb):
    otp = FakeEmbedder().embed_queries(["Không nhận được mã OTP"])[0]
    towards_otp = np.outer(np.ones(FakeEmbedder.dimension, dtype=np.float32), otp)  # every question → the OTP one
    answerer = _answerer_with(tmp_path, small_kb, QueryAdapter(towards_otp, model_id_for(FAKE_MODEL)))
    question = answerer.normalizer.normalize("quên mật khẩu VNeID")
    assert answerer.dense.rank(question).top(1)[0].entry_id == "khong-nhan-otp"
    answerer.dense.adapter = None
    assert answerer.dense.rank(question).top(1)[0].entry_id == "quen-mat-khau"


def test_an_adapter_fitted_for_another_model_is_not_used(tmp_path, small_kb, caplog):
    matrix = np.zeros((FakeEmbedder.dimension, FakeEmbedder.dimension), dtype=np.float32)
    with caplog.at_level(logging.WARNING):
        answerer = _answerer_with(tmp_path, small_kb, QueryAdapter(matrix, "bundled:other-model"))
    assert answerer.dense.adapter is None
    assert "không dùng" in caplog.text
    question = answerer.normalizer.normalize("quên mật khẩu VNeID")
    assert answerer.dense.rank(question).top(1)[0].entry_id == "quen-mat-khau"


def test_fitting_moves_questions_to_the_entry_that_answers_them_also_questions_it_never_saw():
    """Questions worded like entry 0 but answered by entry 1 (a neighbour that shares the words)."""
    rng = np.random.default_rng(7)
    dim = 16
    entries = np.linalg.qr(rng.standard_normal((dim, dim)))[0][:3].astype(np.float32)  # three orthonormal entries
    cue = np.linalg.qr(rng.standard_normal((dim, dim)))[0][5].astype(np.float32)   # what these questions share

    def questions(n: int) -> np.ndarray:
        q = entries[0] + 0.6 * entries[1] + 0.8 * cue + 0.05 * rng.standard_normal((n, dim))
        return (q / np.linalg.norm(q, axis=1, keepdims=True)).astype(np.float32)
    plain = entries[2] + 0.05 * rng.standard_normal((10, dim))
    plain = (plain / np.linalg.norm(plain, axis=1, keepdims=True)).astype(np.float32)
    seen = np.vstack([questions(30), plain])
    answers = [[1]] * 30 + [[2]] * 10
    matrix = fit_adapter(seen, answers, entries, np.arange(3), 3)

    adapter = QueryAdapter(matrix, "m")
    fresh = questions(20)
    assert (np.argmax(fresh @ entries.T, axis=1) == 0).all()            # as embedded: the wrong neighbour
    assert (np.argmax(adapter.apply(fresh) @ entries.T, axis=1) == 1).all()
    assert (np.argmax(adapter.apply(plain) @ entries.T, axis=1) == 2).all()   # the others stay where they were
    assert np.linalg.norm(matrix - np.eye(dim)) < np.linalg.norm(np.eye(dim))  # a bend, not a new space
