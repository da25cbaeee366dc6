"""Fetch pages over HTTP for `dvcbot check --links`: bounded concurrency, timeouts, redirects followed.

The verdict on each page (dead, soft 404, JavaScript-only) is indexer.links.judge_page's.
"""
from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterable

import aiohttp
from tqdm import tqdm

from indexer.links import LinkResult, Verdict, judge_page

MAX_BODY_BYTES = 1_000_000
USER_AGENT = "Mozilla/5.0 (compatible; dvcbot-linkcheck; +https://dichvucong.gov.vn)"


async def _fetch(session: aiohttp.ClientSession, url: str) -> LinkResult:
    try:
        async with session.get(url, allow_redirects=True, max_redirects=10) as resp:
            body = await resp.content.read(MAX_BODY_BYTES)
            return judge_page(url, resp.status, str(resp.url), _decode(body, resp.charset))
    except aiohttp.TooManyRedirects:
        return LinkResult(url, Verdict.DEAD, "chuyển hướng vòng quanh quá nhiều lần")
    except (aiohttp.ClientSSLError, ssl.SSLError):
        return LinkResult(url, Verdict.DEAD, "lỗi chứng chỉ bảo mật (SSL); thử mở bằng trình duyệt")
    except asyncio.TimeoutError:
        return LinkResult(url, Verdict.DEAD, "quá thời gian chờ, trang không trả lời")
    except (aiohttp.ClientError, OSError) as exc:
        return LinkResult(url, Verdict.DEAD, f"không mở được: {type(exc).__name__} {exc}".strip())


def _decode(body: bytes, charset: str | None) -> str:
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:  # a charset name Python does not know
        return body.decode("utf-8", errors="replace")


async def check_urls(urls: Iterable[str], concurrency: int = 8, timeout_s: float = 20.0,
                     progress: bool = True) -> dict[str, LinkResult]:
    """Fetch each distinct URL once, at most `concurrency` at a time."""
    todo = list(dict.fromkeys(urls))
    limit = asyncio.Semaphore(concurrency)
    timeout = aiohttp.ClientTimeout(total=timeout_s, sock_connect=min(timeout_s, 10.0))
    results: dict[str, LinkResult] = {}
    with tqdm(total=len(todo), desc="Kiểm tra đường dẫn", unit="trang", disable=not progress) as bar:
        async with aiohttp.ClientSession(timeout=timeout, headers={"User-Agent": USER_AGENT}) as session:
            async def one(url: str) -> None:
                async with limit:
                    results[url] = await _fetch(session, url)
                bar.update()
            await asyncio.gather(*(one(u) for u in todo))
    return results


def fetch_pages(urls: list[str], concurrency: int = 8, timeout_s: float = 20.0,
                progress: bool = True) -> dict[str, LinkResult]:
    """Blocking entry point for the CLI."""
    return asyncio.run(check_urls(urls, concurrency, timeout_s, progress))
