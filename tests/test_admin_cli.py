"""`dvcbot admin create-user` and `dvcbot purge` as an operator runs them (real subprocess, real SQLite file)."""
import os
import subprocess
import sys

from bot.domain.chat_port import NeedKind
from bot.storage.sqlite import SqliteStorage
from tests.builders import open_storage
from tests.conftest import REPO


def dvcbot(tmp_path, *args, stdin="", **env):
    e = {**os.environ, "DVCBOT_DATA_DIR": str(tmp_path), "DVCBOT_DATABASE": str(tmp_path / "dvcbot.db"), **env}
    return subprocess.run([sys.executable, "-m", "handlers.app.cli", *args], input=stdin, capture_output=True, text=True,
                          env=e, cwd=REPO, timeout=120)


def test_create_user_reads_a_piped_password_and_stores_an_argon2id_hash(tmp_path):
    r = dvcbot(tmp_path, "admin", "create-user", "quantri", "--role", "admin", "--password-stdin",
               stdin="mot-mat-khau-dai\n")
    assert r.returncode == 0, r.stderr
    assert "quantri" in r.stdout and "/admin/login" in r.stdout and "mot-mat-khau-dai" not in r.stdout + r.stderr
    storage = SqliteStorage(tmp_path / "dvcbot.db")
    staff = storage.staff_by_username("quantri")
    assert staff.role == "admin" and staff.password_hash.startswith("$argon2id$")
    assert storage.audit_log()[0].action == "staff.create"


def test_create_user_refuses_bad_input_in_plain_words(tmp_path):
    ok = dvcbot(tmp_path, "admin", "create-user", "quantri", "--role", "admin", stdin="mot-mat-khau-dai\n")
    assert ok.returncode == 0, ok.stderr  # piped without the flag: read from stdin too
    cases = [
        (("quantri", "--role", "admin"), "mot-mat-khau-dai\n", "đã có"),
        (("lan", "--role", "member"), "mot-mat-khau-dai\n", "phải thuộc một tổ"),
        (("lan", "--role", "member", "--team", "7"), "mot-mat-khau-dai\n", "Không có tổ số 7"),
        (("lan", "--role", "admin"), "ngan\n", "ít nhất 10"),
        (("Lan Anh", "--role", "admin"), "mot-mat-khau-dai\n", "Tên đăng nhập"),
    ]
    for args, stdin, message in cases:
        r = dvcbot(tmp_path, "admin", "create-user", *args, "--password-stdin", stdin=stdin)
        assert r.returncode == 1 and message in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)
    r = dvcbot(tmp_path, "admin", "create-user", "lan", "--role", "boss", stdin="x\n")
    assert r.returncode == 2 and "admin" in r.stderr


def test_purge_removes_only_what_is_older_than_the_retention(tmp_path):
    storage = open_storage(tmp_path / "dvcbot.db")
    for user, when in (("old", "2025-06-01T00:00:00+00:00"), ("recent", None)):
        storage.add_message(user, "web", "in", "câu hỏi")
        storage.add_unmet_need(user, "web", NeedKind.HANDOFF)
        if when:
            storage.db.execute("UPDATE messages SET created_at = ? WHERE citizen = ?", [when, user])
            storage.db.execute("UPDATE unmet_needs SET created_at = ? WHERE citizen = ?", [when, user])
    storage.db.conn.commit()
    r = dvcbot(tmp_path, "purge", DVCBOT_RETENTION_DAYS="90")
    assert r.returncode == 0, r.stderr
    assert "90 ngày" in r.stdout
    assert {m["citizen"] for m in storage.db["messages"].rows} == {"recent"}
    assert [n.user for n in storage.unmet_needs()] == ["recent"]
    assert storage.audit_log()[0].action == "purge"
