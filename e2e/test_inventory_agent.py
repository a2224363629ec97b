"""The real FusionInventory agent (Debian `fusioninventory-agent` 2.6) against Keel over a real
socket: the device appears with its OS, software and disks; a second run (also uncompressed
and tagged) updates it instead of creating another; a wrong enrolment key is refused and
changes nothing.

The agent needs root to collect everything and to keep its state under
/var/lib/fusioninventory-agent; CI runs as root and .ci/run installs the package.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import requests

from conftest import ADMIN_EMAIL

TIMEOUT = 30
AGENT = shutil.which("fusioninventory-agent")

pytestmark = [
    pytest.mark.skipif(AGENT is None, reason="fusioninventory-agent is not installed (.ci/run installs it)"),
    pytest.mark.skipif(os.geteuid() != 0, reason="the agent needs root (CI runs as root)"),
]


def token(server) -> str:
    r = requests.post(server.url("/api/v1/session"), json={"email": ADMIN_EMAIL, "password": server.password},
                      timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def run_agent(server_url: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [AGENT, "--server", server_url, "--tasks=inventory", "--no-category=printer,process,environment",
         "--logger=stderr", *extra],
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


def organization_and_key(server, headers) -> tuple[str, str]:
    r = requests.get(server.url("/api/v1/organizations"), headers=headers, timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    bloom = next(o for o in r.json()["items"] if o["name"].startswith("Bloom"))
    r = requests.get(server.url(f"/api/v1/organizations/{bloom['id']}"), headers=headers, timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    key = r.json()["inventoryEnrolmentKey"]
    assert key, "provider admins see the organisation's enrolment key"
    return bloom["id"], key


def assets(server, headers, organization: str) -> list[dict]:
    """The organisation's devices reported by an agent (the demo ledger also has hand-kept ones)."""
    r = requests.get(server.url(f"/api/v1/assets?organizationId={organization}"), headers=headers, timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    return [item for item in r.json()["items"] if item.get("deviceId")]


def test_the_real_agent_fills_the_ledger_and_updates_on_the_next_run(keel_server):
    headers = {"Authorization": f"Bearer {token(keel_server)}"}
    organization, key = organization_and_key(keel_server, headers)
    assert assets(keel_server, headers, organization) == []

    # The agent's stored state is per server URL: start from none so the first run is a first contact.
    url = keel_server.url(f"/inventory/{key}")
    first = run_agent(url)
    assert first.returncode == 0, f"agent failed:\n{first.stdout}\n{first.stderr}"
    found = assets(keel_server, headers, organization)
    assert len(found) == 1, found
    asset = requests.get(keel_server.url(f"/api/v1/assets/{found[0]['id']}"), headers=headers, timeout=TIMEOUT).json()
    assert asset["kind"] == "computer"
    assert asset["osName"], asset
    assert asset["deviceId"], asset
    assert asset["softwareCount"] > 50, asset["softwareCount"]
    assert asset["disks"], asset
    software = requests.get(keel_server.url(f"/api/v1/assets/{asset['id']}/software"), headers=headers,
                            timeout=TIMEOUT).json()["items"]
    assert len(software) == asset["softwareCount"]
    installed = {row["name"] for row in software}
    assert "fusioninventory-agent" in installed, sorted(installed)[:20]

    # Uncompressed and tagged: the same device, updated.
    second = run_agent(url, "--no-compression", "--tag=keel-e2e")
    assert second.returncode == 0, f"agent failed:\n{second.stdout}\n{second.stderr}"
    again = assets(keel_server, headers, organization)
    assert len(again) == 1, "a second run must update the device, not duplicate it"
    assert again[0]["id"] == asset["id"]
    assert again[0]["lastInventoryAt"] >= asset["lastInventoryAt"]


def test_a_wrong_key_is_refused_and_changes_nothing(keel_server):
    headers = {"Authorization": f"Bearer {token(keel_server)}"}
    organization, _ = organization_and_key(keel_server, headers)
    before = assets(keel_server, headers, organization)
    refused = run_agent(keel_server.url("/inventory/ke_wrong-key"), "--force")
    output = refused.stdout + refused.stderr
    assert "403" in output or "Forbidden" in output or refused.returncode != 0, output
    assert assets(keel_server, headers, organization) == before
    r = requests.post(keel_server.url("/inventory/ke_wrong-key"), data=b"<REQUEST/>",
                      headers={"Content-Type": "application/xml", "Accept-Language": "zh-CN"}, timeout=TIMEOUT)
    assert r.status_code == 403
    assert "注册密钥" in r.text, r.text


def test_the_ledger_pages_show_the_agents_device(keel_server, browser):
    from selenium.webdriver.common.by import By

    from test_web_tickets import by_id, sign_in

    headers = {"Authorization": f"Bearer {token(keel_server)}"}
    organization, key = organization_and_key(keel_server, headers)
    if not assets(keel_server, headers, organization):
        first = run_agent(keel_server.url(f"/inventory/{key}"))
        assert first.returncode == 0, first.stderr
    device = assets(keel_server, headers, organization)[0]
    sign_in(browser, keel_server.base_url, ADMIN_EMAIL, keel_server.password)
    browser.get(keel_server.url(f"/assets?organizationId={organization}"))
    link = by_id(browser, "assets").find_element(By.LINK_TEXT, device["name"])
    link.click()
    assert by_id(browser, "asset-name").text == device["name"]
    rows = browser.find_elements(By.CSS_SELECTOR, "#software tr")
    assert len(rows) > 50, len(rows)
    assert browser.find_elements(By.CSS_SELECTOR, "#disks dt"), "disks listed"


def test_the_real_agent_answers_the_basic_challenge(keel_server):
    headers = {"Authorization": f"Bearer {token(keel_server)}"}
    organization, key = organization_and_key(keel_server, headers)
    url = keel_server.url(f"/inventory/{key}")
    if not assets(keel_server, headers, organization):
        assert run_agent(url).returncode == 0
    before = assets(keel_server, headers, organization)
    r = requests.post(keel_server.url(f"/api/v1/organizations/{organization}/inventory-auth"), headers=headers, timeout=TIMEOUT)
    assert r.status_code == 201, r.text
    credentials = r.json()
    try:
        refused = run_agent(url, "--force")
        output = refused.stdout + refused.stderr
        assert "401" in output or "Unauthorized" in output or "authentication" in output.lower(), output[-2000:]
        assert assets(keel_server, headers, organization) == before, "no inventory without the password"
        accepted = run_agent(url, "--force", f"--user={credentials['user']}", f"--password={credentials['password']}")
        assert accepted.returncode == 0, f"agent failed:\n{accepted.stdout}\n{accepted.stderr}"
        after = assets(keel_server, headers, organization)
        assert len(after) == len(before)
        assert after[0]["lastInventoryAt"] > before[0]["lastInventoryAt"], "the agent's answer to the challenge was taken"
    finally:
        requests.delete(keel_server.url(f"/api/v1/organizations/{organization}/inventory-auth"), headers=headers, timeout=TIMEOUT)
