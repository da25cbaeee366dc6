"""Check that every link a citizen may tap still opens a real page (`dvcbot check --links`).

This module judges pages and keeps the books (which entry shows which link, `links_checked`);
the caller fetches over HTTP (handlers/app/linkcheck.py), so indexer stays free of network libraries.
A status code alone is not enough: the national portal's retired pages answer HTTP 200 with
"trang không tồn tại". So a page is dead when it fails to load, ends on an error status after
redirects, says it does not exist, or has no text at all. A page whose text is drawn only by
JavaScript cannot be judged without a browser: it is "chưa rõ", reported and not stamped, but
it does not fail the check.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from html.parser import HTMLParser
from pathlib import Path

from indexer.knowledge import KnowledgeEntry, load_knowledge
from indexer.vntext import fold

NOT_FOUND_PHRASES = ("khong ton tai", "not found", "khong tim thay trang", "khong tim thay noi dung",
                     "page does not exist", "loi 404", "error 404")
MIN_TEXT_CHARS = 40  # less visible text than this is not a real page
SHORT_PAGE_CHARS = 2000  # an error page is short; a long page may mention "không tồn tại" in passing
_URL = re.compile(r"https?://[^\s\"'<>)]+")
_FRONT_END = re.compile(r"\r?\n---[ \t]*(\r?\n|\Z)")


class Verdict(Enum):
    OK = "tốt"
    DEAD = "hỏng"
    UNCLEAR = "chưa rõ"


@dataclass(frozen=True)
class LinkResult:
    url: str
    verdict: Verdict
    reason: str  # plain Vietnamese, for staff
    final_url: str | None = None
    status: int | None = None


class _VisibleText(HTMLParser):
    """Text a reader sees (title included), without scripts and styles; counts <script> tags."""

    HIDDEN = ("script", "style", "noscript", "template")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.title: list[str] = []
        self.scripts = 0
        self._hidden = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
            self.scripts += tag == "script"
        self._in_title = self._in_title or tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.chunks.append(data)
            if self._in_title:
                self.title.append(data)


def judge_page(url: str, status: int, final_url: str, html: str) -> LinkResult:
    """Verdict on a page that loaded (after redirects)."""
    moved = "" if final_url == url else f" (chuyển tới {final_url})"
    if status >= 400:
        return LinkResult(url, Verdict.DEAD, f"lỗi HTTP {status}{moved}", final_url, status)
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    text = " ".join(" ".join(parser.chunks).split())
    where = fold(" ".join(parser.title)).lower() + " " + (fold(text).lower() if len(text) < SHORT_PAGE_CHARS else "")
    phrase = next((p for p in NOT_FOUND_PHRASES if p in where), None)
    if phrase:
        return LinkResult(url, Verdict.DEAD, f"trang báo «{phrase}» dù trả HTTP {status}{moved}", final_url, status)
    if len(text) < MIN_TEXT_CHARS:
        if parser.scripts:
            return LinkResult(url, Verdict.UNCLEAR, f"nội dung chỉ hiện bằng JavaScript: mở thử bằng trình duyệt{moved}",
                              final_url, status)
        return LinkResult(url, Verdict.DEAD, f"trang trống, không có nội dung{moved}", final_url, status)
    return LinkResult(url, Verdict.OK, f"HTTP {status}{moved}", final_url, status)


@dataclass
class LinkReport:
    results: dict[str, LinkResult]
    owners: dict[str, list[str]]  # url -> entry files (or other files) that show it
    passed: list[KnowledgeEntry] = field(default_factory=list)  # entries whose links all opened
    stamped: list[str] = field(default_factory=list)

    def by_verdict(self, verdict: Verdict) -> list[LinkResult]:
        return [r for r in self.results.values() if r.verdict is verdict]

    @property
    def ok(self) -> bool:
        return not self.by_verdict(Verdict.DEAD)

    def lines(self) -> list[str]:
        out = []
        for label, verdict in (("HỎNG", Verdict.DEAD), ("CHƯA RÕ", Verdict.UNCLEAR)):
            for r in self.by_verdict(verdict):
                out.append(f"{label} {r.url}: {r.reason}")
                out += [f"      dùng ở {owner}" for owner in self.owners[r.url]]
        out += [f"ĐÃ GHI links_checked vào {path}" for path in self.stamped]
        dead, unclear = len(self.by_verdict(Verdict.DEAD)), len(self.by_verdict(Verdict.UNCLEAR))
        out.append(f"Đã kiểm tra {len(self.results)} đường dẫn: {len(self.results) - dead - unclear} tốt, "
                   f"{dead} hỏng, {unclear} chưa rõ.")
        out.append("Kiểm tra đường dẫn đạt." if self.ok else "Kiểm tra đường dẫn KHÔNG đạt: hãy sửa các đường dẫn hỏng.")
        return out


def urls_in_text(text: str) -> list[str]:
    """Web addresses written in a data file (e.g. bot/core/wording.yaml)."""
    return [u.rstrip(".,;") for u in _URL.findall(text)]


def stamp_links_checked(path: Path, day: dt.date) -> None:
    """Write `links_checked: <day>` in the front matter; every other byte of the file stays as it was."""
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    end = _FRONT_END.search(text)
    if not text.lstrip("\ufeff").startswith("---") or not end:
        raise ValueError(f"{path}: không thấy phần đầu YAML")
    head = text[:end.start()]
    newline = "\r\n" if "\r\n" in head else "\n"
    line = f"links_checked: {day.isoformat()}"
    existing = re.search(r"^links_checked:[^\r\n]*", head, re.M)
    if existing:
        head = head[:existing.start()] + line + head[existing.end():]
    else:
        head = head + newline + line
    path.write_bytes((head + text[end.start():]).encode("utf-8"))


Fetch = Callable[[list[str]], dict[str, LinkResult]]  # urls -> verdict for each


def check_links(knowledge_dir: Path, fetch: Fetch, extra: dict[str, list[str]] | None = None, stamp: bool = False,
                today: dt.date | None = None) -> LinkReport:
    """Check the `links` of every entry (plus `extra` {file: urls}); optionally stamp entries that passed."""
    entries, _ = load_knowledge(knowledge_dir)
    owners: dict[str, list[str]] = {}
    for e in entries:
        for link in e.links:
            owners.setdefault(link.url, []).append(e.path)
    for name, urls in (extra or {}).items():
        for url in urls:
            owners.setdefault(url, []).append(name)
    results = fetch(list(owners))
    report = LinkReport(results, owners)
    report.passed = [e for e in entries if all(results[link.url].verdict is Verdict.OK for link in e.links)]
    if stamp:
        for e in report.passed:
            stamp_links_checked(Path(knowledge_dir) / e.path, today or dt.date.today())
            report.stamped.append(e.path)
    return report
