"""The real knowledge/ folder: schema, https links, unique ids, no near-duplicate questions."""
import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.core.wording import WORDING_FILE
from bot.reading.flows import load_flows
from bot.retrieval.normalize import Synonyms
from indexer.check import check_knowledge, near_duplicates
from indexer.knowledge import RETIRED_PORTAL_PAGE, SYNONYMS_FILE, load_knowledge
from indexer.links import urls_in_text
from tests.conftest import REPO

KB = REPO / "knowledge"


def test_real_knowledge_passes_check():
    report, catalog = check_knowledge(KB)
    assert report.problems == [] and report.duplicates == [] and report.stale == []
    assert report.empty_topics == []
    assert sum(report.per_topic.values()) >= 30


def test_every_entry_has_sources_https_links_and_recent_review():
    entries, _ = load_knowledge(KB)
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids))
    for e in entries:
        assert e.sources, e.id
        assert all(link.url.startswith("https://") for link in e.links), e.id
        assert all(s.url is None or s.url.startswith("https://") for s in e.sources), e.id
        assert (dt.date.today() - e.reviewed).days <= 365, e.id


def test_answers_fit_a_phone_screen():
    entries, _ = load_knowledge(KB)
    for e in entries:
        steps = [line for line in e.body.splitlines() if line[:2].rstrip(".").isdigit()]
        assert len(steps) <= 8, f"{e.id}: {len(steps)} bước"


def test_no_entry_presents_expired_fee_reductions_as_current():
    """Reductions that ended on 31/12/2025 must be stated with their end date."""
    entries, _ = load_knowledge(KB)
    for e in entries:
        if "90%" in e.body or "50%" in e.body:
            assert "2025" in e.body, e.id


def test_near_duplicate_detector_flags_copies():
    entries, _ = load_knowledge(KB)
    a, b = entries[0], entries[1]
    from dataclasses import replace
    copy = replace(b, questions=(a.questions[0] + " ?", *b.questions[1:]))
    assert near_duplicates([a, copy])


def test_synonyms_file_loads():
    syn = Synonyms.load(KB / SYNONYMS_FILE)
    assert syn.abbreviations["ko"] == "không" and syn.abbreviations["dk"] == "đăng ký"
    assert syn.abbreviations["cccd"] == "căn cước công dân"
    assert "cho em hỏi" in syn.fillers


PORTAL = "https://dichvucong.gov.vn"
PROCEDURE_PAGE = re.compile(r"^https://dichvucong\.gov\.vn/thu-tuc-hanh-chinh/([0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})$")


def portal_link_problem(url: str) -> str | None:
    """Why a link to the national portal is not one a citizen can open today (None if it is)."""
    if RETIRED_PORTAL_PAGE.match(url):
        return "trang /p/ cũ"
    if not url.startswith(PORTAL):
        return None
    parts = urlsplit(url)
    if parts.path in ("", "/") and not parts.query:
        return None
    if parts.path == "/tim-kiem-thu-tuc-hanh-chinh":
        query = parse_qs(parts.query, keep_blank_values=True)
        return None if set(query) <= {"keyword"} and all(v.strip() for v in query.get("keyword", [])) else "tìm kiếm sai"
    return None if PROCEDURE_PAGE.match(url) else "trang chưa kiểm chứng"


def test_every_link_is_one_a_citizen_can_open_today():
    entries, _ = load_knowledge(KB)
    bad = [(e.id, link.url, portal_link_problem(link.url)) for e in entries for link in (*e.links, *e.sources)
           if link.url and portal_link_problem(link.url)]
    assert bad == []


def test_wording_links_are_current_portal_pages():
    urls = urls_in_text(WORDING_FILE.read_text(encoding="utf-8"))
    assert urls, "wording.yaml should link the portal's search page"
    assert [(u, portal_link_problem(u)) for u in urls if portal_link_problem(u)] == []


def test_a_procedure_page_id_is_never_guessed():
    """Every formalityId in a link is named in that entry's sources, with where it came from."""
    entries, _ = load_knowledge(KB)
    for e in entries:
        for link in e.links:
            match = PROCEDURE_PAGE.match(link.url)
            if match:
                assert any(match[1] in s.title for s in e.sources), f"{e.id}: nguồn của {match[1]}?"


@pytest.mark.parametrize("url, problem", [
    ("https://dichvucong.gov.vn/p/home/dvc-trang-chu.html", "trang /p/ cũ"),
    ("https://dichvucong.gov.vn/tim-kiem-thu-tuc-hanh-chinh?keyword=", "tìm kiếm sai"),
    ("https://dichvucong.gov.vn/tim-kiem-thu-tuc-hanh-chinh?key=khai%20sinh", "tìm kiếm sai"),
    ("https://dichvucong.gov.vn/thu-tuc-hanh-chinh/1234", "trang chưa kiểm chứng"),
    ("https://dichvucong.gov.vn/tim-kiem-thu-tuc-hanh-chinh?keyword=kh%E1%BA%A3i%20sinh", None),
    ("https://dichvucong.gov.vn", None),
])
def test_portal_link_rule_itself(url, problem):
    assert portal_link_problem(url) == problem


def test_every_entry_the_flows_name_is_in_the_knowledge():
    """The readiness check's to-do entries and the self look-up guide offered with a refusal must exist: a renamed
    entry would silently drop the button."""
    flows = load_flows()
    ids = {e.id for e in load_knowledge(REPO / "knowledge")[0]}
    named = [q.entry for q in flows.readiness] + [flows.self_lookup_entry]
    assert all(named) and set(named) <= ids, set(named) - ids
