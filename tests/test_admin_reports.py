"""Dashboard, feedback log, reports and exports agree with the database, and never run a citizen's words."""
import csv
import io
import re

import openpyxl
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.domain.lifecycle import Role
from handlers.admin.pages import label
from handlers.app.server import make_server
from handlers.channels.webchat import WebChat
from tests.chat import Chat
from tests.desk_helpers import admin_site, login, small_services

PASSWORD = "mat-khau-du-dai-1"
SCRIPT = "<script>alert('x')</script>"
FORMULA = "=HYPERLINK(\"https://evil.example\",\"bấm\")"


@pytest.fixture
async def setup(small_kb, tmp_path):
    services = small_services(small_kb, tmp_path)
    site = admin_site(services)
    storage = services.storage
    a = storage.add_team("Tổ Cẩm Xuyên", "ha-tinh", "Hà Tĩnh", "Xã Cẩm Xuyên", is_default=True)
    b = storage.add_team("Tổ Thạch Hà", "ha-tinh", "Hà Tĩnh", "Xã Thạch Hà")
    site.accounts.create_user("admin1", PASSWORD, Role.ADMIN.value)
    site.accounts.create_user("lan", PASSWORD, Role.MEMBER.value, a.id)
    votes = [("u1", "quên mật khẩu VNeID", "up", None, None),
             ("u2", "Không nhận được mã OTP", "down", "Khó hiểu", SCRIPT),
             ("u3", "Làm định danh mức 2 ở đâu?", "up", None, None),
             ("u4", "Không nhận được mã OTP", "down", "Sai thông tin", FORMULA),
             ("u5", "quên mật khẩu VNeID", "up", None, None)]
    for user, question, value, reason, comment in votes:
        chat = Chat(services.dialogue, user=user, channel="web" if user != "u3" else "zalo")
        await chat(question)
        await chat.press("Hài lòng 👍" if value == "up" else "Chưa hài lòng")
        if reason:
            await chat.press(reason)
            await chat(comment)
    for user, team in (("u1", "Xã Cẩm Xuyên"), ("u2", "Xã Thạch Hà")):
        chat = Chat(services.dialogue, user=user, channel="web")
        await chat(f"giá vàng hôm nay bao nhiêu {SCRIPT}")
        await chat.press("Gửi câu hỏi cho tổ hỗ trợ")
        await chat.press("Hà Tĩnh")
        await chat.press(team)
    services.desk.route_pending()
    async with TestClient(TestServer(make_server(services, [WebChat(services), site]), host="127.0.0.1")) as client:
        yield services, client, a, b


def db_satisfaction(storage) -> float:
    up, total = storage.db.execute("SELECT SUM(value = 'up'), COUNT(*) FROM ratings").fetchone()
    return round(100 * up / total, 1)


async def test_the_dashboard_rate_is_the_databases(setup):
    services, client, *_ = setup
    await login(client, "admin1", PASSWORD)
    html = await (await client.get("/admin")).text()
    shown = re.search(r'id="satisfaction">([\d.]+) %', html).group(1)
    assert float(shown) == db_satisfaction(services.storage) == 60.0
    assert "<svg" in html and "90 %" in html and "95 %" in html  # chart with both target lines
    assert "<script" not in html.lower() and "https://cdn" not in html
    assert "&lt;script&gt;" in html  # the citizen's question in the top unmet groups, escaped


async def test_the_feedback_log_filters_and_escapes(setup):
    services, client, *_ = setup
    await login(client, "admin1", PASSWORD)
    html = await (await client.get("/admin/feedback", params={"value": "down"})).text()
    assert "2 đánh giá" in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html and SCRIPT not in html
    html = await (await client.get("/admin/feedback", params={"channel": "zalo"})).text()
    assert "1 đánh giá" in html and "Làm định danh mức 2" in html
    html = await (await client.get("/admin/feedback", params={"from": "2099-01-01"})).text()
    assert "0 đánh giá" in html
    user = services.storage.ratings()[1].user
    conversation = await (await client.get(f"/admin/conversations/{user}")).text()
    assert "&lt;script&gt;" in conversation and SCRIPT not in conversation


def read_csv(body: bytes) -> list[dict]:
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM for Excel
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(body: bytes) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


async def test_exports_hold_exactly_the_rows_in_the_database(setup):
    services, client, *_ = setup
    storage = services.storage
    await login(client, "admin1", PASSWORD)
    ratings = {r.id: r for r in storage.ratings()}
    for fmt, read in (("csv", read_csv), ("xlsx", read_xlsx)):
        r = await client.get(f"/admin/export/ratings.{fmt}")
        assert r.status == 200 and "attachment" in r.headers["Content-Disposition"]
        rows = read(await r.read())
        assert sorted(int(x["Mã"]) for x in rows) == sorted(ratings)
        for row in rows:
            rating = ratings[int(row["Mã"])]
            assert (row["Đánh giá"], row["Kênh"], row["Câu hỏi"]) == (
                label(f"rating_{rating.value}"), label(f"channel_{rating.channel}"), rating.question)  # in words
            comment = row["Góp ý"] or None
            if fmt == "csv" and rating.comment == FORMULA:
                assert comment == "'" + FORMULA  # Excel shows it as text instead of running it
            else:
                assert comment == rating.comment
        needs = {n.id: n for n in storage.unmet_needs()}
        rows = read(await (await client.get(f"/admin/export/unmet.{fmt}")).read())
        assert sorted(int(x["Mã"]) for x in rows) == sorted(needs) and len(needs) == 4  # 2 bad ratings + 2 asked
        for row in rows:
            need = needs[int(row["Mã"])]
            assert (row["Trạng thái"], row["Loại"], row["Câu hỏi"] or None) == (
                label(f"status_{need.status}"), label(f"kind_{need.kind}"), need.question)


async def test_the_monthly_and_quarterly_summary_per_team(setup):
    services, client, a, b = setup
    await login(client, "admin1", PASSWORD)
    for period, pattern in (("month", r"^\d{4}-\d{2}$"), ("quarter", r"^\d{4}-Q[1-4]$")):
        rows = read_csv(await (await client.get(f"/admin/export/summary.csv?period={period}")).read())
        by_team = {r["Tổ"]: r for r in rows}
        assert all(re.match(pattern, r["Kỳ"]) for r in rows)
        # u1 chose Cẩm Xuyên (1 👍), u2 chose Thạch Hà (1 👎); the others never chose a commune
        assert (by_team["Tổ Cẩm Xuyên"]["Hài lòng"], by_team["Tổ Cẩm Xuyên"]["Tỷ lệ hài lòng (%)"]) == ("1", "100.0")
        assert (by_team["Tổ Thạch Hà"]["Chưa hài lòng"], by_team["Tổ Thạch Hà"]["Tỷ lệ hài lòng (%)"]) == ("1", "0.0")
        assert by_team["(chưa rõ tổ)"]["Hài lòng"] == "2" and by_team["(chưa rõ tổ)"]["Chưa hài lòng"] == "1"
        assert sum(int(r["Yêu cầu mới gửi đến"]) for r in rows) == 4
        assert by_team["Tổ Cẩm Xuyên"]["Số câu hỏi"] == "2"  # u1: the VNeID question and the one the bot did not know
        assert by_team["Tổ Cẩm Xuyên"]["Trả lời từ kho kiến thức"] == "1"
    sheet = read_xlsx(await (await client.get("/admin/export/summary.xlsx?period=quarter")).read())
    assert {r["Tổ"] for r in sheet} == {"Tổ Cẩm Xuyên", "Tổ Thạch Hà", "(chưa rõ tổ)"}
    page = await (await client.get("/admin/reports?period=quarter")).text()
    assert "Tổ Thạch Hà" in page and "Tỷ lệ hài lòng (%)" in page


async def test_a_members_report_is_their_own_team(setup):
    services, client, *_ = setup
    await login(client, "lan", PASSWORD)
    rows = read_csv(await (await client.get("/admin/export/summary.csv")).read())
    assert {r["Tổ"] for r in rows} == {"Tổ Cẩm Xuyên"}
    ratings = read_csv(await (await client.get("/admin/export/ratings.csv")).read())
    assert [r["Câu hỏi"] for r in ratings] == ["quên mật khẩu VNeID"]


@pytest.mark.slow
async def test_a_thumbs_down_on_an_ask_back_is_its_own_topic_not_the_teams(services):
    site = admin_site(services)
    site.accounts.create_user("admin1", PASSWORD, Role.ADMIN.value)
    chat = Chat(services.dialogue, user="u9", channel="web")
    await chat("thanh toan")
    assert "Ý bạn là" in chat.text(), chat.text()
    await chat.press("Chưa hài lòng")
    async with TestClient(TestServer(make_server(services, [WebChat(services), site]), host="127.0.0.1")) as client:
        await login(client, "admin1", PASSWORD)
        html = await (await client.get("/admin/feedback")).text()
        assert "Hỏi lại, chưa trả lời được" in html and "Trả lời của tổ hỗ trợ" not in html
