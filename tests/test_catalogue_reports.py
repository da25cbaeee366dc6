"""Questions and ratings about procedures reach the dashboard and the exports with their national codes."""
from __future__ import annotations

import csv
import io

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.desk.reports import procedure_figures
from bot.domain.chat_port import Rating
from bot.domain.desk_port import QuestionRecord
from bot.domain.lifecycle import Role
from handlers.app.server import make_server
from handlers.channels.webchat import WebChat
from tests.catalogue_helpers import write_catalogue
from tests.chat import Chat
from tests.desk_helpers import admin_site, login, small_services

PASSWORD = "mat-khau-du-dai-1"


def _rating(n: int, entry_id: str, value: str) -> Rating:
    return Rating(id=n, answer_id=n, user=f"u{n}", channel="web", question="q", entry_id=entry_id, value=value,
                  reason=None, comment=None, created_at="2026-11-02T03:00:00+00:00",
                  updated_at="2026-11-02T03:00:00+00:00")


def test_figures_count_answers_and_votes_per_procedure():
    codes = {"tthc:1.004194": ("1.004194",), "tam-tru": ("1.004194",), "otp": ()}
    questions = [QuestionRecord(1, "u1", "web", "2026-11-02T03:00:00+00:00", "answer", "tthc:1.004194"),
                 QuestionRecord(2, "u2", "web", "2026-11-03T03:00:00+00:00", "answer", "tam-tru"),
                 QuestionRecord(3, "u3", "web", "2026-11-03T03:00:00+00:00", "dont_know", None),
                 QuestionRecord(4, "u4", "web", "2026-12-01T03:00:00+00:00", "answer", "otp")]
    rows = procedure_figures("month", questions, [_rating(1, "tam-tru", "down"), _rating(2, "otp", "down")],
                             lambda e: codes.get(e, ()), lambda c: {"1.004194": "Đăng ký tạm trú"}[c])
    assert [(r.period, r.code, r.name, r.asked, r.ratings_up, r.ratings_down) for r in rows] == [
        ("2026-11", "1.004194", "Đăng ký tạm trú", 2, 0, 1)]
    assert rows[0].satisfaction_percent == 0.0


@pytest.fixture
async def setup(small_kb, tmp_path):
    write_catalogue(small_kb)
    services = small_services(small_kb, tmp_path)
    site = admin_site(services)
    services.storage.add_team("Tổ Cẩm Xuyên", "ha-tinh", "Hà Tĩnh", "Xã Cẩm Xuyên", is_default=True)
    site.accounts.create_user("admin1", PASSWORD, Role.ADMIN.value)
    for user, value in (("u1", "up"), ("u2", "down"), ("u3", "down")):
        chat = Chat(services.dialogue, user=user, channel="web")
        await chat("đăng ký tạm trú ở đâu")
        await chat.press("Hài lòng 👍" if value == "up" else "Chưa hài lòng")
    async with TestClient(TestServer(make_server(services, [WebChat(services), site]), host="127.0.0.1")) as client:
        yield services, client


async def test_dashboard_and_export_list_the_procedures(setup):
    services, client = setup
    await login(client, "admin1", PASSWORD)
    page = await (await client.get("/admin")).text()
    asked = page.split("Thủ tục được hỏi nhiều nhất", 1)[1].split("</table>", 1)[0]
    assert "1.004194" in asked and "Đăng ký tạm trú" in asked and "<td>3</td>" in asked
    disliked = page.split("Thủ tục nhiều đánh giá chưa hài lòng", 1)[1].split("</table>", 1)[0]
    assert "1.004194" in disliked and "<td>2</td>" in disliked
    body = await (await client.get("/admin/export/procedures.csv?period=month")).read()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Kỳ", "Mã thủ tục", "Tên thủ tục", "Số câu hỏi được trả lời"]
    assert rows[1][1:6] == ["1.004194", "Đăng ký tạm trú", "3", "1", "2"]
    ratings = list(csv.reader(io.StringIO((await (await client.get("/admin/export/ratings.csv")).read())
                                          .decode("utf-8-sig"))))
    column = ratings[0].index("Mã thủ tục")
    assert {r[column] for r in ratings[1:]} == {"1.004194"}
