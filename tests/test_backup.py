"""dvcbot backup / restore on real SQLite files, with another process writing through the real storage."""
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from bot.storage.backup import BackupError, backup, restore
from bot.storage.sqlite import SqliteStorage
from tests.conftest import REPO

WRITER_SECONDS = 60   # upper bound; the test stops the writer long before


def write_ratings(database: str, acks: str, stop) -> None:
    """Rate answers one after another; append each answer id to `acks` only after its rating is committed."""
    storage = SqliteStorage(database)
    deadline = time.monotonic() + WRITER_SECONDS
    with open(acks, "a", encoding="utf-8") as out:
        while not stop.is_set() and time.monotonic() < deadline:
            answer = storage.add_message("u1", "web", "out", "câu trả lời", entry_id="vneid-dang-ky-muc-2")
            storage.rate(answer, "u1", "web", "câu hỏi", "vneid-dang-ky-muc-2", "up")
            out.write(f"{answer}\n")
            out.flush()


def acknowledged(acks: Path) -> set[int]:
    text = acks.read_text(encoding="utf-8")
    return {int(line) for line in text[: text.rfind("\n") + 1].splitlines()}


def rated(database: Path) -> set[int]:
    with closing(sqlite3.connect(database)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {r[0] for r in conn.execute("SELECT answer_id FROM ratings")}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "var" / "dvcbot.db"
    SqliteStorage(path).db.conn.close()
    return path


def test_backup_under_write_load_restores_every_acknowledged_rating(db, tmp_path):
    acks = tmp_path / "acks.txt"
    acks.touch()
    ctx = multiprocessing.get_context("spawn")   # a fresh process: never carry an open SQLite handle over fork
    stop = ctx.Event()
    writer = ctx.Process(target=write_ratings, args=(str(db), str(acks), stop))
    writer.start()
    try:
        deadline = time.monotonic() + WRITER_SECONDS
        while len(acknowledged(acks)) < 300:
            assert writer.is_alive() and time.monotonic() < deadline, "the writer stopped or is far too slow"
            time.sleep(0.05)
        before = acknowledged(acks)
        report = backup(db, tmp_path / "backups")
        time.sleep(0.3)   # the writer goes on after the backup
    finally:
        stop.set()
        writer.join(30)
    after = acknowledged(acks)
    assert writer.exitcode == 0 and len(after) > len(before)

    in_backup = rated(report.path)
    assert before <= in_backup <= after
    assert report.rows["ratings"] == len(in_backup)
    assert not Path(str(report.path) + "-wal").exists()   # one self-contained file

    restored = restore(report.path, tmp_path / "restored" / "dvcbot.db")
    assert rated(restored.path) == in_backup and restored.replaced_copy is None

    replaced = restore(report.path, db)   # over the live file, now that the writer has stopped
    assert rated(db) == in_backup
    assert rated(replaced.replaced_copy) == after   # nothing written after the backup is lost: it is kept aside
    assert SqliteStorage(db).migrate() == []        # the restored file opens and needs no migration


def test_restore_refuses_a_database_in_use_unless_forced(db, tmp_path):
    storage = SqliteStorage(db)
    storage.rate(storage.add_message("u", "web", "out", "a"), "u", "web", "q", None, "up")
    saved = backup(db, tmp_path / "b.db").path
    storage.rate(storage.add_message("u", "web", "out", "b"), "u", "web", "q", None, "down")

    with pytest.raises(BackupError, match="đang được dùng"):
        restore(saved, db)
    assert len(storage.ratings()) == 2

    report = restore(saved, db, force=True)
    assert [r.value for r in storage.ratings()] == ["up"]   # the running storage sees the restored data
    assert len(rated(report.replaced_copy)) == 2


def test_restore_refuses_what_is_not_a_sound_backup(db, tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"SQLite format 3\x00" + os.urandom(8000))
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
    newer = tmp_path / "newer.db"
    backup(db, newer)
    with closing(sqlite3.connect(newer)) as conn:
        conn.execute("INSERT INTO _migrations VALUES ('m999_from_the_future', '2030-01-01')")
        conn.commit()
    before = db.read_bytes()
    for path, reason in [(tmp_path / "missing.db", "Không tìm thấy"), (garbage, "không"),
                         (other, "_migrations"), (newer, "mới hơn")]:
        with pytest.raises(BackupError, match=reason):
            restore(path, db)
    assert db.read_bytes() == before


def test_backup_never_overwrites_and_never_creates_a_database(db, tmp_path):
    target = backup(db, tmp_path / "b.db").path
    with pytest.raises(BackupError, match="đã có"):
        backup(db, target)
    with pytest.raises(BackupError, match="Không tìm thấy"):
        backup(tmp_path / "typo.db", tmp_path / "c.db")
    assert not (tmp_path / "typo.db").exists() and not (tmp_path / "c.db").exists()
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    dated = backup(db, f"{tmp_path}/new/folder/").path   # a trailing slash means a folder, created if missing
    assert dated.parent == tmp_path / "new" / "folder" and dated.name.startswith("dvcbot-")


def test_cli_backup_then_restore(db, tmp_path):
    env = {**os.environ, "DVCBOT_DATABASE": str(db), "DVCBOT_DATA_DIR": str(tmp_path / "var")}

    def dvcbot(*args):
        return subprocess.run([sys.executable, "-m", "handlers.app.cli", *args], capture_output=True, text=True,
                              env=env, cwd=REPO, timeout=120)

    r = dvcbot("backup", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "kiểm tra toàn vẹn đạt" in r.stdout and "secret.key" in r.stdout
    saved = next(tmp_path.glob("dvcbot-*.db"))
    r = dvcbot("restore", str(saved))
    assert r.returncode == 0, r.stderr
    assert "Đã khôi phục" in r.stdout and "before-restore" in r.stdout
    r = dvcbot("restore", str(tmp_path / "missing.db"))
    assert r.returncode == 2 and "Không tìm thấy" in r.stderr and "Traceback" not in r.stderr
