"""A typed province or commune reaches the right team ("ha tinh a", "em ở Đắk Lắk", old province names), and staff
can hand a ticket to another team, audit-logged, with a notice to the team receiving it."""
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.domain.delivery import DeliveryResult, DeliveryStatus
from bot.domain.lifecycle import Role
from bot.retrieval.places import read_place
from handlers.app.server import make_server
from handlers.channels.webchat import WebChat
from tests.chat import Chat
from tests.desk_helpers import admin_site, login, post_form, small_services

PASSWORD = "mat-khau-du-dai-1"


@pytest.mark.parametrize("typed, province, old", [
    ("ha tinh a", "ha-tinh", None), ("em ở Đắk Lắk", "dak-lak", None), ("daklak", "dak-lak", None),
    ("tỉnh Bình Định ạ", "gia-lai", "Bình Định"), ("em ở Phú Yên", "dak-lak", "Phú Yên"),
    ("hai duong", "hai-phong", "Hải Dương"), ("Bình Phước", "dong-nai", "Bình Phước"), ("tp hcm", "ho-chi-minh", None),
])
def test_a_typed_province_is_read_with_old_names_mapped_to_todays(typed, province, old):
    place = read_place(typed)
    assert place is not None and place.province == province and place.said_as == old


def test_a_commune_is_read_and_questions_are_not_places():
    place = read_place("em ở xã Cẩm Xuyên, Hà Tĩnh nhé")
    assert place.province == "ha-tinh" and place.commune == "Xã Cẩm Xuyên"
    assert read_place("cam xuyen").province == "ha-tinh"
    for text in ("cổng dịch vụ công Hà Tĩnh ở đâu", "hà nội cấp cccd ở đâu", "giá vàng hôm nay", "có", "không cần",
                 "cảm ơn", "0912345678"):
        assert read_place(text) is None, text


class RecordingTelegram:
    channel = "telegram"

    def __init__(self):
        self.sent = []

    async def send(self, user, address, replies):
        self.sent.append((address, list(replies)))
        return DeliveryResult(DeliveryStatus.SENT)


@pytest.fixture
def services(small_kb, tmp_path):
    services = small_services(small_kb, tmp_path)
    storage = services.storage
    storage.add_team("Tổ Cẩm Xuyên", "ha-tinh", "Hà Tĩnh", "Xã Cẩm Xuyên", telegram_chat_id="-1001", is_default=True)
    storage.add_team("Tổ Ea Kar", "dak-lak", "Đắk Lắk", "Xã Ea Kar", telegram_chat_id="-1002")
    return services


async def ask_team(services, user, text="giá vàng hôm nay bao nhiêu"):
    chat = Chat(services.dialogue, user=user, channel="web")
    await chat(text)
    await chat.press("Gửi câu hỏi cho tổ hỗ trợ")
    assert "tỉnh, thành phố nào" in chat.text()
    return chat


async def test_a_typed_province_is_saved_and_the_ticket_goes_there_at_once(services):
    storage = services.storage
    chat = await ask_team(services, "w1")
    await chat("em ở Đắk Lắk")
    assert "Đắk Lắk" in chat.text() and "Cảm ơn" in chat.text()
    assert "cổng dịch vụ công" not in chat.text().lower()        # not answered as a question
    [routed] = services.desk.route_pending()                     # no 10-minute wait
    ea_kar = next(t for t in storage.teams() if t.province == "dak-lak")
    assert storage.need(routed.id).team_id == ea_kar.id
    chat = await ask_team(services, "w2")
    await chat("ha tinh a")
    assert storage.place(services.dialogue.user_key("web", "w2")).province == "ha-tinh"
    chat = await ask_team(services, "w3")
    await chat("Phú Yên")
    assert "Đắk Lắk (Phú Yên cũ)" in chat.text()
    chat = await ask_team(services, "w4")
    await chat("cẩm xuyên")
    assert storage.place(services.dialogue.user_key("web", "w4")).team_id == storage.teams()[0].id


async def test_a_question_typed_while_a_place_is_awaited_is_still_answered(services):
    chat = await ask_team(services, "w5")
    await chat("quên mật khẩu VNeID")
    assert services.storage.place(services.dialogue.user_key("web", "w5")) is None
    assert "Cảm ơn bạn! Câu hỏi sẽ được chuyển" not in chat.text()


async def test_staff_hand_a_ticket_to_another_team_with_a_notice_and_an_audit_entry(services):
    storage, desk = services.storage, services.desk
    site = admin_site(services)
    cam_xuyen, ea_kar = storage.teams()
    site.accounts.create_user("lan", PASSWORD, Role.MEMBER.value, cam_xuyen.id, name="Chị Lan")
    site.accounts.create_user("hoa", PASSWORD, Role.MEMBER.value, ea_kar.id, name="Chị Hoa")
    chat = await ask_team(services, "w6")
    await chat.press("Bỏ qua")
    desk.route_pending()
    need = storage.unmet_needs()[-1]
    assert need.team_id == cam_xuyen.id
    telegram = services.deliverer.senders["telegram"] = RecordingTelegram()
    async with TestClient(TestServer(make_server(services, [WebChat(services), site]), host="127.0.0.1")) as client:
        await login(client, "lan", PASSWORD)
        await post_form(client, f"/admin/needs/{need.id}", f"/admin/needs/{need.id}/claim")
        r = await post_form(client, f"/admin/needs/{need.id}", f"/admin/needs/{need.id}/reassign",
                            {"team_id": str(ea_kar.id)})
        assert r.status == 303
        assert (await client.get(f"/admin/needs/{need.id}")).status == 403   # no longer her team's
        await desk.tick()
        client.session.cookie_jar.clear()
        await login(client, "hoa", PASSWORD)
        queue = await (await client.get("/admin/queue")).text()
        assert "giá vàng hôm nay" in queue
    moved = storage.need(need.id)
    assert moved.team_id == ea_kar.id and moved.status == "moi" and moved.claimed_by is None
    [(address, [reply])] = [s for s in telegram.sent if s[0] == "-1002"]
    assert "Tổ Cẩm Xuyên → Tổ Ea Kar" in reply.text
    [entry] = [a for a in storage.audit_log() if a.action == "need.reassign"]
    assert entry.username == "lan" and entry.detail == "Tổ Cẩm Xuyên → Tổ Ea Kar"


async def test_a_withdrawn_ticket_is_not_listed_as_waiting_for_a_team(services):
    """The admin's "Chưa phân tổ" list had shown a ticket the citizen had withdrawn ("thôi đừng gọi nữa") beside the
    ones still waiting to be routed."""
    storage = services.storage
    site = admin_site(services)
    site.accounts.create_user("anh-an", PASSWORD, Role.ADMIN.value, None, name="Anh An")
    withdrawn = await ask_team(services, "w7", "giá vàng hôm nay bao nhiêu")
    await withdrawn("thôi không cần nữa")
    await ask_team(services, "w8", "giá xăng ngày mai tăng hay giảm")
    kept, gone = sorted(storage.unmet_needs(), key=lambda n: n.question != "giá xăng ngày mai tăng hay giảm")
    assert gone.status == "da_dong" and kept.team_id is None and gone.team_id is None
    async with TestClient(TestServer(make_server(services, [WebChat(services), site]), host="127.0.0.1")) as client:
        await login(client, "anh-an", PASSWORD)
        queue = await (await client.get("/admin/queue")).text()
    unrouted = queue.split("Chưa phân tổ", 1)[1]
    assert f"#{kept.id}<" in unrouted and f"#{gone.id}<" not in unrouted, unrouted[:600]
