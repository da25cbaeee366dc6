"""`dvcbot catalogue sync`: refresh the catalogue from the national portal's public API.

The portal lists procedures with a cursor (`lastId`) and serves one record by its page
id; both answer POSTed JSON with any 2xx status. Details are fetched two at a time with
a pause between requests, retried on network errors and 5xx, and a record whose detail
could not be fetched keeps the details of the shipped snapshot rather than losing them.
Not a server loop, so not claimed: an operator runs it on one host and publishes the result with `dvcbot index`.
"""
from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field

import aiohttp
from tqdm import tqdm

from handlers.runtime.settings import Settings
from indexer.catalogue.importer import merge
from indexer.catalogue.model import Procedure
from indexer.catalogue.snapshot import (
    RECORDS,
    CatalogueManifest,
    folder_of,
    read_manifest,
    read_records,
    write_snapshot,
)
from indexer.catalogue.sources import from_portal_listing_item, from_portal_record

LISTING = "/api/v1/submitting/formality/list-all-public-formality-by-citizen"
DETAIL = "/api/v1/configuring/formality/get-formality-by-citizen"
PAGE = 50
_TRIES = 3
_PAUSE = 0.3        # seconds between one worker's requests: the portal is a public service, not ours
_WORKERS = 2
_HEADERS = {"Accept": "application/json", "Content-Type": "application/json",
            "User-Agent": "Mozilla/5.0 (compatible; TroLyDVC/0.1; +catalogue sync)"}


class SyncError(Exception):
    """The portal could not be read; nothing was written."""


@dataclass
class SyncReport:
    listed: int = 0
    detailed: int = 0
    failed: list[str] = field(default_factory=list)
    manifest: CatalogueManifest | None = None

    def lines(self) -> list[str]:
        out = [f"Cổng liệt kê {self.listed} thủ tục; tải được chi tiết {self.detailed}."]
        if self.failed:
            out.append(f"{len(self.failed)} thủ tục không tải được chi tiết (giữ chi tiết cũ nếu có), ví dụ "
                       f"{', '.join(self.failed[:5])}.")
        if self.manifest:
            out.append(f"Đã ghi ảnh chụp danh mục: {self.manifest.records} thủ tục, {self.manifest.detailed} có chi tiết. "
                       "Chạy 'dvcbot index' (hoặc khởi động lại) để trợ lý dùng dữ liệu mới.")
        return out


async def _post(session: aiohttp.ClientSession, url: str, body: dict) -> dict:
    for attempt in range(_TRIES):
        try:
            async with session.post(url, json=body) as response:
                if response.status >= 500:
                    raise aiohttp.ClientResponseError(response.request_info, (), status=response.status)
                if "json" not in response.headers.get("Content-Type", ""):
                    raise aiohttp.ClientPayloadError(f"không phải JSON (HTTP {response.status})")
                data = await response.json()
                if response.status >= 400:
                    raise SyncError(f"Cổng từ chối yêu cầu (HTTP {response.status}): {data.get('message', '')}")
                return data
        except (aiohttp.ClientError, asyncio.TimeoutError):
            if attempt == _TRIES - 1:
                raise
            await asyncio.sleep(2 ** attempt)
    raise AssertionError("unreachable")


async def _listing(session: aiohttp.ClientSession, base: str) -> list[dict]:
    items: list[dict] = []
    last = ""
    while True:
        page = (await _post(session, base + LISTING, {"limit": PAGE, "lastId": last, "q": "", "categoryId": "",
                                                      "departmentCode": ""})).get("data") or {}
        batch = page.get("items") or []
        items += batch
        following = page.get("lastId")
        if not batch or not following or following == last:
            return items
        last = following


async def _details(session: aiohttp.ClientSession, base: str, ids: list[str], report: SyncReport,
                   progress: bool) -> list[dict]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for i in ids:
        queue.put_nowait(i)
    found: list[dict] = []
    bar = tqdm(total=len(ids), desc="Tải chi tiết thủ tục", unit="thủ tục", disable=not progress)

    async def worker() -> None:
        while not queue.empty():
            pid = queue.get_nowait()
            try:
                data = (await _post(session, base + DETAIL, {"id": pid})).get("data")
                if data:
                    found.append(data)
                else:
                    report.failed.append(pid)
            except (aiohttp.ClientError, asyncio.TimeoutError, SyncError, ValueError):
                report.failed.append(pid)
            bar.update(1)
            await asyncio.sleep(_PAUSE)

    await asyncio.gather(*(worker() for _ in range(_WORKERS)))
    bar.close()
    return found


async def _fetch(base: str, limit: int | None, report: SyncReport, progress: bool) -> tuple[list[dict], list[dict]]:
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(headers=_HEADERS, timeout=timeout) as session:
        try:
            listing = await _listing(session, base)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise SyncError(f"Không đọc được danh sách thủ tục từ {base}: {exc}. Máy này có vào được internet "
                            "không? (DVCBOT_PORTAL_API_URL)") from exc
        ids = [item["id"] for item in listing if item.get("id") and item.get("type") != "STANDARD_INTERNAL"]
        return listing, await _details(session, base, ids[:limit] if limit else ids, report, progress)


def sync_catalogue(settings: Settings, limit: int | None = None, progress: bool = True) -> SyncReport:
    report = SyncReport()
    base = settings.portal_api_url.rstrip("/")
    listing, details = asyncio.run(_fetch(base, limit, report, progress))
    if not listing:
        raise SyncError("Cổng trả về danh sách thủ tục rỗng: không ghi gì.")
    today = dt.date.today().isoformat()
    pieces: dict[str, list[Procedure]] = {}
    for p in [from_portal_listing_item(x, today) for x in listing] + [from_portal_record(x, today) for x in details]:
        pieces.setdefault(p.code, []).append(p)
    folder = folder_of(settings.knowledge_dir)
    # the snapshot as imported, not as overridden: staff corrections stay in their own file
    old = {p.code: p for p in read_records(folder / RECORDS)} if (folder / RECORDS).exists() else {}
    manifest = read_manifest(folder)
    records = [merge(group).merged(old[code]) if code in old else merge(group) for code, group in pieces.items()]
    report.listed, report.detailed = len(listing), len(details)
    source = {"name": "Cổng DVC quốc gia (API)", "taken": today, "records": len(records)}
    kept = [dict(s) for s in (manifest.sources if manifest else ()) if s["name"] != source["name"]]
    report.manifest = write_snapshot(settings.knowledge_dir, records, kept + [source])
    return report
