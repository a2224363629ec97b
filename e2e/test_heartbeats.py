"""Push heartbeats with the real curl, as a backup script or a cron job would send them: the
one-liners Keel shows work as given, a failure with its log opens an incident ticket, and the
next success resolves it."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import requests

from conftest import ADMIN_EMAIL

TIMEOUT = 30
CURL = shutil.which("curl")


@pytest.mark.skipif(CURL is None, reason="curl is not installed (.ci/run installs it)")
def test_curl_pings_drive_the_check_and_its_incident(keel_server, tmp_path):
    r = requests.post(keel_server.url("/api/v1/session"), json={"email": ADMIN_EMAIL, "password": keel_server.password},
                      timeout=TIMEOUT)
    admin = {"Authorization": f"Bearer {r.json()['token']}"}
    organizations = requests.get(keel_server.url("/api/v1/organizations"), headers=admin, timeout=TIMEOUT).json()["items"]
    bloom = next(o for o in organizations if o["name"].startswith("Bloom"))
    r = requests.post(keel_server.url("/api/v1/checks"), headers=admin, timeout=TIMEOUT,
                      json={"organizationId": bloom["id"], "name": "Till backup E2E", "periodSeconds": 86400, "graceSeconds": 3600})
    assert r.status_code == 201, r.text
    check = r.json()
    url = check["pingUrl"]
    assert check["curlCommands"][0].startswith("curl -fsS") and url in check["curlCommands"][0]

    subprocess.run([CURL, "-fsS", "-m", "10", url], check=True, capture_output=True, timeout=30)
    state = requests.get(keel_server.url(f"/api/v1/checks/{check['id']}"), headers=admin, timeout=TIMEOUT).json()
    assert state["status"] == "up", state

    log = tmp_path / "backup.log"
    log.write_text("rsync: write failed on /mnt/nas: No space left on device (28)\n")
    subprocess.run([CURL, "-fsS", "-m", "10", "--data-binary", f"@{log}", f"{url}/fail"], check=True, capture_output=True, timeout=30)
    state = requests.get(keel_server.url(f"/api/v1/checks/{check['id']}"), headers=admin, timeout=TIMEOUT).json()
    assert state["status"] == "failed", state
    assert state["incidentTicketId"], state
    ticket = requests.get(keel_server.url(f"/api/v1/tickets/{state['incidentTicketId']}"), headers=admin, timeout=TIMEOUT).json()
    assert ticket["channel"] == "monitoring" and ticket["organizationId"] == bloom["id"], ticket

    subprocess.run([CURL, "-fsS", "-m", "10", f"{url}/0"], check=True, capture_output=True, timeout=30)
    ticket = requests.get(keel_server.url(f"/api/v1/tickets/{state['incidentTicketId']}"), headers=admin, timeout=TIMEOUT).json()
    assert ticket["status"] == "resolved", ticket["status"]

    unknown = subprocess.run([CURL, "-sS", "-o", "/dev/null", "-w", "%{http_code}", keel_server.url("/ping/no-such-key")],
                             capture_output=True, text=True, timeout=30)
    assert unknown.stdout == "404"
