"""A question asked again is answered from remembered vectors: the same vectors, without embedding again."""
import threading

import numpy as np
import pytest

from handlers.runtime.services import shared_embedder
from handlers.runtime.settings import Settings
from indexer.embedder import BUNDLED, RememberedQueries
from tests.conftest import FakeEmbedder


def test_repeated_questions_reuse_their_vectors_and_give_the_same_ones():
    inner = FakeEmbedder()
    remembered = RememberedQueries(inner, size=8)
    first = remembered.embed_queries(["dk vneid muc 2", "quên mật khẩu"])
    again = remembered.embed_queries(["quên mật khẩu", "ko nhan dc otp", "dk vneid muc 2"])
    assert inner.embedded == ["dk vneid muc 2", "quên mật khẩu", "ko nhan dc otp"]
    assert np.array_equal(again[0], first[1]) and np.array_equal(again[2], first[0])
    assert np.array_equal(again, inner.embed_queries(["quên mật khẩu", "ko nhan dc otp", "dk vneid muc 2"]))
    assert (remembered.asked, remembered.reused) == (5, 2)
    assert remembered.embed_queries([]).shape == (0, inner.dimension)


def test_the_least_recently_asked_question_is_forgotten_first():
    inner = FakeEmbedder()
    remembered = RememberedQueries(inner, size=2)
    remembered.embed_queries(["một"])
    remembered.embed_queries(["hai"])
    remembered.embed_queries(["một"])      # "một" is fresh again, so "hai" goes when "ba" comes
    remembered.embed_queries(["ba"])
    inner.embedded.clear()
    remembered.embed_queries(["một", "hai"])
    assert inner.embedded == ["hai"]


def test_passages_are_never_remembered_and_text_is_not_kept():
    inner = FakeEmbedder()
    remembered = RememberedQueries(inner)
    remembered.embed_passages(["căn cước 001099012345"])
    remembered.embed_passages(["căn cước 001099012345"])
    remembered.embed_queries(["số căn cước của tôi là 001099012345"])
    assert inner.embedded.count("căn cước 001099012345") == 2
    assert all(isinstance(k, bytes) and b"001099012345" not in k for k in remembered._vectors)


def test_concurrent_citizens_get_their_own_question_vectors():
    inner = FakeEmbedder()
    remembered = RememberedQueries(inner, size=16)
    questions = [f"câu hỏi số {i % 24}" for i in range(240)]
    wrong: list[str] = []
    at_once = threading.Barrier(4)   # the four citizens' threads start asking together, not one after another

    def ask(chunk: list[str]) -> None:
        at_once.wait(5)
        for q in chunk:
            if not np.array_equal(remembered.embed_queries([q])[0], inner._vec(q)):
                wrong.append(q)

    threads = [threading.Thread(target=ask, args=(questions[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == [] and remembered.asked == 240 and len(remembered._vectors) <= 16


@pytest.mark.slow
def test_the_bundled_model_gives_the_same_passage_vectors_split_over_cores_as_one_by_one():
    model = shared_embedder(BUNDLED).inner
    texts = [f"Bước {i}: mở ứng dụng VNeID, chọn mục thủ tục hành chính số {i}" for i in range(7)]
    together = model.embed_passages(texts)
    alone = np.vstack([model.embed_passages([t]) for t in texts])
    assert together.shape == (7, model.dimension)
    assert np.allclose(together, alone, atol=1e-6)
    assert not np.allclose(together[0], together[1])


def test_the_setting_can_turn_remembering_off(monkeypatch):
    monkeypatch.setenv("DVCBOT_REMEMBERED_QUESTIONS", "0")
    assert Settings.from_env().remembered_questions == 0
    monkeypatch.delenv("DVCBOT_REMEMBERED_QUESTIONS")
    assert Settings.from_env().remembered_questions == 4096
    inner = FakeEmbedder()
    remembered = RememberedQueries(inner)
    remembered.embed_queries(["dk vneid muc 2"])
    remembered.keep(0)
    remembered.embed_queries(["dk vneid muc 2"])
    remembered.embed_queries(["dk vneid muc 2"])
    assert inner.embedded == ["dk vneid muc 2"] * 3 and remembered.reused == 0


@pytest.mark.slow
def test_a_build_neither_fills_the_question_memory_nor_counts_as_questions(small_kb, tmp_path):
    from handlers.runtime.services import ensure_index, load_answerer

    settings = Settings(knowledge_dir=small_kb, data_dir=tmp_path, index_dir=tmp_path / "index")
    remembered = shared_embedder(settings.embedding_model)
    remembered.keep(0)  # forget what earlier tests in this process asked
    remembered.keep(4096)
    before = (remembered.asked, remembered.reused)
    ensure_index(settings)  # embeds 3 titles and 9 example questions with the bundled model
    assert (remembered.asked, remembered.reused, len(remembered._vectors)) == (*before, 0)
    load_answerer(settings).ask("Quên mật khẩu VNeID thì làm sao?")  # an entry's own question, asked by a citizen
    assert (remembered.asked, remembered.reused) == (before[0] + 1, before[1])


@pytest.mark.slow
def test_an_answering_process_keeps_one_blas_thread(real_answerer):
    """Idle OpenBLAS threads spin after each small product and took the core a question's second reading was
    being embedded on; the answering process keeps one (FAISS's BLAS copy included)."""
    from threadpoolctl import threadpool_info

    blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    assert blas and all(lib["num_threads"] == 1 for lib in blas)
