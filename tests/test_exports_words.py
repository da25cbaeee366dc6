"""Exports and the audit log speak the staff's language: Vietnamese labels, Vietnam time, typed Excel cells."""
import datetime as dt
import io

from openpyxl import load_workbook

from tests.chat import Chat
from tests.desk_helpers import login, post_form
from tests.test_desk_handling import PASSWORD, client, desk, web_ticket  # noqa: F401  (fixtures)


async def test_exports_and_the_audit_log_use_words_and_local_time(desk, client):  # noqa: F811
    services, _, _ = desk
    _, need = await web_ticket(services, "w1")
    chat = Chat(services.dialogue, user="w2", channel="web")
    await chat("quên mật khẩu VNeID")
    await chat.press("Hài lòng")
    await login(client, "lan", PASSWORD)
    await post_form(client, f"/admin/needs/{need.id}", f"/admin/needs/{need.id}/claim")
    await post_form(client, f"/admin/needs/{need.id}", f"/admin/needs/{need.id}/answer",
                    {"answer": "Giá vàng không thuộc thủ tục hành chính.", "need_ids": str(need.id)})
    client.session.cookie_jar.clear()
    await login(client, "admin1", PASSWORD)
    unmet = (await (await client.get("/admin/export/unmet.csv")).read()).decode("utf-8-sig")
    for code in ("da_tra_loi", "khong_co_cau_tra_loi", "queued", '"web"'):
        assert code not in unmet, code
    assert "đã trả lời" in unmet and "trợ lý chưa trả lời được" in unmet and "trang web" in unmet
    created = dt.datetime.fromisoformat(services.storage.need(need.id).created_at)
    local = created.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert local.strftime("%d/%m/%Y %H:%M") in unmet and "+00:00" not in unmet
    ratings = (await (await client.get("/admin/export/ratings.csv")).read()).decode("utf-8-sig")
    assert '"Hài lòng"' in ratings and '"up"' not in ratings
    book = load_workbook(io.BytesIO(await (await client.get("/admin/export/unmet.xlsx")).read()))
    row = [c.value for c in book.active[2]]
    assert isinstance(row[1], dt.datetime) and row[1] == local.replace(tzinfo=None)
    assert isinstance(row[0], int)
    audit = await (await client.get("/admin/audit")).text()
    assert "Nhận xử lý yêu cầu" in audit and "Trả lời yêu cầu" in audit and "need.claim" not in audit
