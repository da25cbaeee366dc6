"""Fixtures of the storage contract suite: every test runs once per backend in tests/contract/backends.py."""
from __future__ import annotations

import threading
from typing import Callable

import pytest

from tests.contract.backends import BACKENDS


@pytest.fixture(params=BACKENDS, ids=lambda b: b.name)
def backend(request):
    return request.param


@pytest.fixture
def store(backend, tmp_path):
    """A fresh store: what the dialogue and the desk are given (bot.domain.desk_port.CommunityStorage)."""
    return backend.open(tmp_path)


@pytest.fixture
def second(backend, store):
    """Another connection to the same store: a second `dvcbot serve` worker."""
    return backend.again(store)


@pytest.fixture
def race(backend):
    """`race(first, second, call)`: `call(first)` is held just before its first write while `call(second)` runs;
    the first goes on when the second is done or has waited 0.3 s (a backend whose second must wait for the first
    makes it wait). Returns what each got, or the exception it raised: the rule is then asserted on both."""

    def run_race(first, second, call: Callable, call_second: Callable | None = None) -> dict[str, object]:
        reached, go_on = threading.Event(), threading.Event()
        backend.hold_before_write(first, reached, go_on)
        got: dict[str, object] = {}

        def run(name: str, store, fn: Callable) -> None:
            try:
                got[name] = fn(store)
            except Exception as exc:   # a clear failure is an outcome the rule may allow
                got[name] = exc

        held = threading.Thread(target=run, args=("first", first, call))
        held.start()
        try:
            assert reached.wait(5), "the first worker never reached a write"
            other = threading.Thread(target=run, args=("second", second, call_second or call))
            other.start()
            other.join(0.3)
        finally:
            go_on.set()
        held.join(15)
        other.join(15)
        backend.release(first)
        assert not held.is_alive() and not other.is_alive()
        return got

    return run_race

