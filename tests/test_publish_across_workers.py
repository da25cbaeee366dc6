"""Knowledge approved on one worker reaches every worker (issue 21): the approval stores the file in the database
with it, the workers' ticks write it into their knowledge folders, one worker builds the index, each switches to
it live; a crash between the commit and the file loses nothing; an undo on one worker is undone everywhere."""
from __future__ import annotations

import asyncio
import contextlib

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.desk import publishing
from bot.desk.drafts import KnowledgePublisher
from bot.domain.lifecycle import Role
from handlers.app.server import make_server
from handlers.channels.webchat import WebChat
from tests.desk_helpers import admin_site, another_worker, small_services

QUESTION = "mat so bhxh thi xin cap lai o dau vay a"
ASK = "xin lai so bhxh bi mat o dau"   # as a citizen types it: the entry's words without their marks
ENTRY = "cap-lai-so-bhxh-bi-mat"


async def wait_for(predicate, seconds=30.0):
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return False


@contextlib.asynccontextmanager
async def serving(services):
    """One worker's server on loopback: the web chat, the admin pages and their background ticks."""
    site = admin_site(services, tick_seconds=0.05)
    async with TestClient(TestServer(make_server(services, [WebChat(services), site]), host="127.0.0.1")) as client:
        yield client, site


async def ask(client, user, text):
    r = await client.post("/api/chat", json={"user": user, "text": text})
    return str((await r.json())["replies"])


def a_draft(services):
    """An admin and a team's answer, ready to approve."""
    storage = services.storage
    admin = storage.staff_by_username("admin1") or storage.add_staff("admin1", "Anh Hùng", "h", Role.ADMIN.value)
    draft = storage.add_draft((), ENTRY, "Cấp lại sổ BHXH bị mất", "thanh-toan",
                              (QUESTION, "Xin cấp lại sổ bảo hiểm xã hội bị mất ở đâu?", "sổ bhxh bị mất làm lại ở đâu"),
                              "Mở ứng dụng VssID, chọn **Cấp lại sổ BHXH** và làm theo hướng dẫn.",
                              ({"title": "VssID", "url": "https://baohiemxahoi.gov.vn"},),
                              ({"title": "Quyết định 1351/QĐ-BHXH"},), admin.id, "draft")
    return admin, draft


@pytest.fixture
def first(small_kb, tmp_path):
    return small_services(small_kb, tmp_path)


@pytest.mark.parametrize("shared", [True, False], ids=["shared-volume", "own-folders"])
async def test_an_approval_on_one_worker_is_answered_by_the_other_and_an_undo_there_takes_it_back(first, tmp_path,
                                                                                                 shared):
    second = another_worker(first, None if shared else tmp_path / "host-b")
    admin, draft = a_draft(first)
    async with serving(first) as (client_a, site_a), serving(second) as (client_b, site_b):
        assert ENTRY not in await ask(client_b, "c1", ASK)
        approved = await asyncio.to_thread(site_a.publisher.approve, admin, draft.id)
        await asyncio.to_thread(site_a.publisher.publish)
        path_b = second.settings.knowledge_dir / approved.file_path
        assert await wait_for(lambda: path_b.exists() and ENTRY in second.library().entries)   # no restart
        assert "VssID" in await ask(client_b, "c2", ASK)
        assert (path_b.stat().st_mode & 0o777) == 0o644

        await asyncio.to_thread(site_b.publisher.revert, admin, draft.id)   # the undo, on the other worker
        path_a = first.settings.knowledge_dir / approved.file_path
        assert await wait_for(lambda: not path_a.exists() and ENTRY not in first.library().entries)
        assert await wait_for(lambda: ENTRY not in second.library().entries)
        assert "VssID" not in await ask(client_a, "c3", ASK)


async def test_a_crash_between_the_approval_and_its_file_loses_nothing(first, tmp_path, monkeypatch):
    """The file write fails after the approval committed (a full disk, the process killed): the draft is approved
    and its text is in the database, so the next tick, of this worker or another, writes it and builds."""
    second = another_worker(first, tmp_path / "host-b")
    admin, draft = a_draft(first)
    publisher = KnowledgePublisher(first.storage, first.settings.knowledge_dir, first.settings.index_dir,
                                   lambda: pytest.fail("no build before the file exists"), lambda: False)

    def disk_full(path, text):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publishing, "write_atomic", disk_full)
    approved = publisher.approve(admin, draft.id)
    path = first.settings.knowledge_dir / approved.file_path
    assert approved.status == "approved" and first.storage.draft(draft.id).status == "approved" and not path.exists()
    assert first.storage.knowledge_file(approved.file_path).text.endswith("làm theo hướng dẫn.\n")
    monkeypatch.undo()

    async with serving(first) as (client_a, _), serving(second) as (client_b, _):   # restarted: the tick at start
        assert await wait_for(lambda: path.exists() and ENTRY in first.library().entries)
        assert await wait_for(lambda: ENTRY in second.library().entries)
        assert "VssID" in await ask(client_a, "c1", ASK) and "VssID" in await ask(client_b, "c2", ASK)


async def test_a_file_lost_from_a_workers_folder_is_written_again(first, tmp_path):
    second = another_worker(first, tmp_path / "host-b")
    admin, draft = a_draft(first)
    approved = KnowledgePublisher(first.storage, first.settings.knowledge_dir, first.settings.index_dir,
                                  lambda: None, lambda: False).approve(admin, draft.id)
    publisher_b = KnowledgePublisher(second.storage, second.settings.knowledge_dir, second.settings.index_dir,
                                     lambda: None, lambda: False)
    publisher_b.publish(retry_failed=False)
    path_b = second.settings.knowledge_dir / approved.file_path
    path_b.unlink()                                   # e.g. the folder restored from an older backup
    publisher_b.publish(retry_failed=False)
    assert path_b.read_text(encoding="utf-8") == first.storage.knowledge_file(approved.file_path).text


def test_one_worker_builds_while_the_other_waits_for_the_lease(first, tmp_path):
    second = another_worker(first)   # one shared index folder
    admin, draft = a_draft(first)
    builds = []
    make = lambda name: KnowledgePublisher(  # noqa: E731
        first.storage if name == "a" else second.storage, first.settings.knowledge_dir, first.settings.index_dir,
        lambda: builds.append(name), lambda: False)
    a, b = make("a"), make("b")
    a.approve(admin, draft.id)
    assert first.storage.claim_lease(publishing.BUILD_LEASE, "a worker on host c", first.storage.clock(), 600)
    a.publish(), b.publish()
    assert builds == []                                 # host c is building
    first.storage.release_lease(publishing.BUILD_LEASE, "a worker on host c")
    b.publish(), a.publish(), b.publish()
    assert builds == ["b"]                              # once: the build records the version it holds


def test_a_build_that_fails_is_not_retried_by_every_tick(first):
    admin, draft = a_draft(first)
    calls = []

    def broken():
        calls.append(1)
        raise RuntimeError("tệp hỏng ở chỗ khác trong thư mục")

    publisher = KnowledgePublisher(first.storage, first.settings.knowledge_dir, first.settings.index_dir, broken,
                                   lambda: False)
    publisher.approve(admin, draft.id)
    with pytest.raises(RuntimeError):
        publisher.publish()
    publisher.publish(retry_failed=False)               # the server's tick
    assert calls == [1]
    with pytest.raises(RuntimeError):                   # an explicit publish (after the next approval) tries again
        publisher.publish()
