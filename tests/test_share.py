"""Sharing an answer (issue 18, item 7): the "Chia sẻ" button on every answer from an entry or a procedure card,
and the public page `/s/<ref>` it opens, on a real aiohttp server over loopback with the small knowledge folder."""
from __future__ import annotations

import asyncio
import os
import re

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.core.messages import Button, Reply, numbered_texts
from bot.core.wording import say
from bot.dialogue.render import plain_turn
from bot.dialogue.share import share_path
from handlers.app.cli import answer_json
from handlers.app.server import make_server
from handlers.channels.webchat import WebChat
from tests.builders import open_storage, services_on, small_library
from tests.catalogue_helpers import write_catalogue
from tests.chat import Chat
from tests.conftest import write_entry

CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture
def parts(small_kb, tmp_path):
    """The small knowledge folder with the small catalogue, on the fake embedder: (services, rebuild)."""
    write_catalogue(small_kb)
    small = small_library(small_kb, tmp_path)
    return services_on(small.library, open_storage(tmp_path / "dvcbot.db"), tmp_path, knowledge_dir=small_kb), \
        small.rebuild


@pytest.fixture
def chat(parts):
    return Chat(parts[0].dialogue)


@pytest.fixture
async def client(parts):
    services, _ = parts
    async with TestClient(TestServer(make_server(services, [WebChat(services)]), host="127.0.0.1")) as c:
        yield c


def shares(replies: list[Reply]) -> list[tuple[str | None, Button]]:
    return [(r.entry_id, b) for r in replies for b in r.buttons if b.title == say("btn_share")]


# ---- the core: which bubbles get "Chia sẻ"


async def test_an_answer_gets_a_share_button_to_its_public_page(chat):
    await chat("toi quen mat khau vneid")
    assert "Quên mật khẩu VNeID" in chat.text()
    assert [(e, b.url, b.payload) for e, b in shares(chat.last)] == [("quen-mat-khau", "/s/quen-mat-khau", None)]
    assert chat.button("Hài lòng") and chat.button("Chưa hài lòng")   # the rating stays


async def test_a_procedure_card_gets_a_share_button_spelt_like_its_payloads(chat):
    await chat("dang ky tam tru o dau vay ad")
    assert "Đăng ký tạm trú" in chat.text()
    assert [(e, b.url) for e, b in shares(chat.last)] == [("tthc:1.004194", "/s/tthc.1.004194")]
    answer = next(r for r in chat.last if r.entry_id)
    portal = [b for b in answer.buttons if b.url and b.url.startswith("https://")]
    assert len(portal) == 2 and answer.buttons[-1].title == say("btn_share")   # after the portal links and "Xem chi tiết"


@pytest.mark.parametrize("text", ["gia vang hom nay bao nhieu", "hiii bot oi", "bot ngu vl", "ok cam on nhe",
                                  "vneid"])
async def test_dont_know_social_and_asking_back_get_no_share_button(chat, text):
    await chat(text)
    assert shares(chat.last) == []


async def test_an_entry_opened_from_options_is_shareable_too(chat):
    await chat("dang ky khai sinh cho be, bo be la viet kieu")
    await chat.press("có yếu tố nước ngoài")
    assert [b.url for _, b in shares(chat.last)] == ["/s/tthc.1.001695"]


def test_text_only_readers_see_no_link_they_cannot_open(parts):
    """`dvcbot ask` and the terminal chat: a relative path needs the server's address, which they do not have."""
    services, _ = parts
    answerer = services.library()
    answer = answerer.ask("dang ky tam tru o dau")
    assert answer.entry and answer.entry.id == "tthc:1.004194"
    assert "/s/" not in plain_turn([Reply("x", (Button("Chia sẻ", url="/s/a"), Button("VNeID", url="https://v.vn")))])
    row = answer_json(answer)
    assert "/s/" not in row["answer"] and all(link["url"].startswith("https://") for link in row["links"])
    assert "🔗 VNeID: https://v.vn" in numbered_texts([Reply("x", (Button("VNeID", url="https://v.vn"),))])[0]


def test_share_paths_for_entries_and_cards():
    assert share_path("quen-mat-khau") == "/s/quen-mat-khau" and share_path("tthc:1.004194") == "/s/tthc.1.004194"


# ---- the public page


async def test_the_page_shows_the_entry_to_anyone_without_a_cookie(client):
    r = await client.get("/s/quen-mat-khau")
    page = await r.text()
    assert r.status == 200 and r.content_type == "text/html"
    assert "<h1>Quên mật khẩu VNeID</h1>" in page and "Bấm Quên mật khẩu, nhập số định danh và mã OTP." in page
    assert 'name="viewport"' in page and "<script" not in page
    assert 'href="https://vneid.gov.vn"' in page and "Nghị định 69/2024/NĐ-CP" in page and "15/01/2026" in page
    assert say("share_ask") in page and 'href="/"' in page
    assert "Set-Cookie" not in r.headers and "max-age" in r.headers["Cache-Control"]
    assert "noindex" in r.headers["X-Robots-Tag"] and 'name="robots"' in page
    assert 'property="og:title" content="Quên mật khẩu VNeID"' in page   # Zalo and Telegram show it in the preview
    css = await client.get(re.search(r'href="(/static/[^"]+\.css)"', page)[1])
    assert css.status == 200


async def test_a_card_page_shows_the_procedure_facts_and_portal_links(client):
    r = await client.get("/s/tthc.1.004194")
    page = await r.text()
    assert r.status == 200 and "<h1>Đăng ký tạm trú</h1>" in page
    assert "Công an cấp xã" in page and "7.000" in page and "Mã thủ tục: 1.004194" in page
    assert "https://dichvucong.gov.vn/nop-ho-so?formalityId=019d2bf7-770b-734d-b7fb-5e1995f194f4" in page
    assert "68/2020/QH14" in page   # the whole card, not only its first bubble


async def test_markup_in_the_text_is_escaped_and_only_bold_renders(parts, client):
    services, build = parts
    write_entry(services.settings.knowledge_dir, "quen-mat-khau", "Quên mật khẩu <VNeID>",
                ["Quên mật khẩu VNeID thì làm sao?", "lấy lại mật khẩu", "không nhớ mật khẩu"],
                "Bấm **Quên mật khẩu** <script>alert(1)</script>")
    build()
    assert services.library.refresh()   # an approved change shows without a restart
    page = await (await client.get("/s/quen-mat-khau")).text()
    assert "<b>Quên mật khẩu</b>" in page and "<script>" not in page and "&lt;script&gt;" in page
    assert "<h1>Quên mật khẩu &lt;VNeID&gt;</h1>" in page


@pytest.mark.parametrize("path", ["/s/khong-co-muc-nay", "/s/tthc.9.999999", "/s/..%2F..%2Fetc%2Fpasswd", "/s/../x",
                                  "/s/" + "a" * 5000, "/s/", "/s/quen-mat-khau/..", "/s/QUEN-MAT-KHAU",
                                  "/s/tthc:1.004194", "/s/%00"])
async def test_an_unknown_or_crafted_ref_gets_a_vietnamese_404_with_the_chat_link(client, path):
    r = await client.get(path)
    page = await r.text()
    assert r.status == 404, path
    if r.content_type == "text/html":
        assert say("share_not_found") in page and 'href="/"' in page and 'name="viewport"' in page
    assert "Traceback" not in page



def read_on_a_phone(url: str, profile: str, screenshot: str) -> dict:
    """The page in headless Chromium 390 px wide (a common phone), no script of ours involved."""
    os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager try to download a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    # a phone's screen, its touch and its reading of <meta name="viewport"> (a desktop window cannot be this narrow)
    opts.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 3}})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        driver.get(url)
        found = driver.execute_script("""
            const h1 = document.querySelector('h1'), ask = document.querySelector('a.button');
            return {width: window.innerWidth, scroll: document.documentElement.scrollWidth,
                    title: h1.textContent, titlePx: parseFloat(getComputedStyle(h1).fontSize),
                    bodyPx: parseFloat(getComputedStyle(document.querySelector('article p')).fontSize),
                    styled: getComputedStyle(document.querySelector('header')).backgroundColor,
                    ask: ask.textContent, askHeight: ask.getBoundingClientRect().height};""")
        driver.save_screenshot(screenshot)
        return found
    finally:
        driver.quit()


@pytest.mark.slow
async def test_a_card_page_reads_on_a_390px_phone_without_sideways_scrolling(client, tmp_path):
    url = str(client.make_url("/s/tthc.1.004194"))
    page = await asyncio.to_thread(read_on_a_phone, url, str(tmp_path / "profile"), str(tmp_path / "share.png"))
    assert page["title"] == "Đăng ký tạm trú" and page["ask"] == say("share_ask")
    assert page["scroll"] <= page["width"] <= 400            # long portal links wrap instead of widening the page
    assert page["bodyPx"] >= 16 and page["titlePx"] > page["bodyPx"] and page["askHeight"] >= 36   # a finger's size
    assert page["styled"] != "rgba(0, 0, 0, 0)"              # the style sheet loaded under the security policy
    assert (tmp_path / "share.png").stat().st_size > 0
