"""Inbound mail over a real socket: Python's smtplib delivers to Keel's SMTP listener, and the
same kind of message goes through `keel mail-in`; Chinese GBK mail becomes a ticket, a reply
threads onto it, an out-of-office reply makes nothing, an unknown sender waits in quarantine,
an oversized message is refused with 552, and a server killed right after "250" still makes
the ticket when it comes back."""

from __future__ import annotations

import os
import signal
import smtplib
import ssl
import subprocess
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import make_msgid

import pytest
import requests

from conftest import (ADMIN_EMAIL, DEMO_PASSWORD, KeelEnv, KeelServer, _running_servers, bearer_for, free_port,
                      wait_until_true)


def token(server, email=ADMIN_EMAIL) -> dict:
    return bearer_for(server, email)


def wait_for(what, check, timeout=20.0):
    return wait_until_true(what, check, timeout)

TIMEOUT = 30
CLIENT_ZH = "wang.fang@huaxin-design.example"


def start_server(root, extra: dict[str, str], keel: KeelEnv | None = None) -> KeelServer:
    keel = keel or KeelEnv.create(root)
    port = free_port()
    env = dict(keel.env)
    env.update({"KEEL_PORT": str(port), "KEEL_ADDRESS": "127.0.0.1", **extra})
    server = KeelServer(base_url=f"http://127.0.0.1:{port}", port=port, password=DEMO_PASSWORD,
                        data_dir=keel.data_dir, env=env, log_path=keel.data_dir.parent / f"keel-{port}.log", keel=keel)
    server.start()
    _running_servers.append(server)
    return server


def stop_server(server: KeelServer) -> None:
    server.stop()
    if server in _running_servers:
        _running_servers.remove(server)


@pytest.fixture(scope="module")
def mail_server(e2e_tmp):
    smtp_port = free_port()
    server = start_server(e2e_tmp, {"KEEL_SMTP_ADDRESS": "127.0.0.1", "KEEL_SMTP_PORT": str(smtp_port),
                                    "KEEL_MAIL_MAX_BYTES": str(200_000)})
    server.smtp_port = smtp_port
    yield server
    stop_server(server)






def find_ticket(server, headers, text):
    r = requests.get(server.url("/api/v1/tickets"), params={"q": text}, headers=headers, timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    return items[0] if items else None


def chinese_mail(subject: str, body: str, sender=CLIENT_ZH) -> MIMEMultipart:
    message = MIMEMultipart()
    message["From"] = f"{Header('王芳', 'gbk').encode()} <{sender}>"
    message["To"] = "help@keel.test"
    message["Subject"] = Header(subject, "gbk").encode()
    message["Message-ID"] = make_msgid(domain="huaxin-design.example")
    message.attach(MIMEText(body, "plain", "gbk"))
    attachment = MIMEApplication(b"\x89PNG fake screenshot", Name="错误截图.png")
    attachment.add_header("Content-Disposition", "attachment", filename=("utf-8", "", "错误截图.png"))
    message.attach(attachment)
    return message


def send(server, message, sender=CLIENT_ZH):
    with smtplib.SMTP("127.0.0.1", server.smtp_port, timeout=TIMEOUT) as smtp:
        smtp.ehlo("client.example")
        return smtp.sendmail(sender, ["help@keel.test"], message.as_bytes())


def test_gbk_mail_becomes_a_ticket_and_a_reply_threads_onto_it(mail_server):
    headers = token(mail_server)
    first = chinese_mail("打印机无法连接 E2E-邮件", "财务部的打印机从今天早上开始无法连接，请尽快处理。")
    assert send(mail_server, first) == {}
    ticket = wait_for("the ticket from the mail", lambda: find_ticket(mail_server, headers, "E2E-邮件"))
    assert ticket["channel"] == "email"
    assert "打印机无法连接" in ticket["title"]
    r = requests.get(mail_server.url(f"/api/v1/tickets/{ticket['id']}/attachments"), headers=headers, timeout=TIMEOUT)
    assert [a["fileName"] for a in r.json()["items"]] == ["错误截图.png"]

    # An iPhone-style reply: no tag in the subject, threaded by In-Reply-To / References.
    reply = MIMEText("打印机还是不行。\n\n在 2026年11月23日，Keel 写道：\n> 我们已收到您的请求", "plain", "utf-8")
    reply["From"] = CLIENT_ZH
    reply["To"] = "help@keel.test"
    reply["Subject"] = Header("回复：打印机无法连接", "utf-8").encode()
    reply["In-Reply-To"] = first["Message-ID"]
    reply["References"] = first["Message-ID"]
    reply["Message-ID"] = make_msgid(domain="huaxin-design.example")
    send(mail_server, reply)

    def comments():
        r = requests.get(mail_server.url(f"/api/v1/tickets/{ticket['id']}/comments"), headers=headers, timeout=TIMEOUT)
        return [c for c in r.json()["items"] if "还是不行" in c["body"]]
    found = wait_for("the reply on the ticket", comments)
    assert "我们已收到您的请求" not in found[0]["body"], "quoted history is trimmed from the comment"


def test_noise_quarantine_and_limits(mail_server):
    headers = token(mail_server)
    ooo = MIMEText("I am out of the office until Monday.", "plain", "utf-8")
    ooo["From"] = "j.patel@greenlaw.example"
    ooo["Subject"] = "Automatic reply: E2E-OOO"
    ooo["Auto-Submitted"] = "auto-replied"
    send(mail_server, ooo, sender="j.patel@greenlaw.example")
    stranger = MIMEText("Hello, I would like a quote. E2E-STRANGER", "plain", "utf-8")
    stranger["From"] = "someone@unknown-company.example"
    stranger["Subject"] = "Quote request E2E-STRANGER"
    send(mail_server, stranger, sender="someone@unknown-company.example")

    def quarantined():
        r = requests.get(mail_server.url("/api/v1/mail/quarantine"), headers=headers, timeout=TIMEOUT)
        return [m for m in r.json()["items"] if "E2E-STRANGER" in (m["subject"] or "")]
    held = wait_for("the stranger's mail in quarantine", quarantined)[0]
    assert held["reason"] == "unknown_sender"
    r = requests.get(mail_server.url("/api/v1/mail/quarantine?status=all"), headers=headers, timeout=TIMEOUT)
    ignored = [m for m in r.json()["items"] if "E2E-OOO" in (m["subject"] or "")]
    assert ignored and ignored[0]["status"] == "ignored" and ignored[0]["reason"] == "auto_reply", ignored
    assert find_ticket(mail_server, headers, "E2E-OOO") is None

    organizations = requests.get(mail_server.url("/api/v1/organizations"), headers=headers, timeout=TIMEOUT).json()["items"]
    bloom = next(o for o in organizations if o["name"].startswith("Bloom"))
    r = requests.post(mail_server.url(f"/api/v1/mail/quarantine/{held['id']}/accept"), json={"organizationId": bloom["id"]},
                      headers=headers, timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "processed" and r.json()["ticketId"], r.json()

    too_big = MIMEText("x" * 300_000, "plain", "utf-8")
    too_big["From"] = CLIENT_ZH
    too_big["Subject"] = "too big"
    with pytest.raises((smtplib.SMTPSenderRefused, smtplib.SMTPDataError)) as refused:
        send(mail_server, too_big)
    assert refused.value.smtp_code == 552


def test_mail_in_reads_standard_input(mail_server):
    headers = token(mail_server)
    message = chinese_mail("共享盘打不开 E2E-MAILIN", "共享盘从昨天开始打不开。")
    proc = mail_server.run_keel(["mail-in", "--recipient", "help@keel.test"], input=message.as_string())
    assert proc.returncode == 0, proc.stderr
    wait_for("the ticket from keel mail-in", lambda: find_ticket(mail_server, headers, "E2E-MAILIN"))
    # No database to store into: exit 75 so the MTA tries again later.
    broken = mail_server.run_keel(["mail-in"], input=message.as_string(),
                                  env_extra={"KEEL_DATA_DIR": "/proc/keel-nowhere", "DATABASE_URL": ""})
    assert broken.returncode == 75, (broken.returncode, broken.stderr)


def test_a_server_killed_after_250_makes_the_ticket_on_restart(e2e_tmp):
    keel = KeelEnv.create(e2e_tmp)
    smtp_port = free_port()
    extra = {"KEEL_SMTP_ADDRESS": "127.0.0.1", "KEEL_SMTP_PORT": str(smtp_port)}
    slow = start_server(e2e_tmp, {**extra, "KEEL_MAIL_PROCESS_DELAY_MS": "60000"}, keel=keel)
    slow.smtp_port = smtp_port
    message = chinese_mail("服务器重启测试 E2E-KILL", "这封邮件在处理之前服务器被强制终止。")
    assert send(slow, message) == {}
    os.killpg(slow.process.pid, signal.SIGKILL)
    slow.process.wait(timeout=15)
    stop_server(slow)
    again = start_server(e2e_tmp, extra, keel=keel)
    try:
        headers = token(again)
        ticket = wait_for("the ticket after the restart", lambda: find_ticket(again, headers, "E2E-KILL"))
        assert ticket["channel"] == "email"
    finally:
        stop_server(again)


def make_certificate(directory) -> tuple[str, str]:
    """A throwaway self-signed certificate for 127.0.0.1 (openssl from Debian)."""
    cert, key = str(directory / "smtp-cert.pem"), str(directory / "smtp-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def test_starttls_when_a_certificate_is_configured(e2e_tmp, tmp_path):
    cert, key = make_certificate(tmp_path)
    smtp_port = free_port()
    server = start_server(e2e_tmp, {"KEEL_SMTP_ADDRESS": "127.0.0.1", "KEEL_SMTP_PORT": str(smtp_port),
                                    "KEEL_SMTP_TLS_CERT": cert, "KEEL_SMTP_TLS_KEY": key})
    try:
        context = ssl.create_default_context(cafile=cert)
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=TIMEOUT) as smtp:
            smtp.ehlo("client.example")
            assert smtp.has_extn("starttls")
            smtp.starttls(context=context)
            smtp.ehlo("client.example")
            assert not smtp.has_extn("starttls"), "offered once"
            message = chinese_mail("加密连接测试 E2E-TLS", "这封邮件通过 STARTTLS 发送。")
            assert smtp.sendmail(CLIENT_ZH, ["help@keel.test"], message.as_bytes()) == {}
        headers = token(server)
        wait_for("the ticket sent over TLS", lambda: find_ticket(server, headers, "E2E-TLS"))
    finally:
        stop_server(server)


OUTLOOK_HTML_ONLY = """From: "Li, Ming" <j.patel@greenlaw.example>
To: help@keel.test
Subject: E2E-OUTLOOK scanner stopped
MIME-Version: 1.0
Content-Type: text/html; charset="windows-1252"
Content-Transfer-Encoding: quoted-printable

<html><head><style>p {margin:0}</style><script>alert(1)</script></head><body>
<p class=3DMsoNormal>The scanner on floor 2 stopped =96 see <a href=3D"https://intranet.example/scan">the =
log</a>.</p><p class=3DMsoNormal>&nbsp;</p></body></html>
"""

BROKEN_MIME = """From: j.patel@greenlaw.example
To: help@keel.test
Subject: E2E-BROKEN multipart never closed
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="never-closed"

--never-closed
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

!!!bad base64 but still text!!!
"""


def dsn_for(message_id: str) -> str:
    return f"""From: MAILER-DAEMON@mx.greenlaw.example
To: help@keel.test
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"

--dsn
Content-Type: text/plain

Your message could not be delivered.
--dsn
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.greenlaw.example

Final-Recipient: rfc822; gone@greenlaw.example
Action: failed
Status: 5.1.1

--dsn
Content-Type: text/rfc822-headers

Message-ID: {message_id}
Subject: notification
--dsn--
"""


def test_the_corpus_through_smtp_and_mail_in(mail_server):
    headers = token(mail_server)
    with smtplib.SMTP("127.0.0.1", mail_server.smtp_port, timeout=TIMEOUT) as smtp:
        smtp.sendmail("j.patel@greenlaw.example", ["help@keel.test"], OUTLOOK_HTML_ONLY.replace("\n", "\r\n").encode("latin-1"))
    proc = mail_server.run_keel(["mail-in"], input=BROKEN_MIME)
    assert proc.returncode == 0, proc.stderr
    outlook = wait_for("the Outlook HTML-only ticket", lambda: find_ticket(mail_server, headers, "E2E-OUTLOOK"))
    body = outlook["body"]
    assert "scanner on floor 2 stopped" in body and "https://intranet.example/scan" in body, body
    assert "alert(1)" not in body and "MsoNormal" not in body, body
    broken = wait_for("the broken MIME ticket", lambda: find_ticket(mail_server, headers, "E2E-BROKEN"))
    assert broken["channel"] == "email"

    # A bounce of a notification Keel sent for the Outlook ticket is noted on that ticket.
    r = requests.get(mail_server.url("/api/v1/mail/outbox"), params={"ticketId": outlook["id"]}, headers=headers, timeout=TIMEOUT)
    sent = wait_for("the acknowledgement in the outbox", lambda: requests.get(
        mail_server.url("/api/v1/mail/outbox"), params={"ticketId": outlook["id"]}, headers=headers, timeout=TIMEOUT).json()["items"])
    assert r.status_code == 200
    proc = mail_server.run_keel(["mail-in"], input=dsn_for(sent[0]["messageId"]))
    assert proc.returncode == 0, proc.stderr

    def bounce_noted():
        events = requests.get(mail_server.url(f"/api/v1/tickets/{outlook['id']}/events"), headers=headers, timeout=TIMEOUT).json()
        return [e for e in events["items"] if e["kind"] == "mail_bounce"]
    noted = wait_for("the bounce on the ticket", bounce_noted)
    assert noted[0]["to"] == "gone@greenlaw.example"
