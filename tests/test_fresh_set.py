"""bench/fresh_set.jsonl and bench/fresh2_set.jsonl stay valid labelled sets (see bench/fresh_set.md): their labels
name existing entries, and their registers say what the text is, so the bench's figures by register mean what they
say."""
from __future__ import annotations

import json

import pytest

from indexer.knowledge import load_knowledge
from tests.conftest import REPO
from tests.test_citizen_set import INTENTS, REGISTER_TAGS, has_diacritics

ASKED = {"fresh_set.jsonl": 3, "fresh2_set.jsonl": 2}   # each entry is asked this many times


@pytest.fixture(scope="module", params=sorted(ASKED))
def named_rows(request) -> tuple[str, list[dict]]:
    text = (REPO / "bench" / request.param).read_text(encoding="utf-8")
    return request.param, [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def rows(named_rows) -> list[dict]:
    return named_rows[1]


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


def test_every_entry_is_asked_as_often_as_the_others(named_rows):
    name, rows = named_rows
    firsts = [r["entries"][0] for r in rows if not r.get("oos")]
    assert all(firsts.count(e) == ASKED[name] for e in firsts)


def test_registers_say_what_the_text_is(rows):
    for r in rows:
        marks, *tags = r["register"].split("+")
        assert marks in ("diac", "nodiac") and set(tags) <= REGISTER_TAGS | {"regional"}, r["id"]
        assert has_diacritics(r["q"]) == (marks == "diac"), r["id"]
