"""Staff merge a paraphrase the automatic grouping missed and split one it wrongly grouped; one answer then
reaches exactly the group they chose."""
from tests.desk_helpers import login, post_form
from tests.test_desk_handling import PASSWORD, client, desk, updates, web_ticket  # noqa: F401  (fixtures)


async def test_a_paraphrase_is_merged_by_hand_and_answered_with_its_group(desk, client):  # noqa: F811
    services, _, _ = desk
    _, first = await web_ticket(services, "w1", "hạn chót nộp thuế đất năm nay là ngày nào")
    _, second = await web_ticket(services, "w2", "đến bao giờ thì phải đóng tiền sử dụng đất")
    groups = services.desk.queue(services.storage.staff_by_username("lan"))
    assert len(groups) == 2                                   # different words: not grouped automatically
    await login(client, "lan", PASSWORD)
    r = await post_form(client, f"/admin/needs/{second.id}", f"/admin/needs/{second.id}/regroup",
                        {"with_need": f"#{first.id}"})
    assert r.status == 303
    [group] = services.desk.queue(services.storage.staff_by_username("lan"))
    assert group.need_ids == (first.id, second.id)
    page = await (await client.get(f"/admin/needs/{first.id}")).text()
    assert "cho cả nhóm (2 người)" in page
    await post_form(client, f"/admin/needs/{first.id}", f"/admin/needs/{first.id}/answer",
                    {"answer": "Hạn là 31/12.", "need_ids": [str(first.id), str(second.id)]})
    assert "31/12" in await updates(client, services, "w1") and "31/12" in await updates(client, services, "w2")
    assert any(a.action == "need.regroup" for a in services.storage.audit_log())


async def test_a_wrongly_grouped_question_is_split_out(desk, client):  # noqa: F811
    services, _, _ = desk
    _, first = await web_ticket(services, "w3", "làm thẻ bhyt cho trẻ em trên vneid thế nào")
    _, second = await web_ticket(services, "w4", "làm thẻ bhyt cho trẻ em trên vneid thế nào ạ")
    lan = services.storage.staff_by_username("lan")
    assert [g.count for g in services.desk.queue(lan)] == [2]
    await login(client, "lan", PASSWORD)
    r = await post_form(client, f"/admin/needs/{second.id}", f"/admin/needs/{second.id}/regroup", {"split": "1"})
    assert r.status == 303
    assert sorted(g.count for g in services.desk.queue(lan)) == [1, 1]
