"""Debian's prometheus-alertmanager delivering its webhook (version 4) to Keel: an alert posted to
Alertmanager's v2 API opens one incident ticket (channel `monitoring`) in the organisation the
integration token belongs to; Alertmanager's repeats do not open another; resolving the alert
resolves the ticket."""

from __future__ import annotations

import shutil
import subprocess
import time
from datetime import datetime, timezone

import pytest
import requests

from conftest import ADMIN_EMAIL, free_port, wait_until_true


def wait_for(what, check, timeout=60.0):
    return wait_until_true(what, check, timeout, every=0.5)

TIMEOUT = 30
ALERTMANAGER = shutil.which("prometheus-alertmanager")

pytestmark = pytest.mark.skipif(ALERTMANAGER is None, reason="prometheus-alertmanager is not installed (.ci/run installs it)")




def test_alerts_open_and_resolve_an_incident_ticket(keel_server, tmp_path):
    r = requests.post(keel_server.url("/api/v1/session"), json={"email": ADMIN_EMAIL, "password": keel_server.password},
                      timeout=TIMEOUT)
    admin = {"Authorization": f"Bearer {r.json()['token']}"}
    organizations = requests.get(keel_server.url("/api/v1/organizations"), headers=admin, timeout=TIMEOUT).json()["items"]
    green = next(o for o in organizations if o["name"].startswith("Green"))
    r = requests.post(keel_server.url("/api/v1/tokens"), json={"name": "alertmanager", "organizationId": green["id"]},
                      headers=admin, timeout=TIMEOUT)
    assert r.status_code == 201, r.text
    integration = r.json()["token"]

    port = free_port()
    config = tmp_path / "alertmanager.yml"
    config.write_text(f"""
route:
  receiver: keel
  group_by: [alertname, instance]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: keel
    webhook_configs:
      - url: {keel_server.url('/api/v1/integrations/alertmanager')}
        send_resolved: true
        http_config:
          authorization:
            credentials: {integration}
""")
    log = open(tmp_path / "alertmanager.log", "wb")
    manager = subprocess.Popen([ALERTMANAGER, f"--config.file={config}", f"--storage.path={tmp_path / 'data'}",
                                f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="],
                               stdout=log, stderr=subprocess.STDOUT)
    api = f"http://127.0.0.1:{port}/api/v2/alerts"
    try:
        wait_for("alertmanager to answer", lambda: _ready(port), timeout=30)
        alert = {"labels": {"alertname": "DiskFull", "instance": "fileserver-e2e", "severity": "critical"},
                 "annotations": {"summary": "Disk almost full on fileserver-e2e"}}
        r = requests.post(api, json=[alert], timeout=TIMEOUT)
        assert r.status_code == 200, r.text

        def incident():
            r = requests.get(keel_server.url("/api/v1/tickets"), params={"q": "fileserver-e2e"}, headers=admin, timeout=TIMEOUT)
            items = r.json()["items"]
            return items if items else None
        tickets = wait_for("the incident ticket", incident)
        assert len(tickets) == 1
        ticket = tickets[0]
        assert ticket["channel"] == "monitoring"
        assert ticket["organizationId"] == green["id"]
        assert ticket["priority"] == "critical", ticket["priority"]

        # The same alert again (Alertmanager keeps it firing): still one ticket.
        requests.post(api, json=[alert], timeout=TIMEOUT)
        time.sleep(4)
        assert len(incident()) == 1

        ended = dict(alert, endsAt=datetime.now(timezone.utc).isoformat())
        requests.post(api, json=[ended], timeout=TIMEOUT)

        def resolved():
            r = requests.get(keel_server.url(f"/api/v1/tickets/{ticket['id']}"), headers=admin, timeout=TIMEOUT)
            return r.json()["status"] == "resolved"
        wait_for("the ticket to be resolved by the resolved alert", resolved)
    finally:
        manager.terminate()
        manager.wait(timeout=20)
        log.close()


def _ready(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/-/ready", timeout=2).status_code == 200
    except requests.RequestException:
        return False
