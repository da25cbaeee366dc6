"""`dvcbot serve` as deployed: a real process; `dvcbot index` in another process changes its answers live."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import REPO, write_entry

pytestmark = pytest.mark.slow
NEW = ("le-phi-truoc-ba", "Nộp lệ phí trước bạ xe máy",
       ["Lệ phí trước bạ xe máy nộp ở đâu?", "nộp lệ phí trước bạ online", "trước bạ xe máy đóng tiền thế nào"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port: int, body: dict) -> dict:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/chat", json.dumps(body).encode(),
                                 {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def wait_healthy(port: int, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("server did not start")


@pytest.fixture
def served(small_kb, tmp_path):
    port = free_port()
    env = {**os.environ, "DVCBOT_DATA_DIR": str(tmp_path / "var"), "DVCBOT_KNOWLEDGE_DIR": str(small_kb),
           "DVCBOT_PORT": str(port), "DVCBOT_RELOAD_SECONDS": "0.2"}
    for name in ("DVCBOT_INDEX_DIR", "DVCBOT_EMBEDDING_MODEL", "DVCBOT_DATABASE", "DVCBOT_TELEGRAM_TOKEN",
                 "DVCBOT_ZALO_OA_SECRET"):
        env.pop(name, None)
    proc = subprocess.Popen([sys.executable, "-m", "handlers.app.cli", "serve"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_healthy(port, proc)
        yield port, env, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=15)


def answer_text(port: int, text: str) -> str:
    return "\n".join(r["text"] for r in post(port, {"user": "u1", "text": text})["replies"])


def test_serve_says_which_channels_are_on_and_stops_on_sigterm(served):
    port, _, proc = served
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=15) == 0
    out = proc.stdout.read()
    assert "Kênh đang bật: web" in out and "telegram" not in out.lower()


def test_index_published_while_serving_changes_answers_without_restart(served, small_kb):
    port, env, proc = served
    question = "le phi truoc ba xe may nop o dau"
    assert NEW[1] not in answer_text(port, question)
    write_entry(small_kb, NEW[0], NEW[1], NEW[2], "Nộp trên Cổng Dịch vụ công quốc gia.")
    built = subprocess.run([sys.executable, "-m", "handlers.app.cli", "index", "--quiet"], cwd=REPO, env=env,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    deadline = time.monotonic() + 30
    while NEW[1] not in (text := answer_text(port, question)) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert NEW[1] in text
    assert proc.poll() is None  # the same process, no restart
