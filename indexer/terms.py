"""Two staff-edited tables that travel inside each build (like ngoai-pham-vi.yaml):

- knowledge/thuat-ngu.yaml: the glossary. "OTP là gì" is answered in one or two sentences, with the related entry.
- knowledge/chuyen-tiep.yaml: referrals. A subject we do not cover, who handles it and where.

Every row names its source and date; an entry it points to must exist. Phrases are matched folded (no diacritics,
lowercase, punctuation as spaces), whole words only.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from indexer.knowledge import KnowledgeError, Problem
from indexer.vntext import fold

GLOSSARY_FILE = "thuat-ngu.yaml"
REFERRALS_FILE = "chuyen-tiep.yaml"
_NOT_WORD = re.compile(r"[^\w]+")


def phrase_key(text: str) -> str:
    """"Mã OTP!" → "ma otp": how phrases and messages are compared."""
    return " ".join(_NOT_WORD.sub(" ", fold(str(text)).lower()).replace("_", " ").split())


@dataclass(frozen=True)
class Term:
    name: str
    text: str
    aliases: tuple[str, ...]   # folded
    entry: str | None
    source: str
    date: dt.date


@dataclass(frozen=True)
class Referral:
    subject: str
    who: str
    text: str
    keywords: tuple[str, ...]  # folded
    unless: tuple[str, ...]    # folded
    entry: str | None
    source: str
    date: dt.date


def outside_phrases(words: list[str], phrases: frozenset[str], longest: int = 4) -> list[str]:
    """The words not inside one of the phrases, matched longest first (up to `longest` words)."""
    left, i = [], 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            if " ".join(words[i:i + n]) in phrases:
                i += n
                break
        else:
            left.append(words[i])
            i += 1
    return left


def _load(folder: Path, name: str, key: str) -> list | None:
    path = Path(folder) / name
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise KnowledgeError([Problem(name, "(tệp)", f"tệp không đọc được: {exc}")]) from exc
    rows = data.get(key) if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise KnowledgeError([Problem(name, key, f"cần mục '{key}:' gồm danh sách các dòng, mỗi dòng bắt đầu bằng '- '")])
    return rows


class _Row:
    """Reads one row's fields, noting every problem with the file and the row's name."""

    def __init__(self, file: str, n: int, row: object, name_field: str, problems: list[Problem]) -> None:
        self.file, self.problems = file, problems
        self.row = row if isinstance(row, dict) else {}
        name = self.row.get(name_field)
        self.where = f"{n}. {name}" if isinstance(name, str) and name.strip() else f"dòng {n}"
        if not isinstance(row, dict):
            self.bad("(dòng)", "mỗi dòng phải gồm các trường như ví dụ đầu tệp")

    def bad(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, f"{self.where} · {field}", message))

    def text(self, field: str, what: str) -> str:
        value = self.row.get(field)
        if not isinstance(value, str) or not value.strip():
            self.bad(field, f"thiếu {what}")
            return ""
        return " ".join(value.split())

    def phrases(self, field: str, required: bool) -> tuple[str, ...]:
        value = self.row.get(field)
        if value is None and not required:
            return ()
        if not isinstance(value, list) or not value or not all(isinstance(v, (str, int)) and phrase_key(v)
                                                               for v in value):
            self.bad(field, "cần một danh sách cụm từ không để trống, ví dụ [otp, mã otp]")
            return ()
        return tuple(dict.fromkeys(phrase_key(v) for v in value))

    def date(self) -> dt.date:
        value = self.row.get("ngay")
        if not isinstance(value, dt.date):
            self.bad("ngay", "thiếu ngày rà soát, dạng NĂM-THÁNG-NGÀY (ví dụ 2026-12-03)")
            return dt.date.min
        return value

    def entry(self, entry_ids: set[str] | None) -> str | None:
        value = self.row.get("muc")
        if value is None:
            return None
        if not isinstance(value, str) or (entry_ids is not None and value not in entry_ids):
            self.bad("muc", f"không có mục kiến thức id '{value}'")
            return None
        return value


def read_glossary(folder: Path, entry_ids: set[str] | None = None) -> list[Term]:
    """The glossary's terms, in file order; none when the file is absent. Raises KnowledgeError listing every
    problem (with the term's name); entry ids are checked when given."""
    rows = _load(folder, GLOSSARY_FILE, "thuat_ngu")
    if rows is None:
        return []
    problems: list[Problem] = []
    terms = []
    for n, raw in enumerate(rows, 1):
        r = _Row(GLOSSARY_FILE, n, raw, "ten", problems)
        terms.append(Term(r.text("ten", "tên thuật ngữ"), r.text("giai_thich", "lời giải thích"),
                          r.phrases("cach_goi", True), r.entry(entry_ids), r.text("nguon", "nguồn"), r.date()))
    seen: dict[str, str] = {}
    for t in terms:
        for a in t.aliases:
            if a in seen and seen[a] != t.name:
                problems.append(Problem(GLOSSARY_FILE, f"{t.name} · cach_goi",
                                        f"cách gọi '{a}' trùng với thuật ngữ '{seen[a]}'"))
            seen.setdefault(a, t.name)
    if problems:
        raise KnowledgeError(problems)
    return terms


def read_referrals(folder: Path, entry_ids: set[str] | None = None) -> list[Referral]:
    """The referral table, in file order (the first row that matches is used); none when the file is absent."""
    rows = _load(folder, REFERRALS_FILE, "chuyen_tiep")
    if rows is None:
        return []
    problems: list[Problem] = []
    out = []
    for n, raw in enumerate(rows, 1):
        r = _Row(REFERRALS_FILE, n, raw, "chu_de", problems)
        out.append(Referral(r.text("chu_de", "tên chủ đề"), r.text("ai", "cơ quan giải quyết"),
                            r.text("tra_loi", "câu trả lời"), r.phrases("tu_khoa", True), r.phrases("tru", False),
                            r.entry(entry_ids), r.text("nguon", "nguồn"), r.date()))
    if problems:
        raise KnowledgeError(problems)
    return out
