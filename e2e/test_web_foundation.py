"""The web UI's foundation in a real browser: sign-in, navigation in both languages,
organisations, people, sign-out, and the session cookie's flags."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from selenium.common.exceptions import (NoSuchElementException, StaleElementReferenceException,
                                        WebDriverException)
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ADMIN_EMAIL

WAIT = 30

NAV_EN = {
    "nav-home": "Home",
    "nav-organizations": "Organizations",
    "nav-users": "People",
    "nav-audit": "Audit log",
    "nav-tokens": "API tokens",
    "nav-account": "My account",
}
NAV_ZH = {
    "nav-home": "首页",
    "nav-organizations": "客户组织",
    "nav-users": "人员",
    "nav-audit": "审计日志",
    "nav-tokens": "API 令牌",
    "nav-account": "我的账户",
}

ORG_NAME = "测试科技 Test Tech"
PERSON_NAME = "王小明 Test Person"
PERSON_EMAIL = "xiaoming@testtech.example"
PERSON_PASSWORD = "correct horse battery staple 9"


# --- helpers ----------------------------------------------------------------------------------

def wait(driver: WebDriver, timeout: float = WAIT) -> WebDriverWait:
    # Pages change under the conditions (a submit navigates): retry instead of failing.
    return WebDriverWait(driver, timeout, poll_frequency=0.1,
                         ignored_exceptions=(NoSuchElementException,
                                             StaleElementReferenceException))


def path_of(driver: WebDriver) -> str:
    return urllib.parse.urlsplit(driver.current_url).path


def wait_for_path(driver: WebDriver, pattern: str) -> str:
    """Waits until the current path matches the regex `pattern` (whole path)."""
    regex = re.compile(pattern)
    try:
        wait(driver).until(lambda d: regex.fullmatch(path_of(d)))
    except Exception:
        pytest.fail(f"expected a page at {pattern!r}, browser is at {driver.current_url}")
    return path_of(driver)


def by_id(driver: WebDriver, element_id: str):
    return wait(driver).until(EC.presence_of_element_located((By.ID, element_id)))


def fill(driver: WebDriver, element_id: str, text: str) -> None:
    field = by_id(driver, element_id)
    field.clear()
    field.send_keys(text)


def click(driver: WebDriver, element_id: str) -> None:
    wait(driver).until(EC.element_to_be_clickable((By.ID, element_id))).click()


def enclosing_form(element):
    return element.find_element(By.XPATH, "./ancestor::form[1]")


def assert_posts_to(element, path: str) -> None:
    form = enclosing_form(element)
    assert (form.get_attribute("method") or "").lower() == "post", "form must use POST"
    action = urllib.parse.urlsplit(form.get_attribute("action") or "").path
    assert action == path, f"form posts to {action!r}, expected {path!r}"


def nav_text(driver: WebDriver, element_id: str) -> str:
    nav = by_id(driver, "main-nav")
    return " ".join(nav.find_element(By.ID, element_id).text.split())


def html_lang(driver: WebDriver) -> str:
    # Read in one script call: an element handle can belong to the page that is being replaced
    # ("Node with given id does not belong to the document"); mid-navigation, try again.
    try:
        return driver.execute_script("return document.documentElement.lang") or ""
    except WebDriverException:
        return ""


def sign_in(driver: WebDriver, base_url: str, email: str, password: str) -> None:
    driver.get(base_url + "/login")
    fill(driver, "email", email)
    fill(driver, "password", password)
    click(driver, "login-submit")


def sign_in_ok(driver: WebDriver, base_url: str, email: str, password: str) -> None:
    sign_in(driver, base_url, email, password)
    wait_for_path(driver, "/")
    by_id(driver, "main-nav")


def sign_out(driver: WebDriver) -> None:
    button = by_id(driver, "logout")
    assert_posts_to(button, "/logout")
    click(driver, "logout")
    wait_for_path(driver, "/login")
    by_id(driver, "login-submit")


def option_values(select_element) -> list[str]:
    return [o.get_attribute("value") for o in Select(select_element).options]


def disable_client_validation(driver: WebDriver) -> None:
    """Lets an invalid form reach the server, which must validate on its own."""
    driver.execute_script(
        "for (const f of document.forms) f.noValidate = true;"
        "for (const e of document.querySelectorAll('[required],[pattern],[minlength]')) {"
        "  e.removeAttribute('required'); e.removeAttribute('pattern');"
        "  e.removeAttribute('minlength'); }")


def visible_errors(driver: WebDriver) -> list:
    return [e for e in driver.find_elements(By.CSS_SELECTOR, ".flash-error, .field-error")
            if e.is_displayed()]


# --- tests ------------------------------------------------------------------------------------

def test_login_page_has_the_form_fields(browser, keel_server):
    browser.get(keel_server.url("/login"))
    assert by_id(browser, "email").get_attribute("name") == "email"
    password = by_id(browser, "password")
    assert password.get_attribute("name") == "password"
    assert password.get_attribute("type") == "password"
    by_id(browser, "login-submit")


def test_wrong_password_shows_an_error_and_no_session(browser, keel_server):
    sign_in(browser, keel_server.base_url, ADMIN_EMAIL, "not-the-password-123")
    error = wait(browser).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".flash-error")))
    assert error.text.strip(), ".flash-error is empty"
    assert path_of(browser) == "/login"
    by_id(browser, "login-submit")
    browser.get(keel_server.url("/"))
    wait_for_path(browser, "/login")


def test_session_cookie_is_httponly_and_samesite(browser, keel_server):
    sign_in_ok(browser, keel_server.base_url, ADMIN_EMAIL, keel_server.password)
    cookies = {c["name"]: c for c in browser.get_cookies()}
    assert "keel_session" in cookies, f"no keel_session cookie; cookies: {sorted(cookies)}"
    cookie = cookies["keel_session"]
    assert cookie.get("httpOnly") is True, cookie
    assert cookie.get("sameSite") in ("Lax", "Strict"), cookie


def test_admin_switches_to_chinese_creates_organization_and_person_who_can_sign_in(
        browser, keel_server):
    base = keel_server.base_url
    sign_in_ok(browser, base, ADMIN_EMAIL, keel_server.password)

    # English navigation.
    for element_id, text in NAV_EN.items():
        assert nav_text(browser, element_id) == text, element_id
    assert html_lang(browser).startswith("en")

    # Switch to Chinese.
    assert_posts_to(by_id(browser, "lang-en"), "/account/language")
    assert_posts_to(by_id(browser, "lang-zh-Hans"), "/account/language")
    click(browser, "lang-zh-Hans")
    wait(browser).until(lambda d: html_lang(d) == "zh-Hans")
    wait(browser).until(lambda d: nav_text(d, "nav-organizations") == "客户组织")
    for element_id, text in NAV_ZH.items():
        assert nav_text(browser, element_id) == text, element_id

    # A new organisation.
    click(browser, "nav-organizations")
    wait_for_path(browser, "/organizations")
    by_id(browser, "organizations")
    click(browser, "new-organization")
    wait_for_path(browser, "/organizations/new")
    fill(browser, "org-name", ORG_NAME)
    language = by_id(browser, "org-language")
    assert {"en", "zh-Hans"} <= set(option_values(language))
    Select(language).select_by_value("zh-Hans")
    fill(browser, "org-timezone", "Asia/Shanghai")
    fill(browser, "org-domains", "testtech.example")
    click(browser, "org-submit")
    org_path = wait_for_path(browser, r"/organizations/(?!new$)[^/]+")
    org_id = org_path.rsplit("/", 1)[1]
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "org-title"), ORG_NAME))

    browser.get(base + "/organizations")
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "organizations"), ORG_NAME))

    # A new person in it.
    click(browser, "nav-users")
    wait_for_path(browser, "/users")
    by_id(browser, "users")
    click(browser, "new-user")
    wait_for_path(browser, "/users/new")
    fill(browser, "user-name", PERSON_NAME)
    fill(browser, "user-email", PERSON_EMAIL)
    role = by_id(browser, "user-role")
    assert {"provider_admin", "technician", "client_admin", "client_user"} <= set(
        option_values(role))
    Select(role).select_by_value("client_user")
    organization = by_id(browser, "user-organization")
    values = option_values(organization)
    assert values and values[0] == "", f"first option must be '' (none); got {values[:3]}"
    assert org_id in values, f"organisation {org_id} not offered; options: {values}"
    Select(organization).select_by_value(org_id)
    language = by_id(browser, "user-language")
    assert {"en", "zh-Hans"} <= set(option_values(language))
    Select(language).select_by_value("zh-Hans")
    fill(browser, "user-password", PERSON_PASSWORD)
    click(browser, "user-submit")
    wait_for_path(browser, r"/users/(?!new$)[^/]+")
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "user-title"), PERSON_NAME))

    browser.get(base + "/users")
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "users"), PERSON_NAME))

    # Sign out, and the new person signs in.
    sign_out(browser)
    sign_in_ok(browser, base, PERSON_EMAIL, PERSON_PASSWORD)
    sign_out(browser)


def test_language_switch_back_to_english(browser, keel_server):
    sign_in_ok(browser, keel_server.base_url, ADMIN_EMAIL, keel_server.password)
    click(browser, "lang-zh-Hans")
    wait(browser).until(lambda d: html_lang(d) == "zh-Hans")
    click(browser, "lang-en")
    wait(browser).until(lambda d: html_lang(d).startswith("en"))
    wait(browser).until(lambda d: nav_text(d, "nav-organizations") == "Organizations")


def test_organization_form_rejects_invalid_input(browser, keel_server):
    sign_in_ok(browser, keel_server.base_url, ADMIN_EMAIL, keel_server.password)

    # No name.
    browser.get(keel_server.url("/organizations/new"))
    by_id(browser, "org-name")
    disable_client_validation(browser)
    fill(browser, "org-timezone", "Europe/London")
    click(browser, "org-submit")
    wait(browser).until(lambda d: visible_errors(d))
    by_id(browser, "org-name")
    assert not re.fullmatch(r"/organizations/(?!new$)[^/]+", path_of(browser))

    # A time zone that does not exist.
    browser.get(keel_server.url("/organizations/new"))
    by_id(browser, "org-name")
    disable_client_validation(browser)
    fill(browser, "org-name", "Bad Zone Ltd")
    fill(browser, "org-timezone", "Mars/Olympus_Mons")
    click(browser, "org-submit")
    wait(browser).until(lambda d: visible_errors(d))
    by_id(browser, "org-submit")
