"""`dvcbot ask --json`: `links` and `suggestions` are exactly what the printed answer shows."""
import dataclasses
import re

import pytest

from handlers.app.cli import answer_json
from indexer.build import build_index
from tests.conftest import FAKE_MODEL, REPO, FakeEmbedder, fake_answerer

LINKS = "".join(f"  - title: Trang {i}\n    url: https://example.gov.vn/{i}\n" for i in range(1, 6))


@pytest.fixture
def answerer(small_kb, tmp_path):
    path = small_kb / "quen-mat-khau.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - title: VNeID\n    url: https://vneid.gov.vn\n", LINKS), encoding="utf-8")
    build_index(small_kb, tmp_path / "index", FAKE_MODEL, FakeEmbedder, progress=False)
    return fake_answerer(tmp_path / "index", FakeEmbedder())


def shown_links(row: dict) -> list[dict]:
    return [{"title": t, "url": u} for t, u in re.findall(r"^🔗 (.*?): (\S+)$", row["answer"], re.M)]


def decide(answerer, **thresholds):
    """The fake embedder's cosines are not e5's: the thresholds say which kind of reply a test gets."""
    answerer.decision = dataclasses.replace(answerer.decision, **thresholds)
    return answerer


def test_an_answer_lists_the_link_buttons_it_shows_not_every_link_of_the_entry(answerer):
    decide(answerer, answer_at=0.0, clarify_at=0.0, rival_at=2.0, outside_margin=0.0)
    row = answer_json(answerer.ask("Quên mật khẩu VNeID thì làm sao?"))
    assert row["entry_id"] == "quen-mat-khau"
    assert row["links"] == shown_links(row) == [{"title": f"Trang {i}", "url": f"https://example.gov.vn/{i}"}
                                                for i in (1, 2, 3)]


def test_dont_know_lists_the_portal_search_it_shows(answerer):
    row = answer_json(answerer.ask("giá vàng hôm nay bao nhiêu"))
    assert not row["matched"] and row["suggestions"] == [] and row["options"] == []
    assert row["links"] == shown_links(row) and "keyword=" in row["links"][0]["url"]


def test_suggestions_are_the_numbered_choices_of_did_you_mean(answerer):
    decide(answerer, answer_at=2.0, clarify_at=0.0)
    row = answer_json(answerer.ask("vneid"))
    numbered = re.findall(r"^\[\d+\] (.*)$", row["answer"], re.M)
    assert row["suggestions"] and numbered[:len(row["suggestions"])] == row["suggestions"]
    assert [o["title"] for o in row["options"]] == row["suggestions"] and row["links"] == shown_links(row) == []


def test_the_readme_documents_every_field(answerer):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("`dvcbot ask --json` fields", 1)[1].split("\n\n", 2)[1]
    documented = {name for line in table.splitlines() for name in re.findall(r"`(\w+)`", line.split(" | ")[0])}
    assert documented == set(answer_json(answerer.ask("vneid")))
