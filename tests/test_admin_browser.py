"""The admin pages in a real headless Chromium: a citizen's <script> shows as text, never runs; the dashboard
is saved as a screenshot in tests/artifacts/ (git-ignored) for people to look at."""
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
PAYLOAD = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"


def browse(base: str, profile: str, screenshot: str, need_id: int) -> dict[str, str]:
    os.environ["SE_OFFLINE"] = "true"
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    opts = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--window-size=1280,1600"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    wait = WebDriverWait(driver, 20)
    seen = {}
    try:
        driver.get(base + "/admin")
        wait.until(ec.presence_of_element_located((By.NAME, "password")))
        driver.find_element(By.NAME, "username").send_keys("admin1")
        driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait.until(ec.presence_of_element_located((By.ID, "satisfaction")))
        for path in ("/admin", "/admin/queue", "/admin/feedback", f"/admin/needs/{need_id}"):
            driver.get(base + path)
            wait.until(ec.presence_of_element_located((By.TAG_NAME, "main")))
            try:
                driver.switch_to.alert
                seen[path] = "ALERT"
            except NoAlertPresentException:
                seen[path] = driver.find_element(By.TAG_NAME, "main").text + "\n#title=" + driver.title
        driver.get(base + "/admin")
        wait.until(ec.presence_of_element_located((By.ID, "satisfaction")))
        driver.save_screenshot(screenshot)
        return seen
    finally:
        driver.quit()


async def test_a_citizens_script_is_shown_as_text_on_admin_pages(small_kb, tmp_path):
    services = small_services(small_kb, tmp_path)
    site = admin_site(services)
    services.storage.add_team("Tổ Cẩm Xuyên", "ha-tinh", "Hà Tĩnh", "Xã Cẩm Xuyên", is_default=True)
    site.accounts.create_user("admin1", PASSWORD, Role.ADMIN.value)
    for user, vote in (("c1", "Hài lòng 👍"), ("c2", "Chưa hài lòng"), ("c3", "Hài lòng 👍")):
        chat = Chat(services.dialogue, user=user, channel="web")
        await chat("quên mật khẩu VNeID")
        await chat.press(vote)
        if vote.startswith("Chưa"):
            await chat.press("Khó hiểu")
            await chat(PAYLOAD)
    chat = Chat(services.dialogue, user="c4", channel="web")
    await chat(f"giá vàng hôm nay {PAYLOAD}")
    await chat.press("Gửi câu hỏi cho tổ hỗ trợ")
    services.desk.route_pending()
    need = services.storage.unmet_needs()[-1]
    server = TestServer(make_server(services, [WebChat(services), site]), host="127.0.0.1")
    await server.start_server()
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "dashboard.png"
    try:
        seen = await asyncio.to_thread(browse, str(server.make_url("")).rstrip("/"), str(tmp_path / "profile"),
                                       str(screenshot), need.id)
    finally:
        await server.close()
    assert "<script>document.title='pwned'</script>" in seen["/admin/feedback"]   # the comment, as text
    assert "<script>document.title='pwned'</script>" in seen["/admin/queue"]      # the question, as text
    assert "<script>document.title='pwned'</script>" in seen["/admin"]
    assert "<script>document.title='pwned'</script>" in seen[f"/admin/needs/{need.id}"]
    for path, text in seen.items():
        assert text != "ALERT" and "#title=pwned" not in text, path
    assert screenshot.stat().st_size > 10_000
