"""bench/fresh_set.jsonl stays a valid labelled set (see bench/fresh_set.md): its labels name existing entries, and
its registers say what the text is, so the bench's figures by register mean what they say."""
from __future__ import annotations

import json

import pytest

from indexer.knowledge import load_knowledge
from tests.conftest import REPO
from tests.test_citizen_set import INTENTS, REGISTER_TAGS, has_diacritics

SET_FILE = REPO / "bench" / "fresh_set.jsonl"


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [json.loads(line) for line in SET_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_ids_are_unique_and_every_row_is_for_tuning(rows):
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    assert {r["split"] for r in rows} == {"tune"}   # a check half would have to be read never: none is kept


def test_labels_name_existing_entries_and_out_of_scope_rows_none(rows):
    entries, _ = load_knowledge(REPO / "knowledge")
    known = {e.id for e in entries}
    for r in rows:
        if r.get("oos"):
            assert r["entries"] == [] and r["topic"], r["id"]
        else:
            assert r["entries"] and set(r["entries"]) <= known, (r["id"], set(r["entries"]) - known)
            assert r["intent"] in INTENTS, r["id"]


def test_every_entry_is_asked_three_times(rows):
    firsts = [r["entries"][0] for r in rows if not r.get("oos")]
    assert all(firsts.count(e) == 3 for e in firsts)


def test_registers_say_what_the_text_is(rows):
    for r in rows:
        marks, *tags = r["register"].split("+")
        assert marks in ("diac", "nodiac") and set(tags) <= REGISTER_TAGS, r["id"]
        assert has_diacritics(r["q"]) == (marks == "diac"), r["id"]
