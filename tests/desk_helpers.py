"""Shared setup for community desk tests: the app on a small knowledge set and the fake embedder."""
from __future__ import annotations

from pathlib import Path

from bot.answerer import Answerer
from bot.dialogue import Dialogue
from bot.library import KnowledgeLibrary
from bot.settings import Settings
from bot.sqlite_storage import SqliteStorage
from handlers.app import Services
from indexer.build import build_index
from indexer.embedder import model_id_for
from indexer.store import load_snapshot
from tests.conftest import FAKE_MODEL, FakeEmbedder


def small_services(kb: Path, tmp_path: Path, **settings) -> Services:
    """Services as `dvcbot serve` builds them, on a small knowledge folder and the deterministic fake embedder."""
    embedder = FakeEmbedder()
    index = tmp_path / "index"
    build_index(kb, index, FAKE_MODEL, lambda _: embedder, progress=False)
    library = KnowledgeLibrary(index, lambda: Answerer.load(load_snapshot(index, model_id_for(FAKE_MODEL)), embedder))
    storage = SqliteStorage(tmp_path / "dvcbot.db")
    config = Settings(knowledge_dir=kb, data_dir=tmp_path, index_dir=index, database=tmp_path / "dvcbot.db",
                      embedding_model=FAKE_MODEL, reload_seconds=0.05, **settings)
    return Services(config, library, storage, Dialogue(library, storage, b"s"))
