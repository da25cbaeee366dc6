"""`dvcbot check --links` against a real aiohttp server on 127.0.0.1 that plays good, dead and soft-404 pages."""
import asyncio
import datetime as dt
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from handlers.app.cli import main
from handlers.app.linkcheck import check_urls, fetch_pages
from indexer.knowledge import Link, load_knowledge
from indexer.links import Verdict, check_links, judge_page, stamp_links_checked
from tests.conftest import write_entry

GOOD = ("<html><head><title>Thủ tục đăng ký khai sinh</title></head><body><h1>Đăng ký khai sinh</h1>"
        "<p>Trình tự thực hiện, thành phần hồ sơ, thời hạn giải quyết và lệ phí của thủ tục.</p></body></html>")
LONG_GOOD = GOOD.replace("</body>", "<p>" + "Hướng dẫn chi tiết từng bước. " * 100
                         + "Trường hợp giấy tờ không tồn tại thì ghi rõ lý do.</p></body>")
SOFT_404 = ("<html><head><title>Cổng Dịch vụ công quốc gia</title></head><body><div class='err'>"
            "Trang không tồn tại hoặc đã bị xóa. Quay lại trang chủ.</div></body></html>")
NOT_FOUND_TITLE = "<html><head><title>404 Not Found</title></head><body><p>nginx</p></body></html>"
SPA_SHELL = ("<html><head><title>DVC</title><script src='/static/app.js'></script></head>"
             "<body><div id='root'></div></body></html>")


PAGES = {  # path -> (status, html)
    "/good": (200, GOOD), "/long": (200, LONG_GOOD), "/missing": (404, "<h1>Not here</h1>"),
    "/broken": (500, "<h1>Server error</h1>"), "/soft404": (200, SOFT_404), "/nginx404": (200, NOT_FOUND_TITLE),
    "/empty": (200, ""), "/spa": (200, SPA_SHELL),
}
REDIRECTS = {"/moved-good": "/good", "/moved-dead": "/soft404", "/moved-404": "/missing", "/loop": "/loop"}


def site() -> web.Application:
    async def page(request):
        if request.path in REDIRECTS:
            raise web.HTTPFound(REDIRECTS[request.path])
        if request.path == "/slow":
            await asyncio.sleep(5)
        status, html = PAGES.get(request.path, (200, GOOD))
        return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_get("/{path:.*}", page)
    return app


@pytest.fixture
async def server():
    async with TestServer(site(), host="127.0.0.1") as s:
        yield s


def url(server, path: str) -> str:
    return str(server.make_url(path))


@pytest.mark.parametrize("path, verdict, reason", [
    ("/good", Verdict.OK, "HTTP 200"),
    ("/long", Verdict.OK, "HTTP 200"),
    ("/missing", Verdict.DEAD, "lỗi HTTP 404"),
    ("/broken", Verdict.DEAD, "lỗi HTTP 500"),
    ("/soft404", Verdict.DEAD, "khong ton tai"),
    ("/nginx404", Verdict.DEAD, "not found"),
    ("/empty", Verdict.DEAD, "trang trống"),
    ("/spa", Verdict.UNCLEAR, "JavaScript"),
    ("/moved-good", Verdict.OK, "chuyển tới"),
    ("/moved-dead", Verdict.DEAD, "khong ton tai"),
    ("/moved-404", Verdict.DEAD, "lỗi HTTP 404"),
    ("/loop", Verdict.DEAD, "chuyển hướng vòng quanh"),
])
async def test_each_kind_of_page(server, path, verdict, reason):
    results = await check_urls([url(server, path)], progress=False)
    result = results[url(server, path)]
    assert result.verdict is verdict and reason in result.reason, result


async def test_redirect_reports_where_it_ended(server):
    result = (await check_urls([url(server, "/moved-dead")], progress=False))[url(server, "/moved-dead")]
    assert result.final_url == url(server, "/soft404") and result.status == 200


async def test_timeouts_and_refused_connections_are_dead(server, unused_tcp_port):
    slow, refused = url(server, "/slow"), f"http://127.0.0.1:{unused_tcp_port}/x"
    started = time.perf_counter()
    results = await check_urls([slow, refused], timeout_s=0.5, progress=False)
    assert time.perf_counter() - started < 4
    assert results[slow].verdict is Verdict.DEAD and "quá thời gian" in results[slow].reason
    assert results[refused].verdict is Verdict.DEAD and "không mở được" in results[refused].reason


async def test_concurrency_is_bounded(server):
    """Eight slow pages with two at a time take at least four rounds."""
    app_calls = []

    async def counted(request):
        app_calls.append(request.path)
        await asyncio.sleep(0.2)
        return web.Response(text=GOOD, content_type="text/html")
    app = web.Application()
    app.router.add_get("/{n}", counted)
    async with TestServer(app, host="127.0.0.1") as s:
        started = time.perf_counter()
        results = await check_urls([str(s.make_url(f"/{n}")) for n in range(8)], concurrency=2, progress=False)
    assert len(app_calls) == 8 and all(r.verdict is Verdict.OK for r in results.values())
    assert time.perf_counter() - started >= 0.8


def test_judge_page_ignores_a_passing_mention_on_a_long_page():
    assert judge_page("https://x.vn", 200, "https://x.vn", LONG_GOOD).verdict is Verdict.OK
    assert judge_page("https://x.vn", 200, "https://x.vn", SOFT_404).verdict is Verdict.DEAD


def kb_with_links(kb: Path, monkeypatch, links: dict[str, str]) -> Path:
    """One real entry file per link. Entries must link over https, the loopback server speaks http: the
    files carry https placeholders and the loader hands the checker the loopback address instead."""
    for p in kb.glob("*.md"):
        p.unlink()
    for i, name in enumerate(links):
        write_entry(kb, name, f"Mục {name}", [f"câu hỏi {name} {i}", f"hỏi {name} thế nào", f"{name} ở đâu"],
                    "Làm theo hướng dẫn.")

    def loopback_links(folder):
        entries, catalog = load_knowledge(folder)
        return [replace(e, links=(Link.model_construct(title="x", url=links[e.id]),)) for e in entries], catalog
    monkeypatch.setattr("indexer.links.load_knowledge", loopback_links)
    return kb


@pytest.fixture
def linked_kb(small_kb, server, monkeypatch):
    return kb_with_links(small_kb, monkeypatch, {"tot": url(server, "/good"), "chuyen": url(server, "/moved-good"),
                                                 "hong": url(server, "/soft404"), "spa": url(server, "/spa")})


@pytest.fixture
def loopback_wording(server, tmp_path, monkeypatch):
    """The CLI also checks the URLs in bot/core/wording.yaml: point it at a copy that links the loopback server."""
    wording = tmp_path / "wording.yaml"
    wording.write_text(f'search_url: "{url(server, "/long")}"\n', encoding="utf-8")
    monkeypatch.setattr("handlers.app.cli.WORDING_FILE", wording)


async def test_cli_reports_dead_pages_and_exits_1(linked_kb, server, loopback_wording, monkeypatch, capsys):
    monkeypatch.setenv("DVCBOT_KNOWLEDGE_DIR", str(linked_kb))
    code = await asyncio.to_thread(main, ["check", "--links"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"HỎNG {url(server, '/soft404')}" in out and "dùng ở hong.md" in out
    assert f"CHƯA RÕ {url(server, '/spa')}" in out
    assert "HỎNG " + url(server, "/good") not in out
    assert "KHÔNG đạt" in out


async def test_cli_passes_when_every_link_opens(small_kb, server, loopback_wording, monkeypatch, capsys):
    kb_with_links(small_kb, monkeypatch, {"tot": url(server, "/good"), "chuyen": url(server, "/moved-good")})
    monkeypatch.setenv("DVCBOT_KNOWLEDGE_DIR", str(small_kb))
    assert await asyncio.to_thread(main, ["check", "--links"]) == 0
    out = capsys.readouterr().out
    assert "Đã kiểm tra 3 đường dẫn: 3 tốt, 0 hỏng, 0 chưa rõ." in out and "Kiểm tra đường dẫn đạt." in out


async def test_stamp_writes_only_entries_whose_links_all_passed(linked_kb):
    before = {p.name: p.read_bytes() for p in linked_kb.glob("*.md")}
    day = dt.date(2026, 11, 20)
    fetch = partial(fetch_pages, timeout_s=5.0, progress=False)
    report = await asyncio.to_thread(check_links, linked_kb, fetch, None, True, day)
    assert sorted(report.stamped) == ["chuyen.md", "tot.md"]
    after = {p.name: p.read_bytes() for p in linked_kb.glob("*.md")}
    assert after["hong.md"] == before["hong.md"] and after["spa.md"] == before["spa.md"]
    entries = {e.id: e for e in load_knowledge(linked_kb)[0]}
    assert entries["tot"].links_checked == day and entries["hong"].links_checked is None


def test_stamp_changes_one_line_and_keeps_every_other_byte(tmp_path):
    path = tmp_path / "a.md"
    original = ("---\r\nid: a\r\nreviewed: 2026-01-15\r\nlinks_checked: 2025-01-01\r\n---\r\n"
                "1. Bước một.\r\n---\r\nkhông phải phần đầu\r\n").encode("utf-8")
    path.write_bytes(original)
    stamp_links_checked(path, dt.date(2026, 11, 20))
    assert path.read_bytes() == original.replace(b"links_checked: 2025-01-01", b"links_checked: 2026-11-20")


def test_stamp_adds_the_line_at_the_end_of_the_front_matter(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes("\ufeff---\nid: a\nreviewed: 2026-01-15\n---\nThân bài có dấu.\n".encode("utf-8"))
    stamp_links_checked(path, dt.date(2026, 11, 20))
    assert path.read_bytes() == ("\ufeff---\nid: a\nreviewed: 2026-01-15\nlinks_checked: 2026-11-20\n---\n"
                                 "Thân bài có dấu.\n").encode("utf-8")


def test_stamp_refuses_a_file_without_front_matter(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("1. Không có phần đầu\n", encoding="utf-8")
    with pytest.raises(ValueError, match="phần đầu YAML"):
        stamp_links_checked(path, dt.date(2026, 11, 20))
    assert path.read_text(encoding="utf-8") == "1. Không có phần đầu\n"

