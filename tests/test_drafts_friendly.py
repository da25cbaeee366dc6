"""The draft page as a volunteer reads it: no YAML, no file names to invent, no greeting or hidden personal data
carried into an entry; replacing a reviewed entry is explicit, with what changes; a reverted draft can be fixed."""
import pytest

from bot.desk.drafts import MAX_ID, DraftError, KnowledgePublisher, entry_id_for
from tests.desk_helpers import login, post_form
from tests.test_desk_knowledge import PASSWORD, desk  # noqa: F401  (fixture)


def test_a_long_title_gives_an_id_cut_between_words():
    title = "Hướng dẫn đăng ký thường trú cho trẻ em mới sinh khi cha mẹ đang tạm trú ở tỉnh khác"
    made = entry_id_for(title, set())
    assert len(made) <= MAX_ID and "huong-dan-dang-ky-thuong-tru-cho-tre-em-moi-sinh".startswith(made[:40])
    folded = "huong-dan-dang-ky-thuong-tru-cho-tre-em-moi-sinh-khi-cha-me-dang-tam-tru-o-tinh-khac"
    assert folded.startswith(made) and folded[len(made)] == "-"      # ends where a word ends


def publisher(services, kb):
    return KnowledgePublisher(services.storage, kb, services.settings.index_dir, lambda: None, lambda: False)


async def test_a_volunteers_draft_has_no_greeting_no_yaml_and_no_hidden_data(desk):  # noqa: F811
    services, client, kb = desk
    lan = services.storage.staff_by_username("lan")
    draft = publisher(services, kb).propose(lan, (), ("mất sổ bhxh xin lại ở đâu",),
                                            "Chào bác, bác mở VssID, chọn Cấp lại sổ. Gọi [số điện thoại] nếu cần.",
                                            "thanh-toan")
    assert draft.body == "Bác mở VssID, chọn Cấp lại sổ. Gọi [số điện thoại] nếu cần."
    await login(client, "lan", PASSWORD)
    page = await (await client.get(f"/admin/drafts/{draft.id}")).text()
    assert "Mã mục" not in page and 'name="entry_id"' not in page and "reviewer:" not in page
    assert "[số điện thoại]" in page and "còn chỗ đã che thông tin cá nhân" in page
    r = await post_form(client, f"/admin/drafts/{draft.id}", f"/admin/drafts/{draft.id}",
                        {"title": "Cấp lại sổ BHXH bị mất khi đang ở xa nơi đăng ký thường trú ban đầu của mình",
                         "topic": "thanh-toan", "questions": "a b\nc d\ne f", "body": "Mở VssID.",
                         "links": "", "sources": ""})
    assert r.status in (303, 422)
    saved = services.storage.draft(draft.id)
    assert saved.entry_id == entry_id_for(saved.title, set())          # the file name follows the title


async def test_replacing_a_reviewed_entry_is_explicit_with_a_diff(desk):  # noqa: F811
    services, client, kb = desk
    admin = services.storage.staff_by_username("admin1")
    existing = kb / "vneid" / "dang-ky-muc-2.md"
    existing.parent.mkdir(exist_ok=True)
    (kb / "dang-ky-muc-2.md").rename(existing)
    original = existing.read_text(encoding="utf-8")
    draft = services.storage.add_draft((), "dang-ky-muc-2", "Đăng ký định danh mức 2", "vneid",
                                       ("a một", "b hai", "c ba"), "Nội dung mới với đường dẫn giả.",
                                       ({"title": "VNeID", "url": "https://vneid.example"},), ({"title": "NĐ 69"},),
                                       admin.id, "draft")
    with pytest.raises(DraftError, match="thay thế mục hiện có"):
        publisher(services, kb).approve(admin, draft.id)
    assert existing.read_text(encoding="utf-8") == original
    await login(client, "admin1", PASSWORD)
    page = await (await client.get(f"/admin/drafts/{draft.id}")).text()
    assert "sẽ thay thế mục hiện có" in page and "+Nội dung mới với đường dẫn giả." in page
    r = await post_form(client, f"/admin/drafts/{draft.id}", f"/admin/drafts/{draft.id}/approve")
    assert r.status == 422 and existing.read_text(encoding="utf-8") == original
    r = await post_form(client, f"/admin/drafts/{draft.id}", f"/admin/drafts/{draft.id}/approve", {"replace": "1"})
    assert r.status == 303 and "Nội dung mới" in existing.read_text(encoding="utf-8")


async def test_a_reverted_draft_can_be_edited_again(desk):  # noqa: F811
    services, client, kb = desk
    admin = services.storage.staff_by_username("admin1")
    draft = services.storage.add_draft((), "muc-moi-thu", "Mục mới thử", "vneid", ("a một", "b hai", "c ba"),
                                       "Nội dung.", ({"title": "VNeID", "url": "https://vneid.gov.vn"},),
                                       ({"title": "NĐ 69"},), admin.id, "draft")
    p = publisher(services, kb)
    p.approve(admin, draft.id)
    p.revert(admin, draft.id)
    await login(client, "admin1", PASSWORD)
    r = await post_form(client, f"/admin/drafts/{draft.id}", f"/admin/drafts/{draft.id}/reopen")
    assert r.status == 303 and services.storage.draft(draft.id).status == "draft"
    page = await (await client.get(f"/admin/drafts/{draft.id}")).text()
    assert 'name="body"' in page
