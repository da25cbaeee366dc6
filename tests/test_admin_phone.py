"""A commune volunteer on a phone (390×844, real headless Chromium): the queue fits the screen, a ticket opens
with a tap, is claimed and answered; nothing is wider than the screen. Screenshots go to tests/artifacts/."""
import asyncio
import os

import pytest
from aiohttp.test_utils import TestServer

from bot.domain.lifecycle import Role
from handlers.app.server import make_server
from handlers.channels.webchat import WebChat
from tests.chat import Chat
from tests.conftest import REPO
from tests.desk_helpers import admin_site, small_services
from tests.test_browser import CHROMEDRIVER

pytestmark = pytest.mark.slow
ARTIFACTS = REPO / "tests" / "artifacts"
PASSWORD = "mat-khau-du-dai-1"
WIDTH, HEIGHT = 390, 844


def replaced(element):
    """The page the element was on has been replaced (the form posted). Chromium may report a node of the old
    document as "not belonging to the document" rather than stale, under load; both mean the same."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def check(_driver) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in (exc.msg or ""):
                return True
            raise
        return False
    return check


def on_the_phone(base: str, profile: str) -> dict:
    os.environ["SE_OFFLINE"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    opts = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    opts.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": WIDTH, "height": HEIGHT,
                                                                       "pixelRatio": 2}})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    wait = WebDriverWait(driver, 20)
    seen: dict = {"overflow": {}}

    def page_width(name: str) -> None:
        seen["overflow"][name] = driver.execute_script("return document.documentElement.scrollWidth")
        driver.save_screenshot(str(ARTIFACTS / f"phone-{name}.png"))

    try:
        driver.get(base + "/admin/queue")
        wait.until(ec.presence_of_element_located((By.NAME, "password")))
        driver.find_element(By.NAME, "username").send_keys("lan")
        driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        card = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "li.ticket a.open")))
        page_width("queue")
        rect = card.rect
        seen["card"] = (rect["x"], rect["width"])
        card.click()
        claim = wait.until(ec.element_to_be_clickable((By.XPATH, "//button[normalize-space()='Nhận xử lý']")))
        page_width("ticket")
        claim.click()
        wait.until(replaced(claim))
        box = wait.until(ec.presence_of_element_located((By.NAME, "answer")))
        seen["phone_shown"] = "0912345678" in driver.find_element(By.TAG_NAME, "main").text
        box.send_keys("Chị mang CCCD ra UBND xã, bộ phận một cửa, sáng thứ Hai đến thứ Sáu.")
        send = driver.find_element(By.XPATH, "//button[normalize-space()='Gửi câu trả lời']")
        seen["send"] = (send.rect["x"], send.rect["width"])
        seen["close_visible"] = driver.find_element(By.XPATH, "//button[normalize-space()='Đóng yêu cầu']").is_displayed()
        send.click()
        wait.until(replaced(send))
        wait.until(ec.presence_of_element_located((By.CLASS_NAME, "notice")))
        page_width("answered")
        seen["after"] = driver.find_element(By.TAG_NAME, "main").text
        seen["form_left"] = len(driver.find_elements(By.NAME, "answer"))
        driver.get(base + "/admin/reports")
        wait.until(ec.presence_of_element_located((By.TAG_NAME, "main")))
        page_width("reports")
        seen["narrowest_header"] = driver.execute_script(
            "return Math.min(...[...document.querySelectorAll('table.report th')].map(th => th.offsetWidth))")
        return seen
    finally:
        driver.quit()


async def test_a_volunteer_opens_a_ticket_from_the_queue_and_answers_it_on_a_phone(small_kb, tmp_path):
    services = small_services(small_kb, tmp_path)
    site = admin_site(services)
    team = services.storage.add_team("Tổ Cẩm Xuyên", "ha-tinh", "Hà Tĩnh", "Xã Cẩm Xuyên", is_default=True)
    site.accounts.create_user("lan", PASSWORD, Role.MEMBER.value, team.id, name="Chị Lan")
    chat = Chat(services.dialogue, user="w1", channel="web")
    await chat("hạn nộp hồ sơ cấp đổi căn cước cho con ở xã mình là khi nào")
    await chat("gặp người hỗ trợ")
    await chat.press("Có, để lại số")
    await chat("0912 345 678, gọi em buổi chiều")
    services.desk.route_pending()
    need = services.storage.unmet_needs()[-1]
    ARTIFACTS.mkdir(exist_ok=True)
    server = TestServer(make_server(services, [WebChat(services), site]), host="127.0.0.1")
    await server.start_server()
    try:
        seen = await asyncio.to_thread(on_the_phone, str(server.make_url("")).rstrip("/"), str(tmp_path / "profile"))
    finally:
        await server.close()
    for page, width in seen["overflow"].items():
        assert width <= WIDTH, f"{page} is {width}px wide on a {WIDTH}px phone"
    x, width = seen["card"]
    assert x >= 0 and x + width <= WIDTH                 # the way into a ticket is on screen
    x, width = seen["send"]
    assert x >= 0 and x + width <= WIDTH and width > WIDTH / 2   # a big "send" button, inside the screen
    assert seen["narrowest_header"] >= 100               # report headers readable, not one word per line
    assert seen["close_visible"] is False                # closing is folded away, apart from "send"
    assert seen["phone_shown"]                           # she took the ticket: the call-back number is hers
    assert "Đã gửi câu trả lời" in seen["after"] and seen["form_left"] == 0
    assert services.storage.need(need.id).status == "da_tra_loi"
