"""The asset ledger in a real browser: a client admin imports a spreadsheet exported by a
Chinese office (GBK, Chinese headers), sees the problem on its row, imports the corrected file,
moves a device into repair, and an employee raises a ticket about their own laptop."""

from __future__ import annotations

import requests
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_web_tickets import by_id, click, fill, sign_in, sign_out, wait_for_path, wait_until

TIMEOUT = 30


def text_of(driver, element_id: str) -> str:
    """An element's text read in one script call: a page that navigates meanwhile cannot detach
    a handle we hold (Chromium's "Node with given id does not belong to the document")."""
    try:
        return driver.execute_script(
            "var e = document.getElementById(arguments[0]); return e ? e.textContent : '';", element_id) or ""
    except WebDriverException:
        return ""

BROKEN = """资产编号,设备名称,类型,序列号,购买日期,采购价格,使用人,状态
HX-E2E-1,设计部笔记本,笔记本,E2E-SN-1,2021年3月5日,"￥8,999.00",wang.fang@huaxin-design.example,使用中
HX-E2E-2,前台打印机,打印机,E2E-SN-2,05/03/2022,3200,,在用
"""


def upload(browser, base_url: str, path) -> None:
    browser.get(base_url + "/assets/import")
    Select(by_id(browser, "import-organization")).select_by_visible_text("华信设计 Huaxin Design")
    by_id(browser, "import-file").send_keys(str(path))
    click(browser, "import-preview")


def test_a_chinese_spreadsheet_is_checked_then_imported_whole(keel_server, browser, tmp_path):
    broken = tmp_path / "资产清单.csv"
    broken.write_bytes(BROKEN.encode("gbk"))
    sign_in(browser, keel_server.base_url, "admin@keel.test", keel_server.password)
    upload(browser, keel_server.base_url, broken)
    by_id(browser, "import-problems")
    assert "05/03/2022" in text_of(browser, "import-problems"), text_of(browser, "import-problems")
    # The guessed mapping is shown with the Chinese headers.
    mapping = text_of(browser, "import-mapping")
    assert "序列号" in mapping and "设备名称" in mapping, mapping
    assert not browser.find_elements(By.ID, "import-commit"), "no import while a row is wrong"

    fixed = tmp_path / "资产清单-改.csv"
    fixed.write_bytes(BROKEN.replace("05/03/2022", "2022-03-05").encode("gbk"))
    upload(browser, keel_server.base_url, fixed)
    click(browser, "import-commit")
    wait_for_path(browser, "/assets")
    by_id(browser, "assets")
    wait_until(browser, lambda d: "设计部笔记本" in text_of(d, "assets") and "前台打印机" in text_of(d, "assets"),
               "both imported devices in the list")

    # Into repair from the asset page, with a reason; the lifecycle shows it.
    browser.find_element(By.LINK_TEXT, "前台打印机").click()
    by_id(browser, "asset-name")
    Select(by_id(browser, "asset-move-state")).select_by_value("in_repair")
    fill(browser, "asset-move-note", "卡纸，送修")
    click(browser, "asset-move-submit")
    wait_until(browser, lambda d: "卡纸，送修" in text_of(d, "asset-lifecycle"), "the move in the lifecycle")
    sign_out(browser)


def test_an_employee_names_their_laptop_on_a_ticket(keel_server, browser):
    # The demo ledger gives Jay Patel the laptop GL-LT-01.
    sign_in(browser, keel_server.base_url, "j.patel@greenlaw.example", keel_server.password)
    browser.get(keel_server.base_url + "/tickets/new")
    fill(browser, "ticket-title", "Laptop battery drains in an hour")
    Select(by_id(browser, "ticket-assets")).select_by_visible_text("GL-LT-01")
    click(browser, "ticket-submit")
    wait_for_path(browser, r"/tickets/[0-9A-Fa-f-]+")
    wait_until(browser, lambda d: "GL-LT-01" in text_of(d, "ticket-assets"), "the laptop on the ticket")
    browser.find_element(By.LINK_TEXT, "GL-LT-01").click()
    wait_until(browser, lambda d: "Laptop battery drains in an hour" in text_of(d, "asset-tickets"), "the ticket on the laptop's page")
    r = requests.get(keel_server.url("/healthz"), timeout=TIMEOUT)
    assert r.status_code == 200
