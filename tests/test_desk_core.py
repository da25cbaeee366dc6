"""The community desk's core: lifecycle rules, routing, grouping, answers reaching every citizen waiting."""
import datetime as dt

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.core.messages import Incoming
from bot.desk.grouping import group_needs
from bot.desk.service import claim_payload
from bot.domain.chat_port import NeedKind, NeedStatus, UnmetNeed
from bot.domain.delivery import DeliveryResult, DeliveryStatus
from bot.domain.desk_port import CitizenPlace, StaffUser, Team
from bot.domain.lifecycle import LifecycleError, NeedAction, step
from bot.domain.routing import ready_to_route, team_for, wants_place
from handlers.app.server import make_server
from handlers.channels.webchat import WebChat
from tests.chat import Chat
from tests.contract.backends import BACKENDS
from tests.desk_helpers import small_services
from tests.web_helpers import updates_for, use_conversation

NOW = "2026-11-23T08:00:00+00:00"


def need(id=1, status=NeedStatus.NEW, team_id=1, claimed_by=None, question="q", kind=NeedKind.NO_ANSWER,
         created_at=NOW):
    return UnmetNeed(id, "u", "web", kind.value, status.value, question, None, None, None, None, created_at=created_at,
                     team_id=team_id, claimed_by=claimed_by)


def staff(id=1, role="member", team_id=1, active=True):
    return StaffUser(id, f"s{id}", f"S{id}", role, team_id, None, active, "h")


def team(id, province="ha-tinh", commune="", default=False):
    return Team(id, f"Tổ {id}", province, province, commune, None, default)


# ---- lifecycle rules


def test_claim_answer_close_with_who_and_when():
    s = step(need(), NeedAction.CLAIM, staff(7), NOW)
    assert s.expected == NeedStatus.NEW and s.changes == {"status": NeedStatus.ACKNOWLEDGED, "claimed_by": 7,
                                                           "claimed_at": NOW}
    claimed = need(status=NeedStatus.ACKNOWLEDGED, claimed_by=7)
    assert step(claimed, NeedAction.CLAIM, staff(7), NOW).is_noop  # pressed twice
    answered = step(claimed, NeedAction.ANSWER, staff(7), NOW, "Bạn ra công an xã.")
    assert answered.changes["status"] == NeedStatus.ANSWERED and answered.changes["answered_by"] == 7
    assert "claimed_by" not in answered.changes
    closed = step(need(status=NeedStatus.ANSWERED), NeedAction.CLOSE, staff(7), NOW)
    assert closed.changes == {"status": NeedStatus.CLOSED, "closed_by": 7, "closed_at": NOW}


def test_answering_an_unclaimed_need_claims_it():
    s = step(need(), NeedAction.ANSWER, staff(3), NOW, "trả lời")
    assert s.changes["claimed_by"] == 3 and s.changes["status"] == NeedStatus.ANSWERED


@pytest.mark.parametrize("the_need, actor, action, answer, why", [
    (need(status=NeedStatus.ACKNOWLEDGED, claimed_by=7), staff(8), NeedAction.CLAIM, None, "đã có người nhận"),
    (need(status=NeedStatus.ANSWERED), staff(1), NeedAction.CLAIM, None, "đã có người nhận"),
    (need(status=NeedStatus.CLOSED), staff(1), NeedAction.ANSWER, "x", "đã đóng"),
    (need(status=NeedStatus.CLOSED), staff(1), NeedAction.CLOSE, None, "đã đóng"),
    (need(team_id=2), staff(1, team_id=1), NeedAction.CLAIM, None, "không thuộc tổ"),
    (need(team_id=None), staff(1, team_id=1), NeedAction.CLAIM, None, "không thuộc tổ"),
    (need(), staff(1, active=False), NeedAction.CLAIM, None, "không thuộc tổ"),
    (need(), staff(1), NeedAction.ANSWER, "   ", "trống"),
])
def test_steps_the_rules_refuse(the_need, actor, action, answer, why):
    with pytest.raises(LifecycleError, match=why):
        step(the_need, action, actor, NOW, answer)


def test_admins_handle_every_team():
    assert step(need(team_id=5), NeedAction.CLAIM, staff(1, role="admin", team_id=None), NOW).changes


# ---- routing


def test_routing_prefers_commune_then_province_then_default():
    teams = [team(1, "ha-tinh", "Xã A"), team(2, "ha-tinh", "Xã B"), team(3, "dak-lak", ""), team(4, "gia-lai", "X", True)]
    assert team_for(teams, CitizenPlace("u", "ha-tinh", 2, False)).id == 2
    assert team_for(teams, CitizenPlace("u", "dak-lak", None, False)).id == 3
    assert team_for(teams, CitizenPlace("u", "ha-tinh", None, False)).id == 4  # two communes, no provincial team
    assert team_for(teams, CitizenPlace("u", None, None, True)).id == 4
    assert team_for(teams, None).id == 4
    assert team_for(teams[:2], None).id == 1  # no default flagged: the first team
    assert team_for([], None) is None


def test_the_place_question_is_asked_only_when_it_matters():
    two = [team(1), team(2)]
    assert wants_place(two, None, NeedKind.NO_ANSWER.value)
    assert not wants_place(two[:1], None, NeedKind.NO_ANSWER.value)
    assert not wants_place(two, CitizenPlace("u", None, None, True), NeedKind.HANDOFF.value)
    assert not wants_place(two, None, NeedKind.BAD_RATING.value)
    now = dt.datetime.fromisoformat(NOW)
    assert not ready_to_route(need(), two, None, now)
    assert ready_to_route(need(), two, None, now + dt.timedelta(minutes=11))  # never answered: routed anyway


# ---- grouping


def test_similar_questions_are_grouped_with_counts_and_wordings():
    questions = ["làm thẻ bhyt cho trẻ em trên vneid thế nào", "đăng ký khai sinh online",
                 "cách làm thẻ bhyt cho trẻ em trên vneid", "lam the bhyt cho tre em tren vneid the nao",
                 "đăng ký kết hôn online", "vneid", None]
    groups = group_needs([need(i, question=q) for i, q in enumerate(questions, 1)])
    assert [g.count for g in groups] == [3, 1, 1, 1, 1]
    assert groups[0].need_ids == (1, 3, 4) and groups[0].wordings == tuple(questions[i] for i in (0, 2, 3))
    assert {g.need_ids for g in groups[1:]} == {(2,), (5,), (6,), (7,)}


# ---- the desk on real storage, the real dialogue and the web channel


@pytest.fixture
def services(small_kb, tmp_path):
    return small_services(small_kb, tmp_path)


async def ask_team(services, user, text, channel="web"):
    chat = Chat(services.dialogue, user=user, channel=channel)
    await chat(text)
    await chat.press("Gửi câu hỏi cho tổ hỗ trợ")
    return chat


async def test_a_need_is_routed_by_the_citizens_choice_of_commune(services):
    storage = services.storage
    a = storage.add_team("Tổ Cẩm Xuyên", "ha-tinh", "Hà Tĩnh", "Xã Cẩm Xuyên")
    b = storage.add_team("Tổ Thạch Hà", "ha-tinh", "Hà Tĩnh", "Xã Thạch Hà", is_default=True)
    chat = await ask_team(services, "c1", "giá vàng hôm nay bao nhiêu")
    assert "Đã gửi" in chat.text() and "tỉnh, thành phố nào" in chat.text()
    assert services.desk.route_pending() == []  # waits for the citizen's answer
    await chat.press("Hà Tĩnh")
    assert "xã, phường nào" in chat.text()
    await chat.press("Xã Cẩm Xuyên")
    assert "Xã Cẩm Xuyên, Hà Tĩnh" in chat.text()
    [routed] = services.desk.route_pending()
    assert storage.need(routed.id).team_id == a.id != b.id
    chat2 = await ask_team(services, "c1", "giá xăng hôm nay")  # asked once only
    assert "tỉnh, thành phố nào" not in chat2.text()
    services.desk.route_pending()
    assert {n.team_id for n in storage.unmet_needs()} == {a.id}


async def test_skipping_the_place_routes_to_the_default_team(services):
    services.storage.add_team("Tổ 1", "ha-tinh", "Hà Tĩnh", "Xã 1")
    default = services.storage.add_team("Tổ 2", "dak-lak", "Đắk Lắk", "Xã 2", is_default=True)
    chat = await ask_team(services, "c2", "giá vàng hôm nay bao nhiêu")
    await chat.press("Bỏ qua")
    [routed] = services.desk.route_pending()
    assert services.storage.need(routed.id).team_id == default.id


async def test_one_clock_dates_the_question_the_need_and_its_routing(services):
    """bot.core.clock: the store, the dialogue and the desk read one injected clock (a fixed one here)."""
    from bot.core.clock import epoch
    from bot.desk.service import CommunityDesk

    fixed = "2026-12-01T09:30:00+00:00"
    services.storage.clock = services.dialogue._clock = lambda: epoch(fixed)
    desk = CommunityDesk(services.storage, services.deliverer, services.dialogue.record_team_answer,
                         clock=services.storage.clock)
    default = services.storage.add_team("Tổ 2", "dak-lak", "Đắk Lắk", "Xã 2", is_default=True)
    await ask_team(services, "c3", "cho e hoi gia vang hom nay bao nhieu a")   # one team: no place question
    [routed] = desk.route_pending()
    need = services.storage.need(routed.id)
    key = services.dialogue.user_key("web", "c3")
    assert need.team_id == default.id and need.created_at == need.routed_at == fixed
    assert {m["created_at"] for m in services.storage.recent_messages(key, 20)} == {fixed}
    assert services.storage.load_session(key).updated_at == epoch(fixed)
    assert [e.at for e in services.storage.need_events(need.id)] == [fixed]


async def test_stale_place_buttons_get_the_kind_reply(services):
    services.storage.add_team("Tổ 1", "ha-tinh", "Hà Tĩnh", "Xã 1")
    chat = Chat(services.dialogue)
    for payload in ("place:t:999", "place:p:khong-co", "place:x:ha-tinh", "place"):
        replies = await chat._send(Incoming("test", chat.user, payload=payload))
        assert "Nút này đã cũ" in replies[-1].text, payload


async def test_one_answer_reaches_everyone_waiting_and_can_be_rated(services):
    storage, desk = services.storage, services.desk
    t = storage.add_team("Tổ Cẩm Xuyên", "ha-tinh", "Hà Tĩnh", "Xã Cẩm Xuyên")
    member = storage.add_staff("lan", "Chị Lan", "h", "member", t.id)
    await ask_team(services, "w1", "làm thẻ bhyt cho trẻ em trên vneid thế nào")
    await ask_team(services, "w2", "cách làm thẻ bhyt cho trẻ em trên vneid")
    await ask_team(services, "z1", "lam the bhyt cho tre em tren vneid the nao", channel="zalo")
    await ask_team(services, "w3", "đăng ký kết hôn online")
    await desk.tick()   # routes them (showing the queue does not)
    [group, single] = desk.queue(member)
    assert group.count == 3 and single.count == 1
    app = make_server(services, [WebChat(services)])
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        outcomes = await desk.answer(member, group.need_ids, "Mở VNeID, chọn **Thủ tục hành chính** → Cấp thẻ BHYT.")
        assert [o.delivery.status for o in outcomes] == [DeliveryStatus.QUEUED, DeliveryStatus.QUEUED,
                                                         DeliveryStatus.UNDELIVERED]  # Zalo is not on here
        got = {u: await updates_for(client, services, u) for u in ("w1", "w2", "w3")}
        assert got["w3"] == []
        for u in ("w1", "w2"):
            assert "Chị Lan" not in got[u][0]["text"] and "Tổ Cẩm Xuyên trả lời" in got[u][0]["text"]
            assert "Thủ tục hành chính" in got[u][0]["text"] and len(got[u]) == 2
        up = next(b["payload"] for b in got["w1"][1]["buttons"] if "Hài lòng" in b["title"])
        use_conversation(client, services, "w1")
        r = await client.post("/api/chat", json={"user": "w1", "payload": up})
        assert "Cảm ơn bạn đã đánh giá" in (await r.json())["replies"][-1]["text"]
    answered = [storage.need(i) for i in group.need_ids]
    assert {n.status for n in answered} == {NeedStatus.ANSWERED.value}
    assert {n.answered_by for n in answered} == {member.id} and all(n.answered_at for n in answered)
    assert [n.delivery for n in answered] == ["fetched", "fetched", "undelivered"]  # both pages fetched it
    [rating] = storage.ratings()
    assert rating.answer_id == answered[0].answer_message_id and rating.value == "up"
    assert rating.question == "làm thẻ bhyt cho trẻ em trên vneid thế nào" and rating.entry_id is None
    assert [d["channel"] for d in storage.deliveries("undelivered")] == ["zalo"]
    assert [e.action for e in storage.need_events(answered[0].id)] == ["routed", "answer", "delivered"]
    assert desk.queue(member)[0].need_ids == single.need_ids
    # the answer is in the citizen's conversation once (not twice)
    texts = [m["text"] for m in storage.recent_messages(answered[0].user, 50)]
    assert sum("Thủ tục hành chính" in (t or "") for t in texts) == 1


async def test_a_member_cannot_answer_another_teams_need_and_nothing_is_sent(services):
    storage, desk = services.storage, services.desk
    a = storage.add_team("Tổ A", "ha-tinh", "Hà Tĩnh", "Xã A", is_default=True)
    b = storage.add_team("Tổ B", "dak-lak", "Đắk Lắk", "Xã B")
    outsider = storage.add_staff("b1", "B1", "h", "member", b.id)
    chat = await ask_team(services, "w1", "giá vàng hôm nay bao nhiêu")
    await chat.press("Bỏ qua")
    desk.route_pending()
    [n] = storage.unmet_needs()
    assert n.team_id == a.id and desk.queue(outsider) == []
    with pytest.raises(LifecycleError):
        await desk.answer(outsider, [n.id], "x")
    assert storage.need(n.id).status == NeedStatus.NEW.value and storage.deliveries() == []


class RecordingTelegram:
    """Stands in for the Telegram channel's Sender at the Sender seam (the full leg with python-telegram-bot
    and a fake Bot API is tests/test_desk_e2e.py::test_telegram_leg)."""
    channel = "telegram"

    def __init__(self):
        self.sent = []

    async def send(self, user, address, replies):
        self.sent.append((address, list(replies)))
        return DeliveryResult(DeliveryStatus.SENT)


async def test_new_needs_are_announced_once_in_the_team_group_and_claimed_from_there(small_kb, tmp_path):
    services = small_services(small_kb, tmp_path, public_url="https://dvc.example.gov.vn/")
    storage, desk = services.storage, services.desk
    t = storage.add_team("Tổ A", "ha-tinh", "Hà Tĩnh", "Xã A", telegram_chat_id="-100777")
    storage.add_team("Tổ B", "dak-lak", "Đắk Lắk", "Xã B")  # no group: web queue only
    member = storage.add_staff("lan", "Chị Lan", "h", "member", t.id, telegram_user_id="4242")
    await (await ask_team(services, "w1", "giá vàng hôm nay bao nhiêu")).press("Hà Tĩnh")
    await desk.tick()  # Telegram is off: routed and marked, nothing sent
    assert storage.needs_to_announce() == []
    telegram = services.deliverer.senders["telegram"] = RecordingTelegram()
    await (await ask_team(services, "w2", "giá xăng hôm nay bao nhiêu")).press("Hà Tĩnh")
    await (await ask_team(services, "w3", "giá điện hôm nay bao nhiêu")).press("Đắk Lắk")
    await desk.tick()
    await desk.tick()
    [(address, [reply])] = telegram.sent
    need_id = storage.unmet_needs()[1].id
    assert address == "-100777" and f"#{need_id}" in reply.text and "giá xăng" in reply.text
    assert [(b.title, b.payload) for b in reply.buttons] == [("Nhận xử lý", claim_payload(need_id))]
    assert f"https://dvc.example.gov.vn/admin/needs/{need_id}" in reply.text
    notice = await services.desk_action("telegram", "4242", claim_payload(need_id))
    assert "Chị Lan đã nhận xử lý" in notice and f"/admin/needs/{need_id}" in notice
    claimed = storage.need(need_id)
    assert claimed.status == NeedStatus.ACKNOWLEDGED.value and claimed.claimed_by == member.id and claimed.claimed_at
    assert "đã có người nhận" not in await services.desk_action("telegram", "4242", claim_payload(need_id))
    assert "chưa gắn" in await services.desk_action("telegram", "999", claim_payload(need_id))
    assert "cũ" in await services.desk_action("telegram", "4242", "desk:claim:abc")
    assert storage.audit_log()[0].action == "need.claim" and storage.audit_log()[0].username == "lan"


# ---- privacy duties and login throttling


def test_the_daily_purge_runs_once_a_day_across_workers(tmp_path):
    from bot.domain.retention import purge_if_due
    from tests.builders import open_storage
    from tests.contract.threads import together

    worker_a, worker_b = open_storage(tmp_path / "shared.db"), open_storage(tmp_path / "shared.db")
    ran = together([lambda: purge_if_due(worker_a, 365), lambda: purge_if_due(worker_b, 365)])
    assert sorted(r is None for r in ran) == [False, True]   # at once: one worker runs it, the other sees it ran
    assert purge_if_due(worker_a, 365) is None               # and later today neither runs it again
    assert [a.action for a in worker_b.audit_log()] == ["purge"]


def test_failed_logins_wait_longer_and_longer():
    from bot.desk.accounts import FREE_ATTEMPTS, MAX_WAIT_S, throttle_wait

    now = 10_000.0
    assert throttle_wait([now - 1] * (FREE_ATTEMPTS - 1), now) == 0
    waits = [throttle_wait([now] * n, now) for n in range(FREE_ATTEMPTS, FREE_ATTEMPTS + 12)]
    assert waits[0] == 2 and waits == sorted(waits) and waits[-1] == MAX_WAIT_S
    assert throttle_wait([now - 3] * FREE_ATTEMPTS, now) == 0  # waited long enough


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
async def test_the_desk_tick_in_two_workers_routes_and_announces_each_need_once(backend, tmp_path):
    """Every worker runs the desk loop (handlers.admin.site): it is idempotent rather than claimed."""
    import asyncio

    from bot.desk.service import CommunityDesk
    from bot.domain.delivery import Deliverer

    class Group:   # the team's Telegram group, as the Telegram sender would reach it
        def __init__(self):
            self.sent: list[str] = []

        async def send(self, user, address, replies):
            await asyncio.sleep(0.01)
            self.sent += [r.text for r in replies]
            return DeliveryResult(DeliveryStatus.SENT)

    first = backend.open(tmp_path)
    workers = [first, backend.again(first)]
    first.add_team("Tổ Thạch Hà", "ha-tinh", "Hà Tĩnh", "", telegram_chat_id="-100123", is_default=True)
    needs = [first.add_unmet_need(f"u{i}", "web", NeedKind.NO_ANSWER, question=f"lam cccd cho con lan {i} o dau a")
             for i in range(6)]
    group = Group()
    desks = [CommunityDesk(w, Deliverer(w, {"telegram": group}), lambda *a: (0, [])) for w in workers]
    for _ in range(3):
        await asyncio.gather(*(d.tick() for d in desks))
    for n in needs:
        events = [e.action for e in first.need_events(n.id)]
        assert events.count("routed") == 1 and events.count("announced") == 1, (n.id, events)
    assert len(group.sent) == len(needs) and len(set(group.sent)) == len(needs)
