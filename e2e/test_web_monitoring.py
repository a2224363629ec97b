"""Monitoring managed in a real browser: a provider admin adds an HTTP check for a client from
the form, Keel's runner probes a real HTTP server started here, the check goes down when the
server fails and the admin (its contact) is told in Keel; then a maintenance window is planned
from its page and shown in words."""

from __future__ import annotations

import http.server
import threading

from selenium.webdriver.support.ui import Select

from test_web_assets import text_of
from test_web_tickets import by_id, click, fill, sign_in, wait_for_path, wait_until


class Target(http.server.BaseHTTPRequestHandler):
    failing = False

    def do_GET(self):  # noqa: N802 (the standard library's name)
        status = 500 if Target.failing else 200
        body = b"broken" if Target.failing else b"shop is open"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_check_is_added_in_the_browser_goes_down_and_tells_its_contact(keel_server, browser):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Target)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = keel_server.base_url
        sign_in(browser, base, "admin@keel.test", keel_server.password)
        browser.get(base + "/monitoring")
        click(browser, "new-check")
        Select(by_id(browser, "check-organization")).select_by_visible_text("Bloom Florists")
        Select(by_id(browser, "check-type")).select_by_value("http")
        click(browser, "check-continue")
        fill(browser, "check-name", "Shop website")
        fill(browser, "check-target", f"http://127.0.0.1:{server.server_address[1]}/")
        fill(browser, "check-interval", "20")
        fill(browser, "check-retries", "0")
        fill(browser, "check-keyword", "shop is open")
        click(browser, "check-submit")
        check_path = wait_for_path(browser, "/monitoring/checks/[0-9A-Fa-f-]{36}")

        def status_is(label):
            def probe(driver):
                driver.get(base + check_path)
                return label in text_of(driver, "check-status")
            return probe

        # The first run is spread over the 20 s interval; then every 20 s.
        wait_until(browser, status_is("Up"), "the check to come up", timeout=60)
        Target.failing = True
        wait_until(browser, status_is("Down"), "the check to go down", timeout=60)
        browser.get(base + "/notifications")
        wait_until(browser, lambda d: "Shop website is down" in d.page_source, "the contact's notification")

        # Plan a weekly window for the same client from the maintenance page.
        browser.get(base + "/monitoring/maintenance")
        Select(by_id(browser, "maintenance-organization")).select_by_visible_text("Bloom Florists")
        by_id(browser, "maintenance-organization").submit()
        fill(browser, "maintenance-name", "Till updates")
        Select(by_id(browser, "maintenance-kind")).select_by_value("weekly")
        browser.find_element("css selector", "input[name='weekdays[]'][value='sun']").click()
        fill(browser, "maintenance-duration", "60")
        click(browser, "maintenance-submit")
        wait_until(browser, lambda d: "Till updates" in text_of(d, "maintenance-windows"), "the planned window listed")
        assert "Every Sunday at 02:00" in text_of(browser, "maintenance-windows")
    finally:
        Target.failing = False
        server.shutdown()
