"""Keel's notification mail arriving at a real SMTP server (aiosmtpd on loopback), parsed back
with Python's email library: the acknowledgement in the client's language with the subject tag
and Keel's automatic-mail headers, a reply threaded under it, and a relay that refuses mail
leaving the failure visible through the API."""

from __future__ import annotations

import email
import email.policy
import ssl
import threading

import pytest
import requests
from aiosmtpd.controller import Controller

from conftest import ADMIN_EMAIL, bearer_for as session, free_port, wait_until_true as wait_for
from test_mail_inbound import start_server, stop_server

TIMEOUT = 30
CLIENT_ZH = "wang.fang@huaxin-design.example"


class Collector:
    def __init__(self, refuse: bool = False):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse = refuse
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "550 5.7.1 Relaying denied"
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def relay():
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, collector
    controller.stop()






def test_notifications_reach_a_real_smtp_server_threaded_and_in_chinese(e2e_tmp, relay):
    controller, collector = relay
    server = start_server(e2e_tmp, {"KEEL_SMTP_RELAY_HOST": "127.0.0.1", "KEEL_SMTP_RELAY_PORT": str(controller.port),
                                    "KEEL_MAIL_FROM": "help@keel.test"})
    try:
        client = session(server, CLIENT_ZH)
        r = requests.post(server.url("/api/v1/tickets"), json={"title": "邮件通知测试", "impact": "user", "urgency": "high"},
                          headers=client, timeout=TIMEOUT)
        assert r.status_code == 201, r.text
        ticket = r.json()

        def acknowledgement():
            with collector.lock:
                return [m for m in collector.messages if f"#{ticket['number']}]" in str(m["Subject"])]
        ack = wait_for("the acknowledgement at the SMTP server", acknowledgement)[0]
        subject = str(ack["Subject"])
        assert f"[Keel #{ticket['number']}]" in subject and "邮件通知测试" in subject, subject
        assert ack["To"].addresses[0].addr_spec == CLIENT_ZH
        assert ack["Auto-Submitted"] == "auto-generated"
        assert ack["X-Auto-Response-Suppress"] == "All"
        assert ack["Message-ID"]
        assert ack.get_content_type() == "multipart/alternative"
        text = ack.get_body(preferencelist=("plain",)).get_content()
        html = ack.get_body(preferencelist=("html",)).get_content()
        assert "我们已收到您的请求" in text and "我们已收到您的请求" in html, text

        staff = session(server, "tech3@keel.test")
        r = requests.post(server.url(f"/api/v1/tickets/{ticket['id']}/comments"), json={"body": "请重启路由器后再试。"},
                          headers=staff, timeout=TIMEOUT)
        assert r.status_code == 201, r.text

        def reply():
            with collector.lock:
                return [m for m in collector.messages if "请重启路由器" in m.get_body(preferencelist=("plain",)).get_content()]
        answer = wait_for("the reply notification", reply)[0]
        assert answer["In-Reply-To"] == ack["Message-ID"], (answer["In-Reply-To"], ack["Message-ID"])
        assert ack["Message-ID"] in answer["References"]
    finally:
        stop_server(server)


def test_a_refusing_relay_leaves_the_failure_visible(e2e_tmp):
    collector = Collector(refuse=True)
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    server = start_server(e2e_tmp, {"KEEL_SMTP_RELAY_HOST": "127.0.0.1", "KEEL_SMTP_RELAY_PORT": str(controller.port)})
    try:
        client = session(server, "j.patel@greenlaw.example")
        r = requests.post(server.url("/api/v1/tickets"), json={"title": "Refused relay"}, headers=client, timeout=TIMEOUT)
        assert r.status_code == 201, r.text
        admin = session(server, ADMIN_EMAIL)

        def failed():
            r = requests.get(server.url("/api/v1/mail/outbox"), params={"status": "failed"}, headers=admin, timeout=TIMEOUT)
            assert r.status_code == 200, r.text
            return r.json()["items"]
        items = wait_for("the failed delivery in the outbox", failed)
        assert "550" in (items[0]["lastError"] or ""), items[0]
    finally:
        stop_server(server)
        controller.stop()


def test_relay_over_starttls_with_authentication(e2e_tmp, tmp_path):
    from aiosmtpd.smtp import AuthResult

    from test_mail_inbound import make_certificate
    cert, key = make_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"keel" and auth_data.password == b"relay-secret"
        logins.append((mechanism, ok))
        return AuthResult(success=ok)

    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port(), tls_context=context, require_starttls=True,
                            authenticator=authenticator, auth_require_tls=True)
    controller.start()
    server = start_server(e2e_tmp, {"KEEL_SMTP_RELAY_HOST": "127.0.0.1", "KEEL_SMTP_RELAY_PORT": str(controller.port),
                                    "KEEL_SMTP_RELAY_SECURITY": "starttls", "KEEL_SMTP_RELAY_CA_FILE": cert,
                                    "KEEL_SMTP_RELAY_USER": "keel", "KEEL_SMTP_RELAY_PASSWORD": "relay-secret"})
    try:
        client = session(server, "j.patel@greenlaw.example")
        r = requests.post(server.url("/api/v1/tickets"), json={"title": "Over TLS E2E-RELAY-TLS"}, headers=client, timeout=TIMEOUT)
        assert r.status_code == 201, r.text

        def delivered():
            with collector.lock:
                return [m for m in collector.messages if "E2E-RELAY-TLS" in str(m["Subject"])]
        wait_for("the acknowledgement through the TLS relay", delivered)
        assert ("PLAIN", True) in logins, logins
    finally:
        stop_server(server)
        controller.stop()
