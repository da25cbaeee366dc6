"""Shared setup for community desk tests: the app on a small knowledge set and the fake embedder."""
from __future__ import annotations

from tests.builders import small_services  # noqa: F401  (the one builder; desk tests import it from here)
from tests.conftest import FAKE_MODEL

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
