"""The knowledge the bot answers from, swapped live when `dvcbot index` publishes a new build.

A turn takes `library()` once and keeps that answerer to its end, so questions
in flight finish on the build they started with; the swap is one reference
assignment after the new build is fully loaded.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable

from bot.retrieval.answerer import Answerer
from indexer.store import live_build

log = logging.getLogger(__name__)


class KnowledgeLibrary:
    def __init__(self, index_dir: Path, load: Callable[[], Answerer]) -> None:
        self._index_dir = Path(index_dir)
        self._load = load
        self._lock = threading.Lock()
        self._answerer = load()

    def __call__(self) -> Answerer:
        return self._answerer

    def refresh(self) -> bool:
        """Load the published build if it is not the one in use; True when the bot switched."""
        if live_build(self._index_dir) in (None, self._answerer.build_id):
            return False
        with self._lock:
            if live_build(self._index_dir) == self._answerer.build_id:
                return False
            try:
                fresh = self._load()
            except Exception:  # a build deleted or replaced mid-load: keep serving, try again next time
                log.exception("could not load the new knowledge build; still answering from %s",
                              self._answerer.build_id)
                return False
            self._answerer = fresh
        log.info("knowledge switched to build %s (%d entries)", fresh.build_id, len(fresh.entries))
        return True
