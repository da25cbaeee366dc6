"""From a team's answer to live knowledge: propose, review, approve (validated like the indexer), the running
bot switches without a restart; revert puts the file and the index back."""
import asyncio

import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer

from bot.desk.drafts import KnowledgePublisher
from bot.domain.lifecycle import Role
from handlers.app.server import make_server
from handlers.channels.webchat import WebChat
from indexer.knowledge import load_knowledge
from tests.desk_helpers import admin_site, login, post_form, small_services

PASSWORD = "mat-khau-du-dai-1"
QUESTION = "Xin cấp lại sổ bảo hiểm xã hội bị mất ở đâu?"
ANSWER = "1. Mở ứng dụng VssID.\n2. Chọn **Cấp lại sổ BHXH** và làm theo hướng dẫn."


async def ask(client, user, text):
    r = await client.post("/api/chat", json={"user": user, "text": text})
    return (await r.json())["replies"]


async def wait_for(predicate, seconds=30.0):
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return False


@pytest.fixture
async def desk(small_kb, tmp_path):
    services = small_services(small_kb, tmp_path)
    site = admin_site(services, tick_seconds=0.05)
    team = services.storage.add_team("Tổ Cẩm Xuyên", "ha-tinh", "Hà Tĩnh", "Xã Cẩm Xuyên", is_default=True)
    site.accounts.create_user("admin1", PASSWORD, Role.ADMIN.value)
    site.accounts.create_user("lan", PASSWORD, Role.MEMBER.value, team.id)
    async with TestClient(TestServer(make_server(services, [WebChat(services), site]), host="127.0.0.1")) as client:
        yield services, client, small_kb


async def test_an_approved_answer_becomes_live_knowledge_and_a_revert_takes_it_back(desk):
    services, client, kb = desk
    storage = services.storage
    for user, text in (("c1", QUESTION), ("c2", "mất sổ bảo hiểm xã hội thì xin lại ở đâu")):
        replies = await ask(client, user, text)
        assert "chưa có hướng dẫn" in replies[-1]["text"]
        button = next(b for b in replies[-1]["buttons"] if b.get("payload") == "ask_team")
        await client.post("/api/chat", json={"user": user, "payload": button["payload"]})
    assert await wait_for(lambda: all(n.team_id for n in storage.unmet_needs()))  # routed by the server's loop
    first = storage.unmet_needs()[0]

    await login(client, "lan", PASSWORD)
    need_page = f"/admin/needs/{first.id}"
    r = await post_form(client, need_page, f"{need_page}/answer",
                        {"answer": ANSWER, "need_ids": [str(n.id) for n in storage.unmet_needs()]})
    assert r.status == 303
    r = await post_form(client, need_page, f"{need_page}/propose", {"topic": "thanh-toan"})
    draft_page = r.headers["Location"]
    draft = storage.drafts()[0]
    assert draft.questions == (QUESTION, "mất sổ bảo hiểm xã hội thì xin lại ở đâu") and draft.body == ANSWER.strip()
    await post_form(client, draft_page, draft_page, {
        "entry_id": draft.entry_id, "title": "Cấp lại sổ BHXH bị mất", "topic": "thanh-toan",
        "questions": "\n".join(draft.questions + ("cấp lại sổ bhxh",)), "body": draft.body,
        "links": "", "sources": "Quyết định 1351/QĐ-BHXH"})

    await login(client, "admin1", PASSWORD)
    page = await (await client.get(draft_page)).text()
    assert "[links]" in page and "cần ít nhất 1 mục" in page  # the indexer's own message, before approving
    r = await post_form(client, draft_page, draft_page + "/approve")
    assert r.status == 422 and not list(kb.rglob(f"{draft.entry_id}.md"))
    await post_form(client, draft_page, draft_page, {
        "entry_id": draft.entry_id, "title": "Cấp lại sổ BHXH bị mất", "topic": "thanh-toan",
        "questions": "\n".join(draft.questions + ("cấp lại sổ bhxh",)), "body": draft.body,
        "links": "Ứng dụng VssID | https://baohiemxahoi.gov.vn", "sources": "Quyết định 1351/QĐ-BHXH"})
    r = await post_form(client, draft_page, draft_page + "/approve")
    assert r.status == 303, await r.text()

    path = kb / "thanh-toan" / f"{draft.entry_id}.md"
    front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    assert front["reviewer"] == "admin1" and front["reviewed"] and front["questions"][0] == QUESTION
    assert path.stat().st_mode & 0o777 == 0o644  # knowledge is public: readable like the rest of the folder
    entries, _ = load_knowledge(kb)  # the folder still validates as a whole
    assert draft.entry_id in {e.id for e in entries}
    assert await wait_for(lambda: draft.entry_id in services.library().entries)  # no restart
    replies = await ask(client, "c3", QUESTION)
    answer = next(r["text"] for r in replies if "Cấp lại sổ BHXH bị mất" in r["text"])
    assert "VssID" in answer and "https://baohiemxahoi.gov.vn" in str(replies)
    actions = [a.action for a in storage.audit_log()]
    assert {"draft.create", "draft.edit", "knowledge.approve", "knowledge.rebuild"} <= set(actions)

    r = await post_form(client, draft_page, draft_page + "/revert")
    assert r.status == 303 and not path.exists()
    assert await wait_for(lambda: draft.entry_id not in services.library().entries)
    assert "Cấp lại sổ BHXH" not in str(await ask(client, "c4", QUESTION))
    assert storage.drafts()[0].status == "reverted" and storage.audit_log()[0].action == "knowledge.rebuild"
    assert any(a.action == "knowledge.revert" for a in storage.audit_log())


async def test_reverting_an_edit_of_an_existing_file_restores_its_text(desk):
    services, client, kb = desk
    existing = kb / "vneid" / "dang-ky-muc-2.md"
    existing.parent.mkdir(exist_ok=True)
    original = (kb / "dang-ky-muc-2.md").read_text(encoding="utf-8")
    (kb / "dang-ky-muc-2.md").rename(existing)
    admin = services.storage.staff_by_username("admin1")
    publisher = KnowledgePublisher(services.storage, kb, services.settings.index_dir, lambda: None, lambda: False)
    draft = services.storage.add_draft((), "dang-ky-muc-2", "Đăng ký định danh mức 2 (sửa)", "vneid",
                                       ("a một", "b hai", "c ba"), "Nội dung mới.",
                                       ({"title": "VNeID", "url": "https://vneid.gov.vn"},), ({"title": "NĐ 69"},),
                                       admin.id, "draft")
    publisher.approve(admin, draft.id, replace=True)   # the admin ticked "thay thế mục hiện có"
    assert "Nội dung mới." in existing.read_text(encoding="utf-8")
    publisher.revert(admin, draft.id)
    assert existing.read_text(encoding="utf-8") == original



async def test_a_teams_answer_is_proposed_for_its_province_and_published_as_local(desk):
    services, client, kb = desk
    storage = services.storage
    await ask(client, "c9", QUESTION)
    await client.post("/api/chat", json={"user": "c9", "payload": "ask_team"})
    assert await wait_for(lambda: all(n.team_id for n in storage.unmet_needs()))
    need = storage.unmet_needs()[0]
    await login(client, "lan", PASSWORD)
    page = f"/admin/needs/{need.id}"
    await post_form(client, page, f"{page}/answer", {"answer": ANSWER, "need_ids": str(need.id)})
    r = await post_form(client, page, f"{page}/propose", {"topic": "thanh-toan"})
    draft = storage.drafts()[0]
    assert draft.provinces == ("ha-tinh",)          # the Cẩm Xuyên team's answer holds in Hà Tĩnh
    html = await (await client.get(r.headers["Location"])).text()
    assert 'name="provinces" value="ha-tinh" checked' in html and "Áp dụng: Hà Tĩnh" in html
    storage.update_draft(draft.id, "draft", {"links": ({"title": "VssID", "url": "https://vssid.vn"},),
                                             "sources": ({"title": "Quyết định 1351/QĐ-BHXH"},),
                                             "questions": draft.questions + ("mất sổ bhxh", "xin lại sổ bhxh")})
    admin = storage.staff_by_username("admin1")
    publisher = KnowledgePublisher(storage, kb, services.settings.index_dir, lambda: None, lambda: False)
    approved = publisher.approve(admin, draft.id)
    front = yaml.safe_load((kb / approved.file_path).read_text(encoding="utf-8").split("---")[1])
    assert front["provinces"] == ["ha-tinh"]
