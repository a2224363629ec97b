#!/usr/bin/env python3
"""Inbound mail throughput (issue 4): N senders deliver M messages of about 20 KB each over SMTP
to a Keel started here (release build, demo data, SQLite), and the script waits until every
message has been processed into a ticket. Python 3 stdlib only.

    KEEL_BIN=/path/to/release/keel python3 bench/mail_load.py --senders 4 --messages 2000

Reports SMTP acceptance (messages/s, per-message latency p50/p99 from MAIL FROM to the 250 after
DATA) and end-to-end processing (messages/s from the first send to the last ticket), with Keel's
CPU seconds. Bounded: it stops after --timeout seconds whatever happens.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import smtplib
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import make_msgid

SENDERS = ["j.patel@greenlaw.example", "office@greenlaw.example", "wang.fang@huaxin-design.example",
           "admin@huaxin-design.example", "shop@bloom.example", "owner@bloom.example"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def message(index: int, size: int, sender: str) -> bytes:
    m = MIMEMultipart()
    m["From"] = sender
    m["To"] = "help@keel.test"
    m["Subject"] = f"Bench mail {index}: 打印机无法打印 printer offline"
    m["Message-ID"] = make_msgid(domain="bench.example")
    m.attach(MIMEText("The printer on the second floor says offline again.\n打印机又显示离线了。\n" * 20, "plain", "utf-8"))
    padding = os.urandom(max(0, (size - 3000) * 3 // 4))
    m.attach(MIMEApplication(padding, Name="log.bin"))
    return m.as_bytes()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--senders", type=int, default=4)
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--size", type=int, default=20_000)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    keel = os.environ.get("KEEL_BIN")
    if not keel or not os.access(keel, os.X_OK):
        print("set KEEL_BIN to a release keel binary", file=sys.stderr)
        return 2
    work = tempfile.mkdtemp(prefix="keel-mail-bench-")
    http_port, smtp_port = free_port(), free_port()
    env = dict(os.environ, KEEL_DATA_DIR=work, KEEL_PORT=str(http_port), KEEL_SMTP_PORT=str(smtp_port),
               KEEL_SMTP_ADDRESS="127.0.0.1", KEEL_LOG_LEVEL="warning", KEEL_DEMO_PASSWORD="bench-password-2026",
               KEEL_LANG="en")
    log = open(os.path.join(work, "keel.log"), "wb")
    server = subprocess.Popen([keel, "serve", "--demo"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{http_port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        bodies = [message(i, args.size, SENDERS[i % len(SENDERS)]) for i in range(args.messages)]
        print(f"message size {sum(map(len, bodies)) // len(bodies)} bytes, {args.messages} messages, {args.senders} senders")
        latencies: list[float] = []
        errors = []
        lock = threading.Lock()
        cpu_before = cpu_seconds(server.pid)

        def sender(worker: int) -> None:
            mine = list(range(worker, args.messages, args.senders))
            with smtplib.SMTP("127.0.0.1", smtp_port, timeout=60) as smtp:
                smtp.ehlo("bench.example")
                for i in mine:
                    start = time.perf_counter()
                    try:
                        smtp.sendmail(SENDERS[i % len(SENDERS)], ["help@keel.test"], bodies[i])
                    except smtplib.SMTPException as e:
                        with lock:
                            errors.append(str(e))
                        continue
                    with lock:
                        latencies.append(time.perf_counter() - start)

        started = time.perf_counter()
        threads = [threading.Thread(target=sender, args=(w,)) for w in range(args.senders)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        accepted_at = time.perf_counter()
        database = sqlite3.connect(os.path.join(work, "keel.sqlite"), timeout=30)
        processed = 0
        while time.perf_counter() - started < args.timeout:
            processed = database.execute("SELECT count(*) FROM inbound_messages WHERE status != 'pending'").fetchone()[0]
            if processed >= len(latencies):
                break
            time.sleep(0.05)
        done_at = time.perf_counter()
        tickets = database.execute("SELECT count(*) FROM tickets WHERE channel = 'email'").fetchone()[0]
        cpu = cpu_seconds(server.pid) - cpu_before
        result = {
            "senders": args.senders, "messages": args.messages, "accepted": len(latencies), "errors": len(errors),
            "smtp_per_s": round(len(latencies) / (accepted_at - started), 1),
            "smtp_p50_ms": round(percentile(latencies, 50) * 1000, 2), "smtp_p99_ms": round(percentile(latencies, 99) * 1000, 2),
            "processed": processed, "tickets": tickets, "end_to_end_per_s": round(processed / (done_at - started), 1),
            "keel_cpu_s": round(cpu, 2), "wall_s": round(done_at - started, 2),
        }
        print(json.dumps(result, indent=1))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(result, f, indent=1)
        return 0 if not errors and processed >= len(latencies) else 1
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
