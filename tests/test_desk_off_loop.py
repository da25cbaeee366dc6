"""The desk never waits for the database on the event loop, and showing the queue writes nothing (issue 20).

Real SQLite file, the real dialogue and desk on a small knowledge set with the fake embedder.
"""
import asyncio

import pytest

from bot.desk.service import CommunityDesk, claim_payload
from bot.domain.chat_port import NeedStatus
from bot.domain.delivery import DeliveryResult, DeliveryStatus
from tests.chat import Chat
from tests.desk_helpers import small_services


class OnLoopCalls:
    """The real storage, noting every call made on the event loop's thread (where it would stop every chat)."""

    def __init__(self, storage) -> None:
        self._storage = storage
        self.on_loop: list[str] = []

    def __getattr__(self, name: str):
        real = getattr(self._storage, name)

        def call(*args, **kwargs):
            try:
                asyncio.get_running_loop()
                self.on_loop.append(name)
            except RuntimeError:   # a worker thread: where blocking calls belong
                pass
            return real(*args, **kwargs)

        return call if callable(real) else real


class RecordingTelegram:
    channel = "telegram"

    def __init__(self) -> None:
        self.sent = []

    async def send(self, user, address, replies):
        self.sent.append((address, list(replies)))
        return DeliveryResult(DeliveryStatus.SENT)


@pytest.fixture
def services(small_kb, tmp_path):
    return small_services(small_kb, tmp_path)


async def ticket(services, user: str, text: str) -> int:
    chat = Chat(services.dialogue, user=user, channel="web")
    await chat(text)
    await chat.press("Gửi câu hỏi cho tổ hỗ trợ")
    return services.storage.unmet_needs()[-1].id


async def test_every_desk_step_reaches_the_database_off_the_event_loop(services):
    storage = services.storage
    team = storage.add_team("Tổ A", "ha-tinh", "Hà Tĩnh", "Xã A", telegram_chat_id="-100777", is_default=True)
    member = storage.add_staff("lan", "Chị Lan", "h", "member", team.id, telegram_user_id="4242")
    spy = OnLoopCalls(storage)
    services.deliverer.senders["telegram"] = telegram = RecordingTelegram()
    desk = CommunityDesk(spy, services.deliverer, services.dialogue.record_team_answer,
                         public_url="https://dvc.example.gov.vn")
    answered, closed = await ticket(services, "w1", "giá vàng hôm nay bao nhiêu"), \
        await ticket(services, "w2", "giá xăng hôm nay bao nhiêu")
    await desk.tick()
    assert len(telegram.sent) == 2
    assert "Chị Lan" in await desk.staff_action("telegram", "4242", claim_payload(answered))
    [outcome] = await desk.answer(member, [answered], "Xem giá tại ngân hàng.")
    [gone] = await desk.close_and_tell(member, [closed], "Ngoài phạm vi hỗ trợ.")
    assert outcome.need.status == NeedStatus.ANSWERED.value and gone.status == NeedStatus.CLOSED.value
    assert spy.on_loop == []


async def test_showing_the_queue_writes_nothing_and_the_tick_routes(services):
    storage = services.storage
    storage.add_team("Tổ A", "ha-tinh", "Hà Tĩnh", "Xã A", is_default=True)
    admin = storage.add_staff("an", "An", "h", "admin")
    need_id = await ticket(services, "w1", "giá vàng hôm nay bao nhiêu")
    changes = storage.db.conn.total_changes
    services.desk.queue(admin)
    services.desk.group_of(admin, storage.need(need_id))
    assert storage.db.conn.total_changes == changes and storage.need(need_id).routed_at is None
    await services.desk.tick()
    [group] = services.desk.queue(admin)
    assert group.need_ids == (need_id,) and storage.need(need_id).routed_at
