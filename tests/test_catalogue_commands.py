"""`dvcbot catalogue import|sync|show|stats` and `dvcbot check` on the catalogue, as staff run them."""
from __future__ import annotations

import asyncio
import copy
import json
import threading
from pathlib import Path

import pytest
from aiohttp import web

from handlers.app.cli import main
from indexer.catalogue.snapshot import folder_of, load_catalogue, read_records
from tests.catalogue_helpers import write_catalogue

FIXTURES = Path(__file__).parent / "fixtures" / "catalogue"


@pytest.fixture
def kb(small_kb, monkeypatch):
    monkeypatch.setenv("DVCBOT_KNOWLEDGE_DIR", str(small_kb))
    return small_kb


def test_import_merges_sources_by_code_and_reports(kb, capsys):
    assert main(["catalogue", "import", f"{FIXTURES / 'catalog_lines.jsonl'}@2026-07-18",
                 f"{FIXTURES / 'tthc_1.004194.json'}@2026-07-17", f"{FIXTURES / 'portal_1.004194.json'}@2026-07-18"]) == 0
    out = capsys.readouterr().out
    assert "Đã đọc 3 tệp" in out
    records = {p.code: p for p in read_records(folder_of(kb) / "procedures.jsonl.gz")}
    tam_tru = records["1.004194"]
    # the portal's own JSON wins for details; the listing names the record and its page
    assert tam_tru.portal_id == "019d2bf7-770b-734d-b7fb-5e1995f194f4" and tam_tru.name == "Đăng ký tạm trú"
    online = tam_tru.channel("online")
    assert online is not None and 7000 in {f.amount_vnd for f in online.fees}
    assert {s.name for s in tam_tru.sources} >= {"portal API", "chatbot_tthc raw", "OpenGOV catalog.jsonl"}
    assert len(records) == len({json.loads(line)["code"] for line in open(FIXTURES / "catalog_lines.jsonl")}
                               | {"1.004194"})
    manifest = json.loads((folder_of(kb) / "manifest.json").read_text())
    assert manifest["records"] == len(records) and manifest["detailed"] >= 1
    assert {s["name"]: s["taken"] for s in manifest["sources"]}["chatbot_tthc raw"] == "2026-07-17"


def test_import_refuses_a_missing_path(kb, capsys):
    assert main(["catalogue", "import", str(kb / "nowhere.json")]) == 1
    assert "Không tìm thấy" in capsys.readouterr().err


def test_show_prints_the_card_with_source_and_date(kb, capsys):
    write_catalogue(kb)
    assert main(["catalogue", "show", "1.004194"]) == 0
    out = capsys.readouterr().out
    assert "Đăng ký tạm trú" in out and "7.000 đ" in out and "cập nhật 07/2026" in out
    assert "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bf7-770b-734d-b7fb-5e1995f194f4" in out
    assert main(["catalogue", "show", "9.999999"]) == 1


def test_stats_counts_kinds_and_sources(kb, capsys):
    write_catalogue(kb)
    assert main(["catalogue", "stats"]) == 0
    out = capsys.readouterr().out
    assert "Danh mục: 6 thủ tục (toàn quốc 4, riêng tỉnh 1, nội bộ 1" in out
    assert "dak-lak 1" in out


def test_check_names_bad_overrides_and_unknown_declared_codes(kb, capsys):
    write_catalogue(kb)
    main(["check"])
    assert "catalogue/" not in capsys.readouterr().out  # the small knowledge base fails on an empty topic only
    (folder_of(kb) / "overrides.yaml").write_text(
        "1.004194:\n  levels: [huyen]\n  reviewer: lan\n  reviewed: 2026-11-30\n"
        "7.777777:\n  hidden: true\n  reviewer: lan\n  reviewed: 2026-11-30\n", encoding="utf-8")
    entry = kb / "dang-ky-muc-2.md"
    entry.write_text(entry.read_text().replace("reviewed:", "procedures: [1.000001]\nreviewed:"))
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "huyen" in out and "7.777777" in out and "1.000001" in out


class FakePortal:
    """The portal's two public endpoints on 127.0.0.1: a cursor-paged listing and one record by page id."""

    def __init__(self, items: list[dict], details: dict[str, dict], fail: set[str] = frozenset()) -> None:
        self.items, self.details, self.fail = items, details, fail
        self.listing_calls = 0

    async def listing(self, request: web.Request) -> web.Response:
        self.listing_calls += 1
        body = await request.json()
        start = int(body["lastId"] or 0)
        page = self.items[start:start + body["limit"]]
        following = str(start + len(page)) if page else body["lastId"]
        return web.json_response({"code": "OK", "data": {"items": page, "total": len(self.items),
                                                          "lastId": following}}, status=201)

    async def detail(self, request: web.Request) -> web.Response:
        pid = (await request.json())["id"]
        if pid in self.fail:
            return web.json_response({"message": "lỗi"}, status=503)
        return web.json_response({"code": "OK", "data": self.details.get(pid)}, status=201)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/v1/submitting/formality/list-all-public-formality-by-citizen", self.listing)
        app.router.add_post("/api/v1/configuring/formality/get-formality-by-citizen", self.detail)
        return app


@pytest.fixture
def portal():
    items = [json.loads(line) for line in open(FIXTURES / "catalog_lines.jsonl")]
    detail = json.loads((FIXTURES / "portal_1.004194.json").read_text())["data"]
    many = items + [{**copy.deepcopy(items[0]), "id": f"00000000-0000-0000-0000-{n:012d}", "code": f"9.{n:06d}",
                     "name": f"Thủ tục thử {n}"} for n in range(60)]  # more than one page of 50
    assert detail["id"] in {item["id"] for item in items}
    fake = FakePortal(many, {detail["id"]: detail}, fail={many[-1]["id"]})
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(fake.app())
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = site._server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield fake, f"http://127.0.0.1:{port}"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.run_until_complete(runner.cleanup())
    loop.close()


def test_sync_reads_every_page_and_detail_from_the_portal(kb, portal, monkeypatch, capsys):
    fake, url = portal
    monkeypatch.setattr("handlers.app.portal_sync._PAUSE", 0)
    monkeypatch.setattr("handlers.app.portal_sync._TRIES", 1)
    monkeypatch.setenv("DVCBOT_PORTAL_API_URL", url)
    assert main(["catalogue", "sync"]) == 0
    out = capsys.readouterr().out
    assert fake.listing_calls >= 2 and "1 thủ tục không tải được chi tiết" in out
    catalogue = load_catalogue(folder_of(kb))
    assert set(catalogue.procedures) == {item["code"] for item in fake.items}
    tam_tru = catalogue.procedures["1.004194"]
    assert tam_tru.detailed and tam_tru.sources[0].name == "portal API"
    assert any(s["name"] == "Cổng DVC quốc gia (API)" for s in catalogue.manifest.sources)


def test_sync_keeps_the_snapshot_when_the_portal_cannot_be_reached(kb, monkeypatch, capsys):
    write_catalogue(kb)
    before = (folder_of(kb) / "procedures.jsonl.gz").read_bytes()
    monkeypatch.setattr("handlers.app.portal_sync._TRIES", 1)
    monkeypatch.setenv("DVCBOT_PORTAL_API_URL", "http://127.0.0.1:9")
    assert main(["catalogue", "sync"]) == 1
    assert "Không đọc được danh sách thủ tục" in capsys.readouterr().err
    assert (folder_of(kb) / "procedures.jsonl.gz").read_bytes() == before
