"""The real knowledge/ folder: schema, https links, unique ids, no near-duplicate questions."""
import datetime as dt

from bot.normalize import Synonyms
from indexer.check import check_knowledge, near_duplicates
from indexer.knowledge import SYNONYMS_FILE, load_knowledge
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
