"""`dvcbot` as other tools call it: a real subprocess, a real index, the real bundled model."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from urllib.parse import quote

import pytest

from handlers.app.cli import parser
from tests.conftest import REPO

FIELDS = {"question", "matched", "entry_id", "title", "score", "answer", "links", "suggestions", "latency_ms",
          "search_keywords", "procedures", "options"}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    data = tmp_path_factory.mktemp("var")
    e = {**os.environ, "DVCBOT_DATA_DIR": str(data), "DVCBOT_KNOWLEDGE_DIR": str(REPO / "knowledge")}
    e.pop("DVCBOT_INDEX_DIR", None)
    e.pop("DVCBOT_EMBEDDING_MODEL", None)
    return e


def dvcbot(env, *args, stdin=""):
    return subprocess.run([sys.executable, "-m", "handlers.app.cli", *args], input=stdin, capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=600)


@pytest.mark.slow
def test_first_ask_builds_index_and_says_so(env):
    r = dvcbot(env, "ask", "--json", "dk vneid muc 2 o dau")
    assert r.returncode == 0, r.stderr
    assert "Chưa có chỉ mục" in r.stderr
    assert re.search(r"^Nhúng mục kiến thức: 100%.* (\d+)/\1 ", r.stderr, re.M), r.stderr  # progress, off a terminal
    row = json.loads(r.stdout)
    assert set(row) == FIELDS
    assert row["matched"] is True and row["entry_id"] == "vneid-dang-ky-muc-2"
    assert "công an" in row["answer"].lower()
    assert all(link["url"].startswith("https://") for link in row["links"])


@pytest.mark.slow
def test_json_reads_one_question_per_stdin_line(env):
    r = dvcbot(env, "ask", "--json", stdin="ko nhan dc otp\n\nBitcoin có nên mua không\n")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["question"] for row in rows] == ["ko nhan dc otp", "", "Bitcoin có nên mua không"]
    assert rows[0]["matched"] and rows[0]["entry_id"] == "vneid-khong-nhan-otp"
    assert not rows[1]["matched"] and "gõ câu hỏi" in rows[1]["answer"]
    assert not rows[2]["matched"] and rows[2]["entry_id"] is None
    assert "Chưa có chỉ mục" not in r.stderr


@pytest.mark.slow   # `ask` answers with the real bundled model: on its own (-m "not slow") it built the index, 165 s
def test_json_search_keywords_are_the_redacted_words_of_the_replys_search_link(env):
    # land tax is a procedure now (the catalogue offers it); the price of rice is nobody's procedure
    r = dvcbot(env, "ask", "--json", "cho em hỏi giá lúa hôm nay ạ, sđt em 0912345678")
    row = json.loads(r.stdout)
    assert not row["matched"] and row["search_keywords"] == "giá lúa hôm"
    assert "keyword=" + quote(row["search_keywords"]) in row["answer"] and "0912345678" not in row["answer"]


@pytest.mark.slow
def test_plain_ask_prints_what_a_citizen_sees(env):
    r = dvcbot(env, "ask", "quên passcode vneid")
    assert r.returncode == 0
    assert "Quên passcode" in r.stdout and "https://" in r.stdout and "{" not in r.stdout


@pytest.mark.slow
def test_index_built_with_other_model_is_refused_with_clear_message(env, tmp_path):
    other = {**env, "DVCBOT_EMBEDDING_MODEL": "intfloat/multilingual-e5-base"}
    r = dvcbot(other, "ask", "--json", "vneid")
    assert r.returncode == 2
    assert "dvcbot index" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_bad_knowledge_file_fails_index_with_every_problem(env, tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(REPO / "knowledge", kb)
    (kb / "vneid" / "vneid-tong-dai.md").write_text("không có phần đầu", encoding="utf-8")
    (kb / "thu-tuc" / "thutuc-ho-chieu.md").write_text("---\ntitle: x\n---\nthân\n", encoding="utf-8")
    r = dvcbot({**env, "DVCBOT_KNOWLEDGE_DIR": str(kb), "DVCBOT_DATA_DIR": str(tmp_path / "v")}, "index")
    assert r.returncode == 2
    assert "vneid-tong-dai.md" in r.stderr and "thutuc-ho-chieu.md" in r.stderr and "Traceback" not in r.stderr


def test_every_command_has_help_text():
    def commands(p, prefix=""):
        for action in p._actions:
            if isinstance(action.choices, dict):
                for name, cmd in action.choices.items():
                    yield f"{prefix}{name}", cmd
                    yield from commands(cmd, f"{prefix}{name} ")

    found = dict(commands(parser()))
    assert {"admin create-user", "purge"} <= set(found)
    for name, cmd in found.items():
        assert cmd.description, name
        assert all(a.help for a in cmd._actions if a.dest != "help"), name


ENGLISH = ("usage:", "positional arguments", "options:", "show this help message", "error:", "invalid", "expected",
           "required", "unrecognized", "argument")


def test_help_of_every_command_is_vietnamese():
    def parsers(p):
        yield p
        for action in p._actions:
            if isinstance(action.choices, dict):
                for cmd in action.choices.values():
                    yield from parsers(cmd)

    for p in parsers(parser()):
        text = p.format_help()
        assert "Cách dùng: " in text and "hiện hướng dẫn này rồi thoát" in text, p.prog
        assert not [w for w in ENGLISH if w in text], (p.prog, text)


@pytest.mark.parametrize("argv, said", [
    (["askk"], "tham số LỆNH: không có lựa chọn 'askk' (chọn một trong 'index', 'ask'"),
    ([], "thiếu tham số bắt buộc: LỆNH"),
    (["admin"], "thiếu tham số bắt buộc: VIỆC"),
    (["show"], "thiếu tham số bắt buộc: entry_id"),
    (["show", "a", "b"], "không hiểu tham số: b"),
    (["check", "--max-age-days", "x"], "tham số --max-age-days: 'x' không phải một số nguyên"),
    (["check", "--max-age-days"], "tham số --max-age-days cần một giá trị"),
    (["admin", "create-user", "lan", "--role", "boss"], "tham số --role: không có lựa chọn 'boss'"),
])
def test_command_line_mistakes_are_said_in_vietnamese(capsys, argv, said):
    with pytest.raises(SystemExit) as stopped:
        parser().parse_args(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "Cách dùng: dvcbot" in err and f": lỗi: {said}" in err, err
    assert not [w for w in ENGLISH if w in err], err


def test_check_command_passes_on_real_knowledge(env):
    r = dvcbot(env, "check")
    assert r.returncode == 0, r.stdout
    assert "Kiểm tra đạt." in r.stdout and "CẢNH BÁO" not in r.stdout


def test_serve_on_a_taken_port_names_it_and_dvcbot_port_in_one_line(env):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        r = dvcbot({**env, "DVCBOT_HOST": "127.0.0.1", "DVCBOT_PORT": str(port)}, "serve")
    assert r.returncode == 2
    assert r.stdout == "" and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert f"Cổng {port} trên 127.0.0.1 đang có chương trình khác dùng" in r.stderr and "DVCBOT_PORT" in r.stderr



def test_a_bad_setting_stops_the_process_with_one_vietnamese_line_and_exit_2(env):
    """As a shell or systemd sees it (the in-process cases are in tests/test_settings.py)."""
    r = dvcbot({**env, "DVCBOT_RATE_PER_MINUTE": "20/min"}, "check")
    assert r.returncode == 2 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "DVCBOT_RATE_PER_MINUTE = «20/min»" in r.stderr and "số nguyên từ 0 trở lên" in r.stderr

@pytest.mark.slow
def test_chat_channel_numbers_choices_and_accepts_numbers(env, tmp_path):
    asked = dvcbot({**env, "DVCBOT_DATABASE": str(tmp_path / "first.db")}, "chat", stdin="thanh toan\n")
    shown = re.search(r"\[(\d)\] Thanh toán phí, lệ phí", asked.stdout)  # the options' order is the ranking's
    assert "Ý bạn là" in asked.stdout and shown, asked.stdout
    r = dvcbot({**env, "DVCBOT_DATABASE": str(tmp_path / "chat.db")}, "chat", stdin=f"thanh toan\n{shown[1]}\n1\n1\n")
    assert r.returncode == 0, r.stderr
    assert "Yêu cầu thanh toán" in r.stdout and "🔗" in r.stdout and "[1] Xem chi tiết" in r.stdout
    assert "Bước 1/" in r.stdout   # "1" opened the rest of the answer, the next "1" its first step
