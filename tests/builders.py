"""One builder for what the tests run on: a migrated SQLite file, the small knowledge on the fake embedder, the
app's services. Before, test_telegram, test_zalo, test_abuse, test_app and desk_helpers each built these their own
way; a difference between them was a difference nobody meant.

Every migration costs a fresh SQLite file 0.3–0.4 s of DDL; `migrated_db` migrates once per test session into a
template and copies it (a file copy costs milliseconds). Tests of migrations themselves (tests/test_storage.py,
tests/test_backup.py, tests/contract/test_schema.py) open truly fresh files instead.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from bot.core.clock import SYSTEM_CLOCK, Clock
from bot.storage.sqlite import SqliteStorage
from tests.conftest import FAKE_MODEL, FakeEmbedder, fake_answerer

_template: Path | None = None
_template_lock = threading.Lock()


def migrated_db(path: Path | str) -> Path:
    """`path`, created as a copy of a database every migration has run on (once per session); an existing file is
    left alone, so a second connection to it opens what the first wrote."""
    global _template
    path = Path(path)
    if path.exists():
        return path
    with _template_lock:
        if _template is None or not _template.exists():
            folder = tempfile.mkdtemp(prefix="dvcbot-template-")
            atexit.register(shutil.rmtree, folder, True)
            template = Path(folder) / "template.db"
            SqliteStorage(template).db.conn.close()   # closing checkpoints the WAL into the file
            _template = template
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_template, path)
    return path


def open_storage(path: Path | str, clock: Clock = SYSTEM_CLOCK) -> SqliteStorage:
    """A SqliteStorage on `path` as the app opens it, its migrations already applied from the template."""
    return SqliteStorage(migrated_db(path), clock=clock)


@dataclass
class SmallLibrary:
    """A knowledge folder indexed with the fake embedder; `rebuild()` publishes a new build of the folder."""
    library: object            # bot.retrieval.library.KnowledgeLibrary
    index: Path
    embedder: FakeEmbedder
    rebuild: Callable[[], object]


def small_library(kb: Path, folder: Path, embedder: FakeEmbedder | None = None) -> SmallLibrary:
    """`kb` indexed into `folder`/index with the deterministic fake embedder (built once here)."""
    from bot.retrieval.library import KnowledgeLibrary
    from indexer.build import build_index

    embedder = embedder or FakeEmbedder()
    index = folder / "index"
    rebuild = lambda: build_index(kb, index, FAKE_MODEL, lambda _: embedder, progress=False)  # noqa: E731
    rebuild()
    return SmallLibrary(KnowledgeLibrary(index, lambda: fake_answerer(index, embedder)), index, embedder, rebuild)


def services_on(library, storage: SqliteStorage, folder: Path, secret: bytes = b"s", **settings):
    """Services as `dvcbot serve` builds them, on a library and a store already made; `settings` override the
    test defaults (the fake model, a data folder of `folder`, a quick reload)."""
    from bot.dialogue import Dialogue
    from handlers.runtime.services import Services
    from handlers.runtime.settings import Settings

    defaults = {"data_dir": folder, "index_dir": folder / "index", "database": folder / "dvcbot.db",
                "embedding_model": FAKE_MODEL, "reload_seconds": 0.05}
    return Services(Settings(**{**defaults, **settings}), library, storage, Dialogue(library, storage, secret))


def small_services(kb: Path, tmp_path: Path, **settings):
    """Services on a small knowledge folder, the fake embedder and a migrated SQLite file in `tmp_path`."""
    small = small_library(kb, tmp_path)
    return services_on(small.library, open_storage(tmp_path / "dvcbot.db"), tmp_path,
                       **{"knowledge_dir": kb, **settings})
