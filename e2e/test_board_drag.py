"""The board's drag and drop (a few lines of JavaScript over the button forms)."""
import requests
from selenium.webdriver.common.by import By

from test_web_tickets import sign_in, wait_until, tag

DROP = """
const card = document.getElementById(arguments[0]);
const column = document.getElementById(arguments[1]);
const data = new DataTransfer();
card.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: data}));
column.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: data}));
column.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: data}));
"""


def test_dragging_a_card_to_another_column_moves_the_ticket(keel_server, browser):
    base = keel_server.base_url
    session = requests.post(f"{base}/api/v1/session",
                            json={"email": "j.patel@greenlaw.example", "password": keel_server.password}, timeout=30)
    token = session.json()["token"]
    title = f"Drag me {tag()}"
    created = requests.post(f"{base}/api/v1/tickets", json={"title": title},
                            headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
    number = created["number"]
    sign_in(browser, base, "tech1@keel.test", keel_server.password)
    browser.get(f"{base}/board")
    wait_until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"#column-new #card-{number}"), "card in New")
    card = browser.find_element(By.ID, f"card-{number}")
    assert card.get_attribute("draggable") == "true"
    # A drop where the move is not legal does nothing (new → closed is not a transition).
    browser.execute_script(DROP, f"card-{number}", "column-new")
    browser.execute_script(DROP, f"card-{number}", "column-open")
    wait_until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"#column-open #card-{number}"), "card moved to Open")
    ticket = requests.get(f"{base}/api/v1/tickets/{created['id']}", headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
    assert ticket["status"] == "open"
