"""SIGTERM with work queued: webhooks refused from then on, acknowledged turns answered, kept for the next
start, or recorded undelivered; never lost. The real server and python-telegram-bot against the fake APIs."""
import asyncio
import json

from handlers.runtime.shutdown import ShutdownClock
from tests.fake_telegram import message_update
from tests.test_telegram import SECRET, SECRET_HEADER, _update_ids, api, hook_services, kb, post_to, running  # noqa: F401
from tests.test_zalo import USER, Zalo, fake, kb_services, text_event, zalo_on  # noqa: F401

PHONE = "0912345678"
QUEUED = ["xin chào", f"số của tôi là {PHONE}", "cảm ơn"]   # one citizen, one after the other


def parked(services, channel: str) -> list[dict]:
    return [json.loads(event) for _, event in services.storage.parked_turns(channel)]


async def test_zalo_turns_not_begun_are_kept_redacted_and_answered_at_the_next_start(zalo_on, fake):
    fake.delay = 0.5  # the first turn is still sending when the server stops; the others wait behind it
    zalo_on.shutdown = ShutdownClock(start_turns_s=0.1, finish_s=30)
    async with Zalo(zalo_on, fake) as zalo:
        for text in QUEUED:
            assert (await zalo.post(text_event(text))).status == 200
        while not fake.attempts:
            await asyncio.sleep(0.02)
    kept = parked(zalo_on, "zalo")
    assert [e["user"] for e in kept] == [USER, USER] and PHONE not in json.dumps(kept, ensure_ascii=False)
    answered = len(fake.to(USER))
    fake.delay = 0
    async with Zalo(zalo_on, fake) as zalo:
        await zalo.channel.drain()
    assert len(fake.to(USER)) == answered + 2 and parked(zalo_on, "zalo") == []
    stored = [r["text"] for r in zalo_on.storage.db["messages"].rows_where("direction = 'in'", order_by="id")]
    assert stored[0] == "xin chào" and stored[-1] == "cảm ơn" and len(stored) == 3 and PHONE not in stored[1]


async def test_zalo_webhook_refused_once_shutdown_began(zalo_on, fake):
    async with Zalo(zalo_on, fake) as zalo:
        zalo_on.shutdown.begin()
        r = await zalo.post(text_event("quen mat khau"))
        await zalo.channel.drain()
    assert r.status == 503 and fake.attempts == [] and zalo_on.storage.db["messages"].count == 0


async def test_telegram_updates_not_begun_are_kept_and_answered_at_the_next_start(kb, api, tmp_path):
    services = hook_services(kb, api, tmp_path)
    services.shutdown = ShutdownClock(start_turns_s=0.1, finish_s=30)
    api.delay = 0.5
    async with running(services) as (client, _):
        deliver = post_to(client)
        for text in QUEUED:
            await deliver(message_update(next(_update_ids), text))
        while not api.sent():
            await asyncio.sleep(0.02)
    kept = parked(services, "telegram")
    assert len(kept) == 2 and PHONE not in json.dumps(kept, ensure_ascii=False)
    answered = len(api.sent())
    api.delay = 0
    async with running(services):
        await api.wait_for("sendMessage", answered + 2)
        await api.settle()
    assert len(api.sent()) == answered + 2 and parked(services, "telegram") == []
    assert services.storage.db["messages"].count_where("direction = 'in'") == 3


async def test_telegram_webhook_refused_once_shutdown_began(kb, api, tmp_path):
    services = hook_services(kb, api, tmp_path)
    async with running(services) as (client, _):
        services.shutdown.begin()
        r = await client.post("/telegram/webhook", json=message_update(next(_update_ids), "quen mat khau"),
                              headers={SECRET_HEADER: SECRET})
    assert r.status == 503 and not api.sent() and services.storage.db["messages"].count == 0
