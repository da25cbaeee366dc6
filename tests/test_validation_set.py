"""bench/validation.jsonl: a second citizen-register set, written later and independently, with a fixed split
(odd ids tune, even ids check; see bench/citizen_set.md). The check half is reported, never tuned on."""
from __future__ import annotations

import json

from indexer.knowledge import load_knowledge
from tests.conftest import REPO
from tests.test_citizen_set import IN_SCOPE_FIELDS, INTENTS, OOS_FIELDS, REGISTER_TAGS, has_diacritics, words

SET_FILE = REPO / "bench" / "validation.jsonl"


def rows() -> list[dict]:
    return [json.loads(line) for line in SET_FILE.read_text(encoding="utf-8").splitlines()]


def test_rows_are_well_formed_and_labelled_with_existing_entries():
    entries, _ = load_knowledge(REPO / "knowledge")
    ids = {e.id for e in entries}
    found = rows()
    for prefix, oos in (("v", False), ("w", True)):
        kind = [r for r in found if bool(r.get("oos")) == oos]
        assert [r["id"] for r in kind] == [f"{prefix}{n:03d}" for n in range(1, len(kind) + 1)]
        for r in kind:
            assert set(r) == (OOS_FIELDS if oos else IN_SCOPE_FIELDS), r["id"]
            assert r["split"] == ("tune" if int(r["id"][1:]) % 2 else "check"), r["id"]
            first, *tags = r["register"].split("+")
            assert first == ("diac" if has_diacritics(r["q"]) else "nodiac") and set(tags) <= REGISTER_TAGS, r["id"]
            if oos:
                assert r["entries"] == [] and r["topic"], r["id"]
            else:
                assert r["entries"] and set(r["entries"]) <= ids and r["intent"] in INTENTS, r["id"]
    assert sum(not r.get("oos") for r in found) >= 170 and sum(bool(r.get("oos")) for r in found) >= 50


def test_questions_are_new():
    """Not a copy of an entry's own questions or of any other labelled set (after folding)."""
    entries, _ = load_knowledge(REPO / "knowledge")
    older = {words(q) for e in entries for q in e.questions}
    for name in ("calibration.jsonl", "holdout.jsonl", "citizen_set.jsonl"):
        older |= {words(json.loads(line)["q"]) for line in (REPO / "bench" / name).read_text(encoding="utf-8").splitlines()}
    mine = [words(r["q"]) for r in rows()]
    assert len(mine) == len(set(mine)), "repeated questions"
    assert not [q for q in mine if q in older]
