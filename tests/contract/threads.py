"""Real concurrency for the contract suite: calls released at once on their own threads."""
from __future__ import annotations

import threading
from typing import Callable


def together(calls: list[Callable[[], object]]) -> list[object]:
    """Run the calls on threads released at once by a barrier; what each returned (or raised)."""
    barrier = threading.Barrier(len(calls))
    got: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait(5)
        try:
            got[i] = calls[i]()
        except Exception as exc:
            got[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    return got
