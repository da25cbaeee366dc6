"""The chat page in a real headless Chromium (Debian chromium + chromedriver, driven by Selenium)."""
import asyncio
import os

import pytest
from aiohttp.test_utils import TestServer


pytestmark = pytest.mark.slow
CHROMEDRIVER = "/usr/bin/chromedriver"


def run_browser(url: str, profile: str, screenshot: str) -> list[str]:
    os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager try to download a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    opts = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", f"--user-data-dir={profile}", "--window-size=412,900"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    wait = WebDriverWait(driver, 20)

    def covered_by_input_bar() -> int:
        """Buttons of the newest reply that sit under the input bar (the page must keep them above it)."""
        return driver.execute_script("""
            const bar = document.getElementById('f').getBoundingClientRect();
            const last = [...document.querySelectorAll('#log .msg')].pop();
            return [...last.querySelectorAll('button, a')].filter(b => b.getBoundingClientRect().bottom > bar.top + 1).length;
        """)

    def button(text: str):
        xpath = f"//button[contains(@class,'choice') and contains(., '{text}')]"
        return wait.until(ec.element_to_be_clickable((By.XPATH, xpath)))

    try:
        driver.get(url)
        wait.until(ec.text_to_be_present_in_element((By.ID, "log"), "Xin chào"))
        box = driver.find_element(By.ID, "q")
        box.send_keys("thanh toan")
        driver.find_element(By.ID, "send").click()
        button("Thanh toán phí, lệ phí").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "log"), "Quản lý hồ sơ"))
        links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#log a")]
        button("Chưa hài lòng").click()
        button("Khó hiểu").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "log"), "góp ý"))
        # a message longer than the API accepts gets a Vietnamese message, not silence
        driver.execute_script("document.getElementById('q').value = 'Tôi hỏi ' + 'rất dài '.repeat(1300);")
        driver.find_element(By.ID, "send").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "log"), "Tin nhắn dài quá"))
        covered = covered_by_input_bar()
        driver.save_screenshot(screenshot)
        # a shared computer: "Cuộc trò chuyện mới" clears the screen and the server starts another conversation
        page_id = driver.execute_script("return localStorage.dvcUser")
        driver.find_element(By.ID, "new").click()
        wait.until(ec.alert_is_present()).accept()
        wait.until(lambda d: "Xin chào" in d.find_element(By.ID, "log").text)
        fresh = (driver.find_element(By.ID, "log").text, driver.execute_script("return localStorage.dvcUser"))
        return links, covered, page_id, fresh
    finally:
        driver.quit()


async def test_type_question_pick_option_and_rate_in_a_real_browser(dialogue, web_server, tmp_path):
    server = TestServer(web_server, host="127.0.0.1")
    await server.start_server()
    try:
        url = str(server.make_url("/"))
        links, covered, page_id, (fresh_log, fresh_id) = await asyncio.to_thread(
            run_browser, url, str(tmp_path / "profile"), str(tmp_path / "chat.png"))
    finally:
        await server.close()
    # portal links, and the answer's "Chia sẻ" page on this server (relative on the web: it opens where the chat is)
    assert links and all(link.startswith("https://") or link.startswith(url + "s/") for link in links)
    assert any(link.startswith(url + "s/") for link in links)
    assert covered == 0  # the newest reply and its buttons stay visible above the input bar
    ratings = list(dialogue.storage.db["ratings"].rows)
    assert len(ratings) == 1 and ratings[0]["value"] == "down" and ratings[0]["reason"] == "unclear"
    assert ratings[0]["channel"] == "web"
    assert (tmp_path / "chat.png").stat().st_size > 0
    assert all(len(m["text"] or "") <= 10_000 for m in dialogue.storage.db["messages"].rows)   # nothing refused was sent
    assert "góp ý" not in fresh_log and "thanh toan" not in fresh_log and fresh_id != page_id
    conversations = [row["citizen"] for row in dialogue.storage.db["messages"].rows_where("direction = 'in'")]
    assert len(set(conversations)) == 2 and conversations[-1] != conversations[0]   # the last "start" began anew
