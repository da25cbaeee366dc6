"""Handling a ticket to the end, as a commune volunteer does on the ticket page: the call-back number and when to
call, the citizen's channel, one answer per ticket, claims respected, closing with word to the citizen."""
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.domain.lifecycle import Role
from handlers.app.server import make_server
from handlers.channels.webchat import WebChat
from tests.chat import Chat
from tests.desk_helpers import admin_site, login, post_form, small_services
from tests.web_helpers import updates_for

PASSWORD = "mat-khau-du-dai-1"


@pytest.fixture
def desk(small_kb, tmp_path):
    services = small_services(small_kb, tmp_path)
    site = admin_site(services)
    storage = services.storage
    a = storage.add_team("Tổ Cẩm Xuyên", "ha-tinh", "Hà Tĩnh", "Xã Cẩm Xuyên", is_default=True)
    site.accounts.create_user("admin1", PASSWORD, Role.ADMIN.value, name="Quản trị")
    site.accounts.create_user("lan", PASSWORD, Role.MEMBER.value, a.id, name="Chị Lan")
    site.accounts.create_user("mai", PASSWORD, Role.MEMBER.value, a.id, name="Chị Mai")
    return services, site, a


@pytest.fixture
async def client(desk):
    services, site, _ = desk
    async with TestClient(TestServer(make_server(services, [WebChat(services), site]), host="127.0.0.1")) as c:
        yield c


async def web_ticket(services, user: str, text: str = "giá vàng hôm nay bao nhiêu"):
    chat = Chat(services.dialogue, user=user, channel="web")
    await chat(text)
    await chat.press("Gửi câu hỏi cho tổ hỗ trợ")
    services.desk.route_pending()
    return chat, services.storage.unmet_needs()[-1]


async def call_back_ticket(services, user: str = "w1"):
    chat = Chat(services.dialogue, user=user, channel="web")
    await chat("gặp người hỗ trợ")
    await chat.press("Có, để lại số")
    await chat("0912 345 678, gọi em buổi chiều sau 3 giờ nhé")
    services.desk.route_pending()
    return chat, services.storage.unmet_needs()[-1]


async def updates(client, services, user: str) -> str:
    return "\n".join(r["text"] for r in await updates_for(client, services, user))


async def test_what_a_second_request_added_to_the_open_ticket_is_on_its_page(desk, client):
    services, _, _ = desk
    chat, need = await call_back_ticket(services)
    await chat("lệ phí đổi căn cước bao nhiêu vậy")
    await chat("cho gặp người hỗ trợ")   # asked again, about more: the same ticket
    assert [n.id for n in services.storage.unmet_needs()] == [need.id]
    await login(client, "lan", PASSWORD)
    page = await (await client.get(f"/admin/needs/{need.id}")).text()
    assert "Người dân nói thêm" in page and "lệ phí đổi căn cước" in page


async def test_the_call_back_number_and_time_are_shown_to_whoever_handles_the_ticket(desk, client):
    services, _, _ = desk
    _, need = await call_back_ticket(services)
    assert services.storage.callback(need.id).preferred_time == "buổi chiều sau 3 giờ"   # when, without the chat around it
    await login(client, "lan", PASSWORD)
    queue = await (await client.get("/admin/queue")).text()
    assert "📞" in queue
    page = await (await client.get(f"/admin/needs/{need.id}")).text()
    assert "Người dân muốn được gọi lại" in page and "buổi chiều sau 3 giờ" in page
    assert "0912345678" not in page                       # not before the member takes the ticket
    assert "trang web" in page                            # the channel the answer goes out on
    r = await post_form(client, f"/admin/needs/{need.id}", f"/admin/needs/{need.id}/claim")
    assert r.status == 303
    page = await (await client.get(f"/admin/needs/{need.id}")).text()
    assert 'href="tel:0912345678"' in page


async def test_another_member_does_not_see_the_number_of_a_ticket_someone_else_took(desk, client):
    services, _, _ = desk
    _, need = await call_back_ticket(services)
    await login(client, "lan", PASSWORD)
    await post_form(client, f"/admin/needs/{need.id}", f"/admin/needs/{need.id}/claim")
    client.session.cookie_jar.clear()
    await login(client, "mai", PASSWORD)
    page = await (await client.get(f"/admin/needs/{need.id}")).text()
    assert "0912345678" not in page and "Người dân muốn được gọi lại" in page


async def test_closing_without_an_answer_tells_the_citizen_and_deletes_the_number(desk, client):
    services, _, _ = desk
    _, need = await call_back_ticket(services)
    await updates(client, services, "w1")
    await login(client, "lan", PASSWORD)
    r = await post_form(client, f"/admin/needs/{need.id}", f"/admin/needs/{need.id}/close",
                        {"note": "Tổ đã gọi điện hướng dẫn", "confirm": "1"})
    assert r.status == 303
    told = await updates(client, services, "w1")
    assert f"Yêu cầu mã {need.id}" in told and "đóng mà chưa có câu trả lời" in told
    assert "Tổ đã gọi điện hướng dẫn" in told
    assert services.storage.callback(need.id) is None
    assert "told_closed" in [e.action for e in services.storage.need_events(need.id)]


async def test_the_answer_form_goes_away_after_sending_and_a_second_answer_is_refused(desk, client):
    services, _, _ = desk
    _, need = await web_ticket(services, "w2")
    await login(client, "lan", PASSWORD)
    r = await post_form(client, f"/admin/needs/{need.id}", f"/admin/needs/{need.id}/answer",
                        {"answer": "Hạn nộp là 15/12.", "need_ids": str(need.id)})
    assert r.status == 303
    page = await (await client.get(f"/admin/needs/{need.id}")).text()
    assert 'action="/admin/needs/%d/answer"' % need.id not in page and "Câu trả lời đã gửi" in page
    # the same form sent again (a second tab, a double tap after a slow network)
    r = await post_form(client, "/admin/queue", f"/admin/needs/{need.id}/answer",
                        {"answer": "Hạn nộp là 20/12.", "need_ids": str(need.id)})
    assert r.status == 409 and "đã được trả lời" in await r.text()
    told = await updates(client, services, "w2")
    assert "15/12" in told and "20/12" not in told
    assert services.storage.need(need.id).answer == "Hạn nộp là 15/12."


async def test_a_claim_is_respected_and_an_admin_takes_over_explicitly(desk, client):
    services, _, _ = desk
    _, need = await web_ticket(services, "w3")
    await login(client, "lan", PASSWORD)
    await post_form(client, f"/admin/needs/{need.id}", f"/admin/needs/{need.id}/claim")
    client.session.cookie_jar.clear()
    await login(client, "mai", PASSWORD)
    page = await (await client.get(f"/admin/needs/{need.id}")).text()
    assert "Chị Lan đang xử lý" in page and 'name="answer"' not in page
    r = await post_form(client, "/admin/queue", f"/admin/needs/{need.id}/answer",
                        {"answer": "20/12", "need_ids": str(need.id)})
    assert r.status == 409 and "đang do người khác xử lý" in await r.text()
    r = await post_form(client, "/admin/queue", f"/admin/needs/{need.id}/close", {"confirm": "1"})
    assert r.status == 409
    assert (await post_form(client, "/admin/queue", f"/admin/needs/{need.id}/take_over")).status == 403
    client.session.cookie_jar.clear()
    await login(client, "admin1", PASSWORD)
    page = await (await client.get(f"/admin/needs/{need.id}")).text()
    assert "Nhận thay" in page and 'name="answer"' not in page
    assert (await post_form(client, f"/admin/needs/{need.id}", f"/admin/needs/{need.id}/take_over")).status == 303
    r = await post_form(client, f"/admin/needs/{need.id}", f"/admin/needs/{need.id}/answer",
                        {"answer": "Hạn là 15/12.", "need_ids": str(need.id)})
    assert r.status == 303
    admin = services.storage.staff_by_username("admin1")
    assert services.storage.need(need.id).answered_by == admin.id
    assert any(a.action == "need.take_over" for a in services.storage.audit_log())
    assert "15/12" in await updates(client, services, "w3")


async def test_closing_an_open_ticket_needs_a_confirmation(desk, client):
    services, _, _ = desk
    _, need = await web_ticket(services, "w4")
    await login(client, "lan", PASSWORD)
    r = await post_form(client, f"/admin/needs/{need.id}", f"/admin/needs/{need.id}/close")
    assert r.status == 409 and services.storage.need(need.id).status == "moi"
    page = await (await client.get(f"/admin/needs/{need.id}")).text()
    assert '<details class="close-box">' in page and 'class="danger"' in page


async def test_a_thumbs_down_ticket_shows_the_rated_answer_the_reason_and_the_comment_in_words(desk, client):
    services, _, _ = desk
    chat = Chat(services.dialogue, user="w7", channel="web")
    await chat("không nhận được mã OTP")
    answer = chat.last[0].text
    guide = next(r.text for r in chat.last if "**" in r.text)
    await chat.press("Chưa hài lòng")
    await chat.press("Khó hiểu")
    await chat("không thấy nút quên mật khẩu ở https://dichvucong.gov.vn/p/home/dvc-trang-chu.html đâu cả")
    services.desk.route_pending()
    need = next(n for n in services.storage.unmet_needs() if n.kind == "danh_gia_chua_hai_long")
    await login(client, "lan", PASSWORD)
    page = await (await client.get(f"/admin/needs/{need.id}")).text()
    assert "Câu trả lời người dân chấm 👎" in page and answer.splitlines()[0][:40] in page
    assert "Lý do: Khó hiểu" in page and "không thấy nút quên mật khẩu" in page
    assert "(bấm Chưa hài lòng 👎)" in page
    assert "**" in guide and "**" not in page and "<b>chính chủ</b>" in page   # bold as the citizen saw it
    for raw in ("rate:", "why:", "ask_team", "entry:"):
        assert raw not in page.split("Trao đổi gần nhất")[-1], raw


async def test_a_web_answer_shows_as_received_once_the_page_fetched_it(desk, client):
    services, _, _ = desk
    _, need = await web_ticket(services, "w8")
    await login(client, "lan", PASSWORD)
    await post_form(client, f"/admin/needs/{need.id}", f"/admin/needs/{need.id}/answer",
                    {"answer": "Bạn xem giá vàng trên trang của ngân hàng.", "need_ids": str(need.id)})
    assert "chờ trang web của người dân lấy" in await (await client.get(f"/admin/needs/{need.id}")).text()
    assert "giá vàng" in await updates(client, services, "w8")
    page = await (await client.get(f"/admin/needs/{need.id}")).text()
    assert "người dân đã nhận" in page and "chờ trang web" not in page
