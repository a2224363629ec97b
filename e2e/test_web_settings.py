"""Service-desk settings and list order in a real browser: a provider admin changes the
priority matrix on its page, and a technician sorts the ticket list by priority and pages
through it with the order kept."""

from __future__ import annotations

import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_web_tickets import TECH_ALL, by_id, click, sign_in, sign_out, wait_for_path, wait_until

ADMIN = "admin@keel.test"
RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def row_ranks(driver) -> list[int]:
    spans = driver.find_elements(By.CSS_SELECTOR, "#tickets tbody span.priority")
    ranks = []
    for span in spans:
        code = next((c[2:] for c in (span.get_attribute("class") or "").split() if c.startswith("p-")), "")
        ranks.append(RANK[code])
    return ranks


def test_admin_changes_the_priority_matrix(browser, keel_server):
    base, password = keel_server.base_url, keel_server.password
    sign_in(browser, base, ADMIN, password)
    browser.get(base + "/calendars")
    click(browser, "priority-matrix-link")
    wait_for_path(browser, "/priority-matrix")
    cell = Select(by_id(browser, "cell-user_high"))
    assert cell.first_selected_option.get_attribute("value") == "medium", "the built-in matrix"
    cell.select_by_value("high")
    click(browser, "matrix-submit")
    wait_until(browser, lambda d: "notice=saved" in d.current_url, "the saved notice")
    cell = Select(by_id(browser, "cell-user_high"))
    assert cell.first_selected_option.get_attribute("value") == "high", "the change is kept"
    sign_out(browser)

    # A technician can read the matrix but not change it.
    sign_in(browser, base, TECH_ALL, password)
    browser.get(base + "/priority-matrix")
    assert not by_id(browser, "cell-user_high").is_enabled()
    assert not browser.find_elements(By.ID, "matrix-submit")
    sign_out(browser)


def test_ticket_list_sorts_by_priority_across_pages(browser, keel_server):
    base, password = keel_server.base_url, keel_server.password
    sign_in(browser, base, TECH_ALL, password)
    browser.get(base + "/tickets")
    Select(by_id(browser, "filter-sort")).select_by_value("priority")
    click(browser, "filter-submit")
    wait_until(browser, lambda d: "sort=priority" in d.current_url, "the sorted list")
    first = row_ranks(browser)
    assert len(first) == 50, f"a full first page of demo tickets, got {len(first)}"
    assert first == sorted(first), f"most urgent first: {first}"
    href = by_id(browser, "tickets-next").get_attribute("href") or ""
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(href).query).get("sort") == ["priority"], href
    click(browser, "tickets-next")
    wait_until(browser, lambda d: "cursor=" in d.current_url, "the second page")
    second = row_ranks(browser)
    assert second and second == sorted(second) and second[0] >= first[-1], (first[-5:], second[:5])
    assert Select(by_id(browser, "filter-sort")).first_selected_option.get_attribute("value") == "priority"
    sign_out(browser)
