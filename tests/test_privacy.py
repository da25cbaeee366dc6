"""Personal data typed by citizens must not reach the database file or the logs."""
import logging

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.desk.service import CommunityDesk
from bot.domain.delivery import Deliverer
from bot.privacy.redact import RedactingFilter

pytestmark = pytest.mark.slow

MESSAGES = [
    ("CCCD của tôi 001234567890 bị lỗi vneid", ["001234567890"]),
    ("căn cước 079 123 456 789 làm lại ở đâu", ["079 123 456 789", "456 789"]),
    ("cmnd cũ số 123456789 xác nhận thế nào", ["123456789"]),
    ("gọi lại cho tôi số 0912345678 nhé", ["0912345678"]),
    ("số tôi +84 987 654 321", ["987 654 321", "987654321"]),
    ("zalo 84.903.111.222", ["903.111.222", "903111222"]),
    ("email tôi là nguyen.thi.b@example.com", ["nguyen.thi.b@example.com", "example.com"]),
    ("đã chuyển khoản STK 1903 4567 8901 Techcombank mà chưa cập nhật", ["1903 4567 8901", "190345678901"]),
    ("Vietcombank 0011004567890 bị trừ tiền", ["0011004567890"]),
    ("０９１２３４５６７８ là số của tôi", ["０９１２３４５６７８", "0912345678"]),
    ("số 09\u200b1234\u200b5678 đổi vneid", ["5678"]),
    ("mã giao dịch 1234567890123", ["1234567890123"]),
]


async def test_no_personal_data_in_database_file_or_logs(dialogue, web_server, tmp_path):
    log_file = tmp_path / "dvcbot.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        async with TestClient(TestServer(web_server, host="127.0.0.1")) as client:
            for text, _ in MESSAGES:
                r = await client.post("/api/chat", json={"user": "0912345678", "text": text})
                assert r.status == 200
                replies = (await r.json())["replies"]
                logging.getLogger("test").info("citizen wrote %s", text)
                for b in (b for rep in replies for b in rep["buttons"] if "payload" in b):
                    if "hỗ trợ" in b["title"] or "hài lòng" in b["title"].lower():
                        await client.post("/api/chat", json={"user": "0912345678", "payload": b["payload"]})
            await client.post("/api/chat", json={"user": "0912345678", "text": "gặp người hỗ trợ"})
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()

    db = dialogue.storage.db
    assert db["messages"].count >= len(MESSAGES) and db["unmet_needs"].count >= 1
    # a number typed after "để lại số điện thoại không?" lives only in its own table, until the ticket closes
    desk = CommunityDesk(dialogue.storage, Deliverer(dialogue.storage, {}), dialogue.record_team_answer)
    admin = dialogue.storage.add_staff("an", "An", "hash", "admin")
    desk.close(admin, [callback["need_id"] for callback in db["callbacks"].rows])
    assert db["callbacks"].count == 0
    db.conn.execute("PRAGMA wal_checkpoint(FULL)")
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("dvcbot.db*"))
    logs = log_file.read_bytes()
    assert b"citizen wrote" in logs
    for text, secrets in MESSAGES:
        for secret in secrets:
            for blob, where in ((raw, "database"), (logs, "logs")):
                assert secret.encode() not in blob, (secret, where)
    assert b"0912345678" not in raw  # the user id itself is stored only as a salted hash
