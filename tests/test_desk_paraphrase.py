"""The desk groups the same need asked in other words (the embedder's cosine next to the string ratio) and keeps
look-alike needs apart; staff's own merge or split still comes first, and without a tuned threshold for the
model (the fake embedder) the grouping is the string ratio's alone, as before."""
import dataclasses

import numpy as np
import pytest
from aiohttp.test_utils import TestClient, TestServer
from rapidfuzz import fuzz

from bot.desk.grouping import SAME_NEED_AT, QuestionVectors, cosine_for, group_needs
from bot.desk.service import CommunityDesk
from bot.domain.chat_port import NeedKind
from bot.domain.lifecycle import Role
from handlers.app.server import make_server
from handlers.channels.webchat import WebChat
from indexer.embedder import BUNDLED, model_id_for
from indexer.vntext import fold
from tests.conftest import FAKE_MODEL, FakeEmbedder
from tests.desk_helpers import admin_site, login, small_services
from tests.test_desk_core import need, staff

PASSWORD = "mat-khau-du-dai-1"
# the same need in other words: the folded token-set ratio is far below SAME_NEED_AT
LOST_CARD = ("mất căn cước thì làm lại ở chỗ nào", "lam lai cccd bi mat o dau a")
OTHER = "doi mat khau vneid the nao"


def by_topic(texts: list[str]) -> np.ndarray:
    """A stand-in for a model that reads both wordings of LOST_CARD as one meaning."""
    return np.array([[0.0, 1.0] if "vneid" in fold(t) else [1.0, 0.0] for t in texts], dtype=np.float32)


def test_a_paraphrase_the_string_ratio_misses_is_grouped_by_the_cosine():
    assert fuzz.token_set_ratio(fold(LOST_CARD[0]), fold(LOST_CARD[1])) < SAME_NEED_AT
    needs = [need(1, question=LOST_CARD[0]), need(2, question=OTHER), need(3, question=LOST_CARD[1])]
    assert [g.need_ids for g in group_needs(needs)] == [(1,), (2,), (3,)]            # no embedder: as before
    assert [g.need_ids for g in group_needs(needs, vectors=by_topic)] == [(1,), (2,), (3,)]  # no threshold either
    grouped = group_needs(needs, vectors=by_topic, cosine_at=0.9)
    assert [g.need_ids for g in grouped] == [(1, 3), (2,)]
    assert grouped[0].wordings == (LOST_CARD[0], LOST_CARD[1])


def test_staff_splitting_a_need_out_beats_the_cosine():
    needs = [need(1, question=LOST_CARD[0]), dataclasses.replace(need(2, question=LOST_CARD[1]), group_with=0)]
    assert [g.need_ids for g in group_needs(needs, vectors=by_topic, cosine_at=0.9)] == [(1,), (2,)]


def test_each_question_is_embedded_once_however_often_the_queue_is_read(small_kb, tmp_path):
    embedder = FakeEmbedder(BUNDLED)                  # the fake, under the id of a model with a chosen threshold
    vectors = QuestionVectors(lambda: embedder)
    assert vectors.cosine_at == cosine_for(model_id_for(BUNDLED)) is not None
    first = vectors(["a b", "c d", "a b"])
    again = vectors(["c d", "a b", "e f"])
    assert embedder.embedded == ["a b", "c d", "e f"]
    assert np.allclose(first[0], again[1]) and np.allclose(np.linalg.norm(again, axis=1), 1.0)

    services = small_services(small_kb, tmp_path)
    desk = CommunityDesk(services.storage, services.deliverer, services.dialogue.record_team_answer,
                         vectors=QuestionVectors(lambda: embedder))
    team = services.storage.add_team("Tổ Cẩm Xuyên", "ha-tinh", "Hà Tĩnh", "", is_default=True)
    for user, question in (("w1", LOST_CARD[0]), ("w2", LOST_CARD[1]), ("w3", LOST_CARD[1]), ("w4", OTHER)):
        services.storage.add_unmet_need(user, "web", NeedKind.NO_ANSWER, question)
    desk.route_pending()
    embedder.embedded.clear()
    admin = staff(1, role=Role.ADMIN.value, team_id=None)
    for _ in range(3):
        desk.queue(admin, team.id)
    assert sorted(embedder.embedded) == sorted([LOST_CARD[0], LOST_CARD[1], OTHER])


def test_a_model_without_a_chosen_threshold_groups_by_the_string_ratio_only(small_kb, tmp_path):
    services = small_services(small_kb, tmp_path)
    assert cosine_for(model_id_for(FAKE_MODEL)) is None
    team = services.storage.add_team("Tổ Cẩm Xuyên", "ha-tinh", "Hà Tĩnh", "", is_default=True)
    for user, question in (("w1", LOST_CARD[0]), ("w2", LOST_CARD[1])):
        services.storage.add_unmet_need(user, "web", NeedKind.NO_ANSWER, question)
    services.desk.route_pending()
    embedded = list(services.library().embedder.embedded)
    groups = services.desk.queue(staff(1, role=Role.ADMIN.value, team_id=None), team.id)
    assert [g.count for g in groups] == [1, 1]
    assert services.library().embedder.embedded == embedded                          # nothing embedded for it


# ---- the real model (the one `dvcbot serve` loads by default)


@pytest.mark.slow
def test_the_real_model_groups_paraphrases_and_keeps_look_alikes_apart(real_answerer):
    vectors = QuestionVectors(lambda: real_answerer.embedder)
    normalize = lambda text: real_answerer.normalizer.normalize(text).text  # noqa: E731  (as the app wires it)

    def together(a: str, b: str) -> tuple[bool, bool]:
        needs = [need(1, question=a), need(2, question=b)]
        alone = len(group_needs(needs, normalize)) == 1
        with_cosine = len(group_needs(needs, normalize, vectors=vectors, cosine_at=vectors.cosine_at)) == 1
        return alone, with_cosine

    assert vectors.cosine_at is not None
    assert together("vneid bao sai ngay sinh sua the nao",
                    "thông tin ngày sinh trên vneid bị sai thì chỉnh ở đâu") == (False, True)
    assert together("lam the bhyt cho tre em o dau", "đăng ký bảo hiểm y tế cho bé ở đâu ạ") == (False, True)
    assert together("đổi số điện thoại vneid", "đổi mật khẩu vneid") == (False, False)
    assert together("lam ho chieu mat bao lau", "lam cccd mat bao lau") == (False, False)


@pytest.mark.slow
async def test_the_queue_page_shows_a_paraphrase_as_one_group(services):
    site = admin_site(services)
    team = services.storage.add_team("Tổ Cẩm Xuyên", "ha-tinh", "Hà Tĩnh", "Xã Cẩm Xuyên", is_default=True)
    site.accounts.create_user("lan", PASSWORD, Role.MEMBER.value, team.id, name="Chị Lan")
    wordings = ("vneid bao sai ngay sinh sua the nao", "thông tin ngày sinh trên vneid bị sai thì chỉnh ở đâu",
                "đổi số điện thoại vneid")
    needs = [services.storage.add_unmet_need(f"w{i}", "web", NeedKind.NO_ANSWER, q) for i, q in enumerate(wordings)]
    services.desk.route_pending()
    async with TestClient(TestServer(make_server(services, [WebChat(services), site]), host="127.0.0.1")) as client:
        await login(client, "lan", PASSWORD)
        queue = await (await client.get("/admin/queue")).text()
        tickets = queue.split('<li class="ticket')
        [pair] = [t for t in tickets if wordings[0] in t]
        assert "2 người" in pair and wordings[1] in pair and wordings[2] not in pair
        page = await (await client.get(f"/admin/needs/{needs[1].id}")).text()
        assert "cho cả nhóm (2 người)" in page


def test_one_word_swapped_is_another_need_for_both_measures():
    lost, worn = need(1, question="cap lai cccd o dau a"), need(2, question="cap doi cccd o dau a")
    assert fuzz.token_set_ratio("cap lai cccd o dau a", "cap doi cccd o dau a") >= SAME_NEED_AT
    assert [g.count for g in group_needs([lost, worn])] == [1, 1]
    assert [g.count for g in group_needs([lost, worn], vectors=by_topic, cosine_at=0.9)] == [1, 1]
    polite = need(3, question="cap lai cccd o dau nhe")                  # a particle swapped: the same need
    assert [g.need_ids for g in group_needs([lost, worn, polite])] == [(1, 3), (2,)]
