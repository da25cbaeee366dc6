"""Shared setup for community desk tests: the app on a small knowledge set and the fake embedder."""
from __future__ import annotations

from pathlib import Path

from bot.dialogue import Dialogue
from bot.retrieval.library import KnowledgeLibrary
from bot.storage.sqlite import SqliteStorage
from handlers.runtime.services import Services
from indexer.build import build_index
from tests.builders import small_services  # noqa: F401  (the one builder; desk tests import it from here)
from tests.conftest import FAKE_MODEL, FakeEmbedder, fake_answerer


def another_worker(services: Services, own_folders: Path | None = None) -> Services:
    """A second `dvcbot serve` worker on the same database (its own connection): on the same knowledge and index
    folders (a shared volume), or, given `own_folders`, on its own copy of the knowledge folder as it is now (call it
    before approving) and its own index built from it, like a worker on another host."""
    import dataclasses
    import shutil

    first = services.settings
    kb, index = first.knowledge_dir, first.index_dir
    if own_folders is not None:
        kb, index = own_folders / "knowledge", own_folders / "index"
        shutil.copytree(first.knowledge_dir, kb, ignore=shutil.ignore_patterns(".*"))
        build_index(kb, index, FAKE_MODEL, lambda _: FakeEmbedder(), progress=False)
    embedder = FakeEmbedder()
    library = KnowledgeLibrary(index, lambda: fake_answerer(index, embedder))
    storage = SqliteStorage(first.database, clock=services.storage.clock)
    config = dataclasses.replace(first, knowledge_dir=kb, index_dir=index)
    return Services(config, library, storage, Dialogue(library, storage, b"s"))


CHEAP_HASHER_ARGS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}  # still argon2id, fast for tests


def admin_site(services, **kwargs):
    """The /admin component with a fast argon2id hasher and a fake-embedder rebuild."""
    from argon2 import PasswordHasher

    from bot.desk.accounts import Accounts
    from handlers.admin.site import AdminSite
    from indexer.build import build_index
    from tests.conftest import FakeEmbedder

    settings = services.settings
    accounts = Accounts(services.storage, settings.admin_session_minutes, PasswordHasher(**CHEAP_HASHER_ARGS))
    rebuild = lambda: build_index(settings.knowledge_dir, settings.index_dir, FAKE_MODEL,  # noqa: E731
                                  lambda _: FakeEmbedder(), progress=False)
    return AdminSite(services, accounts=accounts, rebuild=rebuild, **kwargs)


def csrf_of(html: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


async def login(client, username: str, password: str, expect: int = 303):
    page = await client.get("/admin/login")
    r = await client.post("/admin/login", data={"username": username, "password": password,
                                                "csrf_token": csrf_of(await page.text())}, allow_redirects=False)
    assert r.status == expect, await r.text()
    return r


async def post_form(client, page_path: str, action: str, data: dict | None = None, **kwargs):
    """Open a page as a browser would, take its CSRF token, submit a form to `action`."""
    page = await client.get(page_path)
    return await client.post(action, data={**(data or {}), "csrf_token": csrf_of(await page.text())},
                             allow_redirects=False, **kwargs)
