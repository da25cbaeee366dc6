"""The dense retriever scores every entry by its best vector, with arrays rather than a loop over rows."""
import numpy as np

from bot.retrieval.hybrid import DenseRetriever
from bot.retrieval.normalize import NormalizedQuery
from indexer.build import build_index
from indexer.embedder import model_id_for
from indexer.store import load_snapshot
from tests.conftest import FAKE_MODEL, FakeEmbedder


def query(text: str) -> NormalizedQuery:
    return NormalizedQuery(original=text, text=text, terms=text.split(), restored=False, corrections=(), clauses=())


def test_every_entry_gets_its_best_vector_and_the_ranking_reads_like_a_mapping(small_kb, tmp_path):
    build_index(small_kb, tmp_path / "index", FAKE_MODEL, FakeEmbedder, progress=False)
    snapshot = load_snapshot(tmp_path / "index", model_id_for(FAKE_MODEL))
    embedder = FakeEmbedder()
    ranking = DenseRetriever(snapshot, embedder).rank(query("không nhận được mã OTP"))

    vectors = snapshot.dense.reconstruct_n(0, snapshot.dense.ntotal)
    q = embedder.embed_queries(["không nhận được mã OTP"])[0]
    expected = {}
    for row, vec in zip(snapshot.rows, vectors):
        expected[row.entry_id] = max(expected.get(row.entry_id, -np.inf), float(vec @ q))
    assert set(ranking) == set(expected) and len(ranking) == 3
    assert all(abs(ranking[k] - v) < 1e-5 for k, v in expected.items())
    top = ranking.top(2)
    assert [h.entry_id for h in top] == sorted(expected, key=expected.get, reverse=True)[:2]
    assert top[0].entry_id == "khong-nhan-otp"
    assert abs(ranking.median() - float(np.median(list(expected.values())))) < 1e-5
    assert ranking.get("no-such-entry", -1.0) == -1.0


def test_a_question_without_text_ranks_nothing(small_kb, tmp_path):
    build_index(small_kb, tmp_path / "index", FAKE_MODEL, FakeEmbedder, progress=False)
    snapshot = load_snapshot(tmp_path / "index", model_id_for(FAKE_MODEL))
    ranking = DenseRetriever(snapshot, FakeEmbedder()).rank(query(""))
    assert len(ranking) == 0 and ranking.top(5) == [] and ranking.median() == 0.0
