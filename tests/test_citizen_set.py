"""bench/citizen_set.jsonl stays a valid labelled set with a fixed, honest holdout (see bench/citizen_set.md)."""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter

import pytest

from indexer.knowledge import load_knowledge
from indexer.vntext import fold
from tests.conftest import REPO

SET_FILE = REPO / "bench" / "citizen_set.jsonl"
INTENTS = {"how", "what", "compare", "failed", "where", "cost", "time", "who", "other"}
REGISTER_TAGS = {"teen", "voice", "typo", "context"}
IN_SCOPE_FIELDS = {"id", "q", "entries", "split", "register", "intent"}
OOS_FIELDS = {"id", "q", "entries", "oos", "split", "topic", "register"}


def load_set() -> list[dict]:
    rows = []
    for n, line in enumerate(SET_FILE.read_text(encoding="utf-8").splitlines(), 1):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            pytest.fail(f"line {n} is not JSON: {exc}")
        assert isinstance(row, dict), f"line {n} is not a JSON object"
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return load_set()


@pytest.fixture(scope="module")
def in_scope(rows) -> list[dict]:
    return [r for r in rows if not r.get("oos")]


@pytest.fixture(scope="module")
def out_of_scope(rows) -> list[dict]:
    return [r for r in rows if r.get("oos")]


@pytest.fixture(scope="module")
def entry_ids() -> set[str]:
    entries, _ = load_knowledge(REPO / "knowledge")
    return {e.id for e in entries}


def words(text: str) -> str:
    """Folded words only, so a copy that differs in case, marks or punctuation still counts as a copy."""
    return " ".join(re.findall(r"\w+", fold(text)))


def has_diacritics(text: str) -> bool:
    decomposed = unicodedata.normalize("NFD", text)
    return any("\u0300" <= ch <= "\u036f" for ch in decomposed) or "đ" in text.lower()


def test_ids_are_unique_and_numbered_in_file_order(rows):
    ids = [r.get("id") for r in rows]
    assert len(ids) == len(set(ids)), [i for i, c in Counter(ids).items() if c > 1]
    for prefix, kind in (("c", False), ("o", True)):
        numbered = [r["id"] for r in rows if bool(r.get("oos")) == kind]
        assert numbered == [f"{prefix}{n:03d}" for n in range(1, len(numbered) + 1)], f"{prefix}-ids out of order"


def test_in_scope_rows_are_labelled_with_existing_entries(in_scope, entry_ids):
    for r in in_scope:
        assert set(r) == IN_SCOPE_FIELDS, (r["id"], set(r) ^ IN_SCOPE_FIELDS)
        assert r["entries"] and len(r["entries"]) == len(set(r["entries"])), r["id"]
        assert set(r["entries"]) <= entry_ids, (r["id"], set(r["entries"]) - entry_ids)
        assert r["intent"] in INTENTS, (r["id"], r["intent"])


def test_out_of_scope_rows_name_a_topic_and_no_entry(out_of_scope):
    for r in out_of_scope:
        assert set(r) == OOS_FIELDS, (r["id"], set(r) ^ OOS_FIELDS)
        assert r["oos"] is True and r["entries"] == [], r["id"]
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", r["topic"]), (r["id"], r["topic"])


def test_register_says_truthfully_whether_diacritics_were_typed(rows):
    for r in rows:
        first, *tags = r["register"].split("+")
        assert first == ("diac" if has_diacritics(r["q"]) else "nodiac"), (r["id"], r["register"], r["q"])
        assert set(tags) <= REGISTER_TAGS and len(tags) == len(set(tags)), (r["id"], r["register"])


def test_sizes_and_mix(in_scope, out_of_scope):
    assert len(in_scope) >= 210
    assert len(out_of_scope) >= 60
    assert sum(r["register"].startswith("nodiac") for r in in_scope) * 2 >= len(in_scope)


def test_every_entry_is_asked_in_tuning_and_in_holdout(in_scope, entry_ids):
    for split in ("tune", "holdout"):
        asked = {e for r in in_scope if r["split"] == split for e in r["entries"]}
        assert entry_ids <= asked, (split, sorted(entry_ids - asked))


@pytest.mark.parametrize("kind", [False, True], ids=["in-scope", "out-of-scope"])
def test_every_third_question_of_each_kind_is_held_out(rows, kind):
    group = [r for r in rows if bool(r.get("oos")) == kind]
    for r in group:
        number = int(r["id"][1:])
        assert r["split"] == ("holdout" if number % 3 == 0 else "tune"), (r["id"], r["split"])
    assert sum(r["split"] == "holdout" for r in group) == len(group) // 3


def test_questions_are_new(rows):
    seen = Counter(words(r["q"]) for r in rows)
    assert not [q for q, c in seen.items() if c > 1], "repeated questions"
    entries, _ = load_knowledge(REPO / "knowledge")
    older = {words(q) for e in entries for q in e.questions}
    for name in ("calibration.jsonl", "holdout.jsonl"):
        for line in (REPO / "bench" / name).read_text(encoding="utf-8").splitlines():
            older.add(words(json.loads(line)["q"]))
    copied = [r["id"] for r in rows if words(r["q"]) in older]
    assert not copied, f"copied from entries or older bench sets: {copied}"
