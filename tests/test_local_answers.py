"""A team's local answer holds only where the team works (issue 19, finding 4): an approved Cẩm Xuyên (Hà Tĩnh)
answer is never served to a citizen of Đắk Lắk, nor to one whose province is not known."""
import datetime as dt

import pytest

from bot.desk.drafts import entry_file_text
from bot.dialogue import Dialogue
from bot.domain.desk_port import KnowledgeDraft
from bot.retrieval.library import KnowledgeLibrary
from indexer.build import build_index
from indexer.knowledge import load_catalog, parse_entry
from tests.builders import open_storage
from tests.chat import Chat
from tests.conftest import FAKE_MODEL, FakeEmbedder, fake_answerer

QUESTION = "Bộ phận một cửa xã Cẩm Xuyên làm việc thứ bảy không?"


def draft(provinces: tuple[str, ...]) -> KnowledgeDraft:
    return KnowledgeDraft(
        id=1, status="draft", need_ids=(1,), entry_id="mot-cua-cam-xuyen", title="Giờ làm việc một cửa xã Cẩm Xuyên",
        topic="vneid", questions=(QUESTION, "mot cua cam xuyen thu bay co lam khong", "Cẩm Xuyên làm thứ bảy à"),
        body="Bộ phận một cửa xã Cẩm Xuyên làm việc sáng thứ bảy, 7 giờ 30 đến 11 giờ 30.",
        links=({"title": "Cổng DVC Hà Tĩnh", "url": "https://dichvucong.hatinh.gov.vn"},),
        sources=({"title": "Tổ hỗ trợ xã Cẩm Xuyên, 3/12/2026"},), created_by=1, created_at="", updated_at="",
        reviewer_id=None, approved_at=None, file_path=None, previous_text=None, reverted_at=None,
        provinces=provinces)


@pytest.fixture
def kb(small_kb):
    topics = small_kb / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8") + "  dak-lak: Đắk Lắk\n", encoding="utf-8")
    (small_kb / "mot-cua-cam-xuyen.md").write_text(entry_file_text(draft(("ha-tinh",)), "thu", dt.date(2026, 12, 3)),
                                                   encoding="utf-8")
    return small_kb


@pytest.fixture
def answerer(kb, tmp_path):
    build_index(kb, tmp_path / "index", FAKE_MODEL, FakeEmbedder, progress=False)
    return fake_answerer(tmp_path / "index", FakeEmbedder())


def test_an_approved_team_answer_is_marked_local_to_its_province(kb):
    entry, problems = parse_entry(kb / "mot-cua-cam-xuyen.md", kb, load_catalog(kb))
    assert not problems and entry.local and entry.provinces == ("ha-tinh",)
    assert "local" not in entry_file_text(draft(()), "thu", dt.date(2026, 12, 3))   # no province: everywhere


def test_local_without_a_province_is_reported(kb):
    path = kb / "mot-cua-cam-xuyen.md"
    path.write_text(path.read_text(encoding="utf-8").replace("provinces:\n- ha-tinh\n", ""), encoding="utf-8")
    _, problems = parse_entry(path, kb, load_catalog(kb))
    assert [p.field for p in problems] == ["local"]


def test_a_local_answer_is_offered_only_in_its_province(answerer):
    def found(province):
        a = answerer.ask(QUESTION, province)
        return [e.id for e in ((a.entry,) if a.entry else a.options)]
    assert found("ha-tinh") == ["mot-cua-cam-xuyen"]
    assert "mot-cua-cam-xuyen" not in found("dak-lak")
    assert "mot-cua-cam-xuyen" not in found(None)      # province not known, none set for the deployment


async def test_a_citizen_is_offered_the_local_answer_of_the_province_they_live_in(answerer, tmp_path):
    storage = open_storage(tmp_path / "dvcbot.db")
    dialogue = Dialogue(KnowledgeLibrary(tmp_path / "index", lambda: answerer), storage, b"test-secret")
    far, near = Chat(dialogue, user="o-dak-lak"), Chat(dialogue, user="o-ha-tinh")
    storage.save_place(dialogue.user_key("test", "o-dak-lak"), "dak-lak", None, skipped=False)
    storage.save_place(dialogue.user_key("test", "o-ha-tinh"), "ha-tinh", None, skipped=False)
    await far(QUESTION)
    assert "7 giờ 30" not in far.text()
    await near(QUESTION)
    assert "7 giờ 30" in near.text()
