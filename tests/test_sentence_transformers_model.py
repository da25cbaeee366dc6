"""DVCBOT_EMBEDDING_MODEL may name any sentence-transformers model or local path.

No hub is reachable, so the test builds a tiny BERT sentence-transformers model
in a temporary folder and runs the real loading and indexing code on it.
"""
import os

import pytest

from bot.retrieval.answerer import Answerer
from indexer.build import build_index
from indexer.embedder import SentenceTransformerEmbedder, make_embedder, model_id_for
from indexer.store import load_snapshot
from indexer.vntext import fold, syllables

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    words = sorted({fold(s) for s in syllables("dang ky dinh danh muc quen mat khau khong nhan ma otp "
                                                 "cong an the can cuoc so dien thoai lay lai gui")})
    base = tmp_path_factory.mktemp("bert")
    (base / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]), encoding="utf-8")
    tok = BertTokenizerFast(vocab_file=str(base / "vocab.txt"), do_lower_case=True, strip_accents=True)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=128)
    BertModel(cfg).save_pretrained(base)
    tok.save_pretrained(base)
    st_dir = tmp_path_factory.mktemp("st")
    SentenceTransformer(modules=[Transformer(str(base)), Pooling(32)]).save(str(st_dir))
    return str(st_dir)


def test_local_sentence_transformers_model_indexes_and_answers(small_kb, tmp_path, tiny_model):
    embedder = make_embedder(tiny_model)
    assert isinstance(embedder, SentenceTransformerEmbedder) and embedder.dimension == 32
    idx = tmp_path / "index"
    report = build_index(small_kb, idx, tiny_model, lambda name: embedder, progress=False)
    assert report.embedded == 3
    snap = load_snapshot(idx, model_id_for(tiny_model))
    assert snap.manifest.dimension == 32 and snap.dense.ntotal == 15
    answer = Answerer.load(snap, embedder).ask("quen mat khau")
    assert answer.query is not None and answer.kind in {"answer", "clarify", "dont_know"}
    ranked = Answerer.load(snap, embedder).rank(answer.query)
    assert ranked[0].entry_id == "quen-mat-khau"  # the lexical half still ranks it first
