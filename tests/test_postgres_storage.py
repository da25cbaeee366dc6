"""The PostgreSQL backend beyond the ports (tests/contract runs the ports): its migrations, how a process chooses
it (DVCBOT_DATABASE_URL), and what it says when the database cannot be reached. Skipped without a test server
(DVCBOT_TEST_DATABASE_URL; `bench/pg_test_server.sh start` prints one, `.ci/run` always gives one)."""
from __future__ import annotations

import os
import uuid

import pytest

from bot.domain.token_port import Tokens
from tests.contract.backends import drop_postgres_schema, postgres_schema
from tests.contract.threads import together

SERVER = os.environ.get("DVCBOT_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not SERVER, reason="DVCBOT_TEST_DATABASE_URL is not set: no PostgreSQL server")


@pytest.fixture
def schema_url():
    """The URL of a connection working in a new, empty schema (dropped afterwards)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    yield postgres_schema(SERVER, name)
    drop_postgres_schema(SERVER, name)


def _open(url: str, **kwargs):
    from bot.storage.postgres import PostgresStorage
    return PostgresStorage(url, **kwargs)


def test_workers_starting_together_on_an_empty_database_migrate_it_once(schema_url):
    from bot.storage.postgres_schema import MIGRATIONS

    stores = together([lambda: _open(schema_url, pool_size=2) for _ in range(4)])
    assert not [s for s in stores if isinstance(s, Exception)], stores
    try:
        names = [r["name"] for r in stores[0]._run("SELECT name FROM _migrations ORDER BY name").rows]
        assert names == [name for name, _ in MIGRATIONS]
        assert stores[1].migrate() == []            # a later start finds everything applied
        stores[2].add_message("u1", "web", "in", "cho em hoi lam cccd")
        assert len(stores[3].recent_messages("u1", 5)) == 1
    finally:
        for s in stores:
            s.close()


def test_a_failing_migration_leaves_the_database_as_it_was(schema_url, monkeypatch):
    """DDL is transactional: the half-made change and its record both roll back; the next start applies it."""
    import bot.storage.postgres as pg

    broken = ("m999_broken", "CREATE TABLE half_made (a INTEGER); ALTER TABLE messages ADD COLUMN x TEXT; "
                             "SELECT 1 / 0")
    monkeypatch.setattr(pg, "MIGRATIONS", [*pg.MIGRATIONS, broken])
    with pytest.raises(Exception):
        _open(schema_url, pool_size=2)
    monkeypatch.setattr(pg, "MIGRATIONS", [*pg.MIGRATIONS[:-1]])
    store = _open(schema_url, pool_size=2)
    try:
        tables = {r["table_name"] for r in store._run("SELECT table_name FROM information_schema.tables "
                                                      "WHERE table_schema = current_schema()").rows}
        columns = {r["column_name"] for r in store._run("SELECT column_name FROM information_schema.columns WHERE "
                                                        "table_schema = current_schema() AND table_name = 'messages'"
                                                        ).rows}
        recorded = {r["name"] for r in store._run("SELECT name FROM _migrations").rows}
        assert "half_made" not in tables and "x" not in columns and "m999_broken" not in recorded
        assert "messages" in tables   # the good migrations before it stayed applied
    finally:
        store.close()


def test_what_postgresql_cannot_hold_is_dropped_not_refused(schema_url):
    """A NUL character (PostgreSQL text cannot hold one) in what a citizen typed: the turn still stores it."""
    store = _open(schema_url, pool_size=2)
    try:
        store.add_message("u1", "zalo", "in", "lam lai cccd\x00 o dau vay")
        assert store.recent_messages("u1", 1)[0]["text"] == "lam lai cccd o dau vay"
    finally:
        store.close()


def test_times_are_iso_text_at_rest_and_epoch_seconds_at_the_port(schema_url):
    store = _open(schema_url, pool_size=2, clock=lambda: 1795507200.0)
    try:
        from bot.domain.chat_port import StoredSession

        store.save_session("u1", {"you": "bác"}, 1795507200.25, None)
        assert store.load_session("u1") == StoredSession({"you": "bác"}, 1795507200.25, 1)
        row = store._run("SELECT updated_at FROM sessions").rows[0]
        assert row["updated_at"] == "2026-11-24T08:00:00.250000+00:00"
        assert store.add_audit(None, "an", "login").at == "2026-11-24T08:00:00+00:00"
    finally:
        store.close()


def test_a_database_that_cannot_be_reached_is_named_in_vietnamese_without_its_password():
    from bot.domain.chat_port import DatabaseUnavailable

    with pytest.raises(DatabaseUnavailable) as caught:
        _open("postgresql://dvcbot:mat-khau@127.0.0.1:1/dvcbot", connect_timeout_s=1)
    assert "127.0.0.1:1/dvcbot" in str(caught.value) and "mat-khau" not in str(caught.value)
    assert "Không kết nối được" in str(caught.value) and "refused" in str(caught.value)   # libpq's reason too


def test_a_wrong_password_is_said_with_the_servers_reason(schema_url):
    """What an operator most often gets wrong: the server's own words, never the password typed."""
    from bot.domain.chat_port import DatabaseUnavailable

    wrong = schema_url.replace("postgresql://dvcbot@", "postgresql://khong_co_ai:mat-khau-sai@")
    with pytest.raises(DatabaseUnavailable) as caught:
        _open(wrong, connect_timeout_s=1)
    assert "khong_co_ai" in str(caught.value) and "mat-khau-sai" not in str(caught.value)


def test_the_database_url_setting_opens_postgresql_for_the_server_and_the_cli(schema_url, monkeypatch, capsys):
    from bot.storage.postgres import PostgresStorage
    from handlers.app.cli import main
    from handlers.runtime.settings import Settings
    from handlers.runtime.stores import open_storage

    monkeypatch.setenv("DVCBOT_DATABASE_URL", schema_url)
    monkeypatch.setenv("DVCBOT_SECRET", "bi-mat-chung-cua-moi-may-chu-" + "x" * 20)
    store = open_storage(Settings.from_env())
    try:
        assert isinstance(store, PostgresStorage)
        monkeypatch.setattr("sys.stdin", __import__("io").StringIO("mat-khau-that-dai-123\n"))
        assert main(["admin", "create-user", "lan", "--role", "admin", "--password-stdin"]) == 0
        assert store.staff_by_username("lan").role == "admin"
        assert [a.action for a in store.audit_log()] == ["staff.create"]
        assert main(["purge"]) == 0 and "Đã xóa" in capsys.readouterr().out
        assert main(["backup", "/tmp/khong-dung"]) == 2 and "pg_dump" in capsys.readouterr().err
    finally:
        store.close()


def test_the_test_server_script_starts_a_throwaway_postgresql_and_removes_it():
    """What .ci/run does before the suite (as root too: the script runs the cluster as a non-root user)."""
    import shutil
    import subprocess
    from pathlib import Path

    import psycopg

    from tests.conftest import REPO

    if not (shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))):
        pytest.skip("PostgreSQL's initdb is not installed")
    # in /tmp, as .ci/run does: as root, the cluster's owner must reach its folder (pytest's tmp_path is 0700)
    script, folder = str(REPO / "bench" / "pg_test_server.sh"), Path(f"/tmp/dvcbot-pg-test-{uuid.uuid4().hex[:8]}")
    url = subprocess.run([script, "start", str(folder)], capture_output=True, text=True, check=True).stdout.strip()
    try:
        assert url.startswith("postgresql://dvcbot@127.0.0.1:")
        with psycopg.connect(url, autocommit=True) as conn:
            assert conn.execute("SELECT 1 + 1").fetchone() == (2,)
    finally:
        subprocess.run([script, "stop", str(folder)], check=True)
    assert not folder.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)


def _populate(store) -> None:
    """A deployment's file with rows in every table: two citizens' conversations and the desk around them."""
    from bot.domain.desk_port import StaffSession
    from tests.contract.test_personal_data import Citizen

    for user in ("u1", "u2"):
        Citizen(store, user).write_everything("2026-11-20T00:00:00+00:00")
    team = store.add_team("Tổ CNS xã Cẩm Xuyên", "ha-tinh", "Hà Tĩnh", "Xã Cẩm Xuyên", "-100123", is_default=True)
    lan = store.add_staff("lan", "Chị Lan", "$argon2id$x", "member", team.id, telegram_user_id="4242")
    store.add_staff_session(StaffSession("hash1", lan.id, "csrf", 1795507200.0, 1795509000.5))
    store.begin_login_attempt("an", "1.2.3.4", 1795507100.0, 0, lambda *_: 0)
    store.add_draft((1,), "le-phi-cccd", "Lệ phí làm CCCD", "thu-tuc", ("le phi lam cccd bao nhieu",), "Miễn phí.",
                    (), (), lan.id, "draft", provinces=("ha-tinh",))
    approved = store.add_draft((), "cap-lai-so-bhxh", "Cấp lại sổ BHXH", "thanh-toan", ("mat so bhxh",), "VssID.",
                               (), (), lan.id, "draft")
    store.update_draft_and_file(approved.id, "draft", {"status": "approved"}, "thanh-toan/cap-lai-so-bhxh.md",
                                "---\nid: cap-lai-so-bhxh\n---\nVssID.\n")
    store.claim_lease("knowledge.build", "worker-1", 1795507200.0, 600)
    store.seed_channel_tokens("zalo", Tokens("access-zalo", "refresh-zalo", 1795510800.0), "settings")
    store.add_audit(lan.id, "lan", "login")
    store.claim_job("purge", 1795507200.0, 86400)
    store.take_token("citizen:3f1c0a9e", 20, 1795507200.25)   # a rate bucket, a delivery id seen, a claimed turn
    store.first_delivery("telegram", "9a8b7c6d")
    store.claim_parked_turns("zalo", 1795507200.0, 300)
    store.set_outcome(store.recent_messages("u1", 1)[0]["id"], "dont_know")
    store.delete_user("u-da-xoa")


def test_migrate_to_moves_a_populated_sqlite_database_with_every_row_count_equal(schema_url, tmp_path, monkeypatch,
                                                                                   capsys):
    from bot.storage.postgres import PostgresStorage
    from bot.storage.sqlite import SqliteStorage
    from handlers.app.cli import main

    sqlite = SqliteStorage(tmp_path / "dvcbot.db")
    _populate(sqlite)
    monkeypatch.setenv("DVCBOT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DVCBOT_DATABASE_URL", raising=False)
    assert main(["migrate-to", "--database-url", schema_url]) == 0
    out = capsys.readouterr().out
    assert "số dòng mỗi bảng khớp" in out and "secret.key" in out
    target = PostgresStorage(schema_url, pool_size=2)
    try:
        tables = [t for t in sqlite.db.table_names() if t != "_migrations"]
        before = {t: sqlite.db[t].count for t in tables}
        after = {t: target._run(f"SELECT count(*) AS n FROM {t}").rows[0]["n"] for t in tables}
        assert after == before and all(before.values()), before   # every table had rows, and all of them came
        # what the ports give back is the same on both sides
        assert target.ratings() == sqlite.ratings() and target.unmet_needs() == sqlite.unmet_needs()
        assert target.recent_messages("u1", 50) == sqlite.recent_messages("u1", 50)
        assert target.load_session("u2") == sqlite.load_session("u2")
        assert target.staff_session("hash1") == sqlite.staff_session("hash1")
        assert target.questions() == sqlite.questions() and target.drafts() == sqlite.drafts()
        assert target.teams() == sqlite.teams() and target.staff() == sqlite.staff()
        assert target.claim_job("purge", 1795507300.0, 86400) is False   # its last run came along
        assert target.knowledge_files() == sqlite.knowledge_files() != []
        assert target.claim_lease("knowledge.build", "worker-2", 1795507300.0, 600) is False
        assert target.channel_tokens("zalo") == sqlite.channel_tokens("zalo") is not None
        # new rows get new ids after the copied ones
        newest = max(m["id"] for m in sqlite.recent_messages("u1", 50))
        assert target.add_message("u3", "web", "in", "xin chao") > newest
    finally:
        target.close()
    assert main(["migrate-to", "--database-url", schema_url]) == 1   # only into an empty database
    assert "đã có dữ liệu" in capsys.readouterr().err


async def test_a_citizens_conversation_across_two_workers_on_one_postgresql(schema_url, small_kb, tmp_path):
    """Two `dvcbot serve` workers (each its own pool) on one database: the session and the rating follow the
    citizen from one worker to the other, and a webhook delivery sent to both at once is answered once."""
    import asyncio
    import dataclasses

    from bot.core.messages import Incoming
    from bot.dialogue import Dialogue
    from bot.storage.postgres import PostgresStorage
    from tests.chat import Chat
    from tests.desk_helpers import small_services

    on_sqlite = small_services(small_kb, tmp_path)
    workers = [PostgresStorage(schema_url, pool_size=3) for _ in range(2)]
    try:
        a, b = (Dialogue(on_sqlite.library, store, b"s") for store in workers)
        first = Chat(a, user="zalo-user-7", channel="zalo")
        assert "Quên mật khẩu" in "".join(r.text for r in await first("khong nho mat khau dang nhap"))
        second = Chat(b, user="zalo-user-7", channel="zalo")
        second.last = first.last
        await second.press("Chưa hài lòng")          # the other worker knows which answer this rates
        assert [r.value for r in workers[0].ratings()] == ["down"]
        delivery = Incoming("zalo", "zalo-user-8", text="di dau de lam dinh danh muc 2 vay", message_id="msg-42")
        answered = await asyncio.gather(asyncio.to_thread(a.handle, delivery),
                                        asyncio.to_thread(b.handle, dataclasses.replace(delivery)))
        assert sorted(bool(replies) for replies in answered) == [False, True]
        user = a.user_key("zalo", "zalo-user-8")
        assert [m["direction"] for m in workers[1].recent_messages(user, 10)].count("in") == 1
    finally:
        for store in workers:
            store.close()


def test_knowledge_approved_on_one_host_is_written_and_built_on_another_and_undone_there(schema_url, small_kb,
                                                                                          tmp_path):
    """Two hosts, each with its own knowledge and index folders, on one database: the approval's file reaches the
    other host's folder and index from the database; the undo made there reaches the first."""
    import shutil

    from bot.desk.drafts import KnowledgePublisher
    from indexer.build import build_index
    from indexer.store import load_snapshot
    from tests.conftest import FAKE_MODEL, FakeEmbedder

    hosts = []
    for name in ("a", "b"):
        kb, index = tmp_path / name / "knowledge", tmp_path / name / "index"
        shutil.copytree(small_kb, kb)
        build = lambda kb=kb, index=index: build_index(kb, index, FAKE_MODEL, lambda _: FakeEmbedder(),  # noqa: E731
                                                       progress=False)
        build()
        store = _open(schema_url, pool_size=2)
        hosts.append((store, kb, index, KnowledgePublisher(store, kb, index, build, lambda: False)))
    try:
        (store_a, kb_a, _, on_a), (store_b, kb_b, index_b, on_b) = hosts
        admin = store_a.add_staff("an", "Anh An", "h", "admin")
        draft = store_a.add_draft((), "cap-lai-so-bhxh", "Cấp lại sổ BHXH bị mất", "thanh-toan",
                                  ("mat so bhxh xin lai o dau", "xin lại sổ bảo hiểm xã hội", "sổ bhxh bị mất"),
                                  "Mở ứng dụng VssID.", ({"title": "VssID", "url": "https://baohiemxahoi.gov.vn"},),
                                  ({"title": "Quyết định 1351/QĐ-BHXH"},), admin.id, "draft")
        path = on_a.approve(admin, draft.id).file_path
        on_b.publish(retry_failed=False)            # host b's tick
        assert (kb_b / path).read_text(encoding="utf-8") == (kb_a / path).read_text(encoding="utf-8")
        assert "cap-lai-so-bhxh" in {e.id for e in load_snapshot(index_b).entries}
        on_b.revert(admin, draft.id)
        on_a.publish(retry_failed=False)            # host a's tick
        assert not (kb_a / path).exists() and not (kb_b / path).exists()
    finally:
        for store, *_ in hosts:
            store.close()


async def test_one_citizens_turns_on_two_workers_never_interleave(schema_url, small_kb, tmp_path):
    """The turn runners of two workers on one database: a citizen's messages sent to both at once are handled one
    after the other (storage.citizen_lock around the dialogue), and the session keeps every step."""
    import asyncio
    import threading
    import time

    from bot.core.messages import Incoming
    from bot.dialogue import Dialogue
    from bot.storage.postgres import PostgresStorage
    from handlers.channels.turns import Turn
    from handlers.channels.webchat import WebChat
    from handlers.runtime.services import Services
    from tests.desk_helpers import small_services

    on_sqlite = small_services(small_kb, tmp_path, rate_per_minute=0, rate_per_ip_per_minute=0)
    stores = [PostgresStorage(schema_url, pool_size=4) for _ in range(2)]
    spans: list[tuple[float, float]] = []
    guard = threading.Lock()

    def timed(handle):
        def run(incoming):
            begun = time.monotonic()
            try:
                time.sleep(0.05)   # a slow turn: another worker's turn would begin meanwhile without the lock
                return handle(incoming)
            finally:
                with guard:
                    spans.append((begun, time.monotonic()))
        return run

    try:
        runners = []
        for store in stores:
            dialogue = Dialogue(on_sqlite.library, store, b"s")
            dialogue.handle = timed(dialogue.handle)
            runners.append(WebChat(Services(on_sqlite.settings, on_sqlite.library, store, dialogue)).turns)
        texts = ["xin chao", "quen mat khau vneid", "khong nhan duoc ma otp", "cam on ban", "lam cccd o dau",
                 "le phi bao nhieu"]
        replies = await asyncio.gather(*(runners[i % 2].take(Turn(Incoming("web", "conv-7", text=text)))
                                         for i, text in enumerate(texts)))
        assert all(replies)
        spans.sort()
        assert len(spans) == 6 and all(end <= next_begin for (_, end), (next_begin, _) in zip(spans, spans[1:]))
        user = runners[0].dialogue.user_key("web", "conv-7")
        assert sorted(m["text"] for m in stores[1].recent_messages(user, 50) if m["direction"] == "in") == sorted(texts)
    finally:
        for store in stores:
            store.close()
