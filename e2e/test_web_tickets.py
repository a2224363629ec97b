"""The service desk in a real browser: a Chinese client raises a ticket, a technician finds it,
writes an internal note and a public reply and moves it on the board, the client sees the reply
(never the note) in plain language and answers; a client admin's read-only board; the CSV export.

The server is shared by the module (state carries through a test), but every test raises its
own tickets with a unique tag in the title, so the tests do not depend on each other's order.
"""

from __future__ import annotations

import re
import urllib.parse
import uuid

import pytest
import requests
from selenium.common.exceptions import (NoSuchElementException, StaleElementReferenceException,
                                        TimeoutException)
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

WAIT = 30

CLIENT_ZH = "wang.fang@huaxin-design.example"      # client user, zh-Hans, 华信设计 Huaxin Design
CLIENT_ADMIN_ZH = "admin@huaxin-design.example"    # client admin of Huaxin
CLIENT_EN = "j.patel@greenlaw.example"             # client user, Green & Co (English)
TECH_HUAXIN = "tech3@keel.test"                    # technician who looks after Huaxin only
TECH_ALL = "tech1@keel.test"                       # technician for all clients

# What a client sees as the status (plain language), by page language.
PLAIN_STATUS = {
    "zh-Hans": {
        "new": "我们已收到您的请求",
        "open": "技术员正在处理",
        "pending_customer": "正在等待您的回复",
        "resolved": "已解决——如未解决请告诉我们",
    },
    "en": {
        "new": "We have your request",
        "open": "A technician is working on it",
        "pending_customer": "We are waiting for your reply",
        "resolved": "Resolved — tell us if it is not",
    },
}
# What staff see: the status's name, by page language.
STAFF_STATUS = {
    "zh-Hans": {"new": "新建", "open": "处理中", "pending_customer": "等待客户",
                "pending_third_party": "等待第三方", "resolved": "已解决", "closed": "已关闭"},
    "en": {"new": "New", "open": "In progress", "pending_customer": "Waiting for customer",
           "pending_third_party": "Waiting for third party", "resolved": "Resolved",
           "closed": "Closed"},
}
BOARD_COLUMNS = ("new", "open", "pending_customer", "pending_third_party", "resolved")
TICKET_PATH = r"/tickets/[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"


# --- helpers ----------------------------------------------------------------------------------

def wait(driver: WebDriver, timeout: float = WAIT) -> WebDriverWait:
    # Pages change under the conditions (a submit navigates): retry instead of failing.
    return WebDriverWait(driver, timeout, poll_frequency=0.1,
                         ignored_exceptions=(NoSuchElementException,
                                             StaleElementReferenceException))


def wait_until(driver: WebDriver, condition, what: str, timeout: float = WAIT):
    """`wait(driver).until(condition)`, failing with `what` and where the browser is."""
    try:
        return wait(driver, timeout).until(condition)
    except TimeoutException:
        pass
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what} "
                f"(browser at {driver.current_url})")


def tag() -> str:
    return uuid.uuid4().hex[:8]


def path_of(driver: WebDriver) -> str:
    return urllib.parse.urlsplit(driver.current_url).path


def wait_for_path(driver: WebDriver, pattern: str) -> str:
    """Waits until the current path matches the regex `pattern` (whole path)."""
    regex = re.compile(pattern)
    wait_until(driver, lambda d: regex.fullmatch(path_of(d)), f"a page at {pattern!r}")
    return path_of(driver)


def by_id(driver: WebDriver, element_id: str):
    return wait_until(driver, EC.presence_of_element_located((By.ID, element_id)),
                      f"#{element_id}")


def fill(driver: WebDriver, element_id: str, text: str) -> None:
    field = by_id(driver, element_id)
    field.clear()
    field.send_keys(text)


def click(driver: WebDriver, element_id: str) -> None:
    wait_until(driver, EC.element_to_be_clickable((By.ID, element_id)),
               f"#{element_id} to be clickable").click()


def html_lang(driver: WebDriver) -> str:
    lang = driver.execute_script("return document.documentElement.lang") or ""
    return "zh-Hans" if lang.startswith("zh") else "en"


def sign_in(driver: WebDriver, base_url: str, email: str, password: str) -> None:
    driver.get(base_url + "/login")
    fill(driver, "email", email)
    fill(driver, "password", password)
    click(driver, "login-submit")
    wait_for_path(driver, "/")
    by_id(driver, "nav-tickets")
    by_id(driver, "nav-board")


def sign_out(driver: WebDriver) -> None:
    click(driver, "logout")
    wait_for_path(driver, "/login")
    by_id(driver, "login-submit")


def status_text(driver: WebDriver) -> str:
    return " ".join(driver.find_element(By.ID, "ticket-status").text.split())


def wait_for_status(driver: WebDriver, expected: str) -> None:
    wait_until(driver, lambda d: status_text(d) == expected,
               f"#ticket-status to read {expected!r}")


def ticket_number(driver: WebDriver, title: str) -> int:
    """The number in h1#ticket-title, which reads '#<number> <title>'."""
    regex = re.compile(r"#(\d+) (.*)")

    def heading(d):
        m = regex.fullmatch(" ".join(d.find_element(By.ID, "ticket-title").text.split()))
        return m if m and m.group(2) == title else None

    match = wait_until(driver, heading, f"h1#ticket-title to read '#<number> {title}'")
    return int(match.group(1))


def raise_ticket(driver: WebDriver, base_url: str, title: str, body: str,
                 impact: str, urgency: str, category: str = "Hardware") -> tuple[int, str]:
    """Fills the portal form as the signed-in client; returns (number, the ticket's path)."""
    driver.get(base_url + "/tickets/new")
    assert not driver.find_elements(By.ID, "ticket-organization"), \
        "a client must not choose the organisation"
    fill(driver, "ticket-title", title)
    fill(driver, "ticket-body", body)
    click(driver, f"impact-{impact}")
    click(driver, f"urgency-{urgency}")
    assert by_id(driver, f"impact-{impact}").is_selected()
    assert by_id(driver, f"urgency-{urgency}").is_selected()
    Select(by_id(driver, "ticket-category")).select_by_value(category)
    click(driver, "ticket-submit")
    path = wait_for_path(driver, TICKET_PATH)
    return ticket_number(driver, title), path


def timeline_entries(driver: WebDriver, kind: str) -> list[tuple[str, str]]:
    """(meta, text) of each li.<kind> in ol#timeline."""
    entries = []
    for li in driver.find_elements(By.CSS_SELECTOR, f"ol#timeline > li.{kind}"):
        meta = " ".join(li.find_element(By.CSS_SELECTOR, ".meta").text.split())
        text = li.find_element(By.CSS_SELECTOR, ".text").text.strip()
        entries.append((meta, text))
    return entries


def wait_for_entry(driver: WebDriver, kind: str, text: str) -> str:
    """Waits for a li.<kind> whose .text is `text`; returns its .meta."""
    def found(d):
        return next((meta for meta, t in timeline_entries(d, kind) if t == text), None)
    return wait_until(driver, found, f"a li.{kind} reading {text!r} in ol#timeline")


def reply(driver: WebDriver, text: str, internal: bool = False) -> None:
    fill(driver, "reply-body", text)
    if internal:
        box = by_id(driver, "reply-internal")
        if not box.is_selected():
            click(driver, "reply-internal")
        assert box.is_selected(), "#reply-internal did not tick"
    click(driver, "reply-submit")
    wait_for_entry(driver, "note" if internal else "reply", text)


def search_tickets(driver: WebDriver, query: str) -> None:
    click(driver, "nav-tickets")
    wait_for_path(driver, "/tickets")
    by_id(driver, "ticket-filters")
    fill(driver, "filter-q", query)
    click(driver, "filter-submit")
    wait_until(driver, lambda d: urllib.parse.parse_qs(
        urllib.parse.urlsplit(d.current_url).query).get("q") == [query],
        f"/tickets?q={query}")
    # The list, or an error page: say what the server objected to rather than time out.
    wait_until(driver, lambda d: d.find_elements(By.ID, "tickets")
               or d.find_elements(By.CSS_SELECTOR, ".flash-error"), "table#tickets")
    errors = [e.text.strip() for e in driver.find_elements(By.CSS_SELECTOR, ".flash-error")]
    assert not errors, (f"searching with the filter form failed at {driver.current_url}: "
                        f"{errors}")
    by_id(driver, "tickets")


def ticket_link(driver: WebDriver, title: str):
    """Waits for the link with exactly `title` in table#tickets."""
    def link(d):
        return next((a for a in d.find_elements(By.CSS_SELECTOR, "table#tickets a")
                     if " ".join(a.text.split()) == title), None)
    return wait_until(driver, link, f"a row titled {title!r} in table#tickets")


def card_in_column(driver: WebDriver, number: int, status: str):
    return driver.find_element(By.CSS_SELECTOR, f"section#column-{status} article#card-{number}")


def column_of(driver: WebDriver, number: int) -> str | None:
    for status in BOARD_COLUMNS:
        if driver.find_elements(By.CSS_SELECTOR, f"section#column-{status} article#card-{number}"):
            return status
    return None


def wait_for_card(driver: WebDriver, number: int, status: str) -> None:
    wait_until(driver, lambda d: column_of(d, number) == status,
               f"article#card-{number} in section#column-{status}")


# --- tests ------------------------------------------------------------------------------------

def test_chinese_client_ticket_from_portal_to_reply(browser, keel_server):
    base, password = keel_server.base_url, keel_server.password
    marker = tag()
    title = f"会议室投影仪无法显示 {marker}"
    body = "大会议室的投影仪连接笔记本后没有画面，下午两点有客户来开会，请尽快处理。"
    note = f"内部备注 {marker}：投影仪灯泡可能坏了，先不要告诉客户。"
    public = f"您好，我们已经收到，技术员十分钟后到会议室检查。{marker}"
    answer = f"好的，谢谢！我们在会议室等您。{marker}"

    # The client raises the ticket in Chinese and sees the plain-language status.
    sign_in(browser, base, CLIENT_ZH, password)
    assert html_lang(browser) == "zh-Hans"
    number, ticket_path = raise_ticket(browser, base, title, body,
                                       impact="department", urgency="high")
    wait_for_status(browser, PLAIN_STATUS["zh-Hans"]["new"])
    assert body in browser.find_element(By.TAG_NAME, "body").text
    assert not browser.find_elements(By.ID, "staff-actions"), "a client sees staff actions"
    assert not browser.find_elements(By.ID, "reply-internal"), "a client may write notes"
    sign_out(browser)

    # The technician finds it by a Chinese word of its title.
    sign_in(browser, base, TECH_HUAXIN, password)
    search_tickets(browser, "投影仪")
    ticket_link(browser, title).click()
    wait_for_path(browser, re.escape(ticket_path))
    assert ticket_number(browser, title) == number
    staff = STAFF_STATUS[html_lang(browser)]
    wait_for_status(browser, staff["new"])
    by_id(browser, "staff-actions")

    # An internal note does not answer the client: the ticket stays new.
    reply(browser, note, internal=True)
    notes = browser.find_elements(By.CSS_SELECTOR, "ol#timeline > li.note")
    assert any(note in li.text and "internal" in (li.get_attribute("class") or "").split()
               for li in notes), "the note's li must carry the class internal too"
    assert status_text(browser) == staff["new"]

    # The public reply is the first response: new → open.
    reply(browser, public)
    wait_for_status(browser, staff["open"])

    # The board shows it in progress; the technician moves it to waiting for the customer.
    click(browser, "nav-board")
    wait_for_path(browser, "/board")
    wait_for_card(browser, number, "open")
    click(browser, f"move-{number}-pending_customer")
    wait_for_path(browser, "/board")
    wait_for_card(browser, number, "pending_customer")
    sign_out(browser)

    # The client reads the reply, never the note, and the status in her words.
    sign_in(browser, base, CLIENT_ZH, password)
    browser.get(base + ticket_path)
    wait_for_status(browser, PLAIN_STATUS["zh-Hans"]["pending_customer"])
    meta = wait_for_entry(browser, "reply", public)
    assert "陈志强" in meta, f"the reply's .meta should name its author; got {meta!r}"
    assert note not in browser.page_source, "the client's page contains the internal note"
    assert marker + "：" not in browser.find_element(By.TAG_NAME, "body").text
    assert not browser.find_elements(By.CSS_SELECTOR, "ol#timeline > li.note, "
                                                      "ol#timeline > li.internal"), \
        "the client's timeline shows internal entries"

    # Her answer sends it back to the technician.
    reply(browser, answer)
    wait_for_status(browser, PLAIN_STATUS["zh-Hans"]["open"])
    sign_out(browser)


def test_client_admin_sees_the_board_of_their_organisation_read_only(browser, keel_server):
    base, password = keel_server.base_url, keel_server.password
    marker = tag()

    # A ticket of another client, which the Huaxin admin must not see.
    sign_in(browser, base, CLIENT_EN, password)
    other, _ = raise_ticket(browser, base, f"Boardroom screen flickers {marker}",
                            "The screen in the boardroom flickers every few seconds.",
                            impact="user", urgency="low")
    wait_for_status(browser, PLAIN_STATUS["en"]["new"])
    sign_out(browser)

    sign_in(browser, base, CLIENT_ZH, password)
    number, _ = raise_ticket(browser, base, f"打印机无法连接 {marker}",
                             "二楼打印机显示离线，整个部门都无法打印。",
                             impact="department", urgency="medium")
    sign_out(browser)

    sign_in(browser, base, CLIENT_ADMIN_ZH, password)
    click(browser, "nav-board")
    wait_for_path(browser, "/board")
    wait_for_card(browser, number, "new")
    for status in BOARD_COLUMNS:
        by_id(browser, f"column-{status}")
    moves = browser.find_elements(By.CSS_SELECTOR, "#board button[id^='move-'], "
                                                   "section[id^='column-'] button")
    assert not moves, ("a client admin's board must be read-only; found buttons "
                       f"{[m.get_attribute('id') for m in moves][:10]}")
    assert not browser.find_elements(By.ID, f"card-{other}"), \
        "the Huaxin admin sees a Green & Co ticket on the board"
    sign_out(browser)


def test_csv_export_contains_the_ticket(browser, keel_server):
    base, password = keel_server.base_url, keel_server.password
    marker = tag()
    title = f"Projector in the boardroom shows no signal {marker}"

    sign_in(browser, base, CLIENT_EN, password)
    number, _ = raise_ticket(browser, base, title,
                             "Connecting a laptop to the boardroom projector shows nothing.",
                             impact="department", urgency="high")
    wait_for_status(browser, PLAIN_STATUS["en"]["new"])
    sign_out(browser)

    sign_in(browser, base, TECH_ALL, password)
    search_tickets(browser, marker)
    ticket_link(browser, title)
    export = by_id(browser, "export-csv")
    href = export.get_attribute("href") or ""
    parts = urllib.parse.urlsplit(href)
    assert parts.path == "/tickets.csv", f"a#export-csv points at {href!r}"
    assert urllib.parse.parse_qs(parts.query).get("q") == [marker], \
        f"the export should carry the filter; href {href!r}"

    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    assert "keel_session" in cookies, f"no keel_session cookie; cookies: {sorted(cookies)}"
    response = requests.get(urllib.parse.urljoin(base, href),
                            cookies={"keel_session": cookies["keel_session"]},
                            timeout=30, allow_redirects=False)
    assert response.status_code == 200, f"{response.status_code}: {response.text[:500]}"
    assert response.headers.get("Content-Type", "").startswith("text/csv"), response.headers
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines and lines[0].startswith("number,title"), f"header: {lines[:1]!r}"
    rows = [line for line in lines[1:] if line.strip()]
    assert len(rows) == 1, f"q={marker} should export exactly one ticket; got {rows!r}"
    assert rows[0].startswith(f"{number},"), rows[0]
    assert title in rows[0], rows[0]

    # Without the session the export is not served.
    anonymous = requests.get(urllib.parse.urljoin(base, href), timeout=30,
                             allow_redirects=False)
    assert anonymous.status_code in (302, 303, 401, 403), anonymous.status_code
    assert str(number) not in anonymous.text
    sign_out(browser)
