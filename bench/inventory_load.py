#!/usr/bin/env python3
"""Inventory intake throughput (issue 5): replays a real FusionInventory 2.6 document (the
recorded Debian inventory in Tests/Fixtures/Inventory, ~220 KB, ~790 packages) for many distinct
devices over HTTP, zlib-compressed as the agent sends it, then replays the same documents again
(an unchanged re-inventory). Keel is started here (release build, demo data, SQLite).

    KEEL_BIN=/path/to/release/keel python3 bench/inventory_load.py --devices 10000 --clients 4

Reports inventories/s with p50/p99 latency for first inventories and for unchanged re-inventories,
Keel's CPU seconds and its peak memory (VmHWM). Python 3 stdlib only; bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zlib

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "Inventory",
                       "linux-debian12-agent26.xml")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def proc_status(pid: int, field: str) -> str:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return line.split(":", 1)[1].strip()
    return "?"


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def documents(count: int) -> list[bytes]:
    """One document per device, as a fleet installed from one image drifts: every device
    has ~5 % of its packages at one of three later update levels, and three packages
    of its own (a driver, a tool) that no other device has."""
    template = open(FIXTURE, encoding="utf-8").read()
    start = template.index("<DEVICEID>") + len("<DEVICEID>")
    device = template[start:template.index("</DEVICEID>", start)]
    head, *packages = template.split("<SOFTWARES>")
    out = []
    for i in range(count):
        blocks = []
        for k, block in enumerate(packages):
            if (k * 7 + i) % 20 == 0:
                block = block.replace("</VERSION>", f"+u{(i * 31 + k) % 3 + 1}</VERSION>", 1)
            blocks.append(block)
        own = "".join(f"<SOFTWARES><NAME>bench-device-tool-{n}-{i:06d}</NAME><PUBLISHER>Bench</PUBLISHER>"
                      f"<VERSION>1.{i}.{n}</VERSION></SOFTWARES>" for n in range(3))
        text = "<SOFTWARES>".join([head] + blocks).replace("<SOFTWARES>", own + "<SOFTWARES>", 1)
        text = text.replace(device, f"bench-{i:06d}-2026-11-23-10-00-00")
        text = text.replace("<SSN></SSN>", f"<SSN>BENCH{i:08d}</SSN>", 1)
        out.append(zlib.compress(text.encode("utf-8"), 6))
    return out


def run(port: int, key: str, bodies: list[bytes], clients: int, deadline: float):
    latencies, errors, lock = [], [], threading.Lock()

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for body in bodies[index::clients]:
            if time.monotonic() > deadline:
                return
            start = time.perf_counter()
            connection.request("POST", f"/inventory/{key}", body=body, headers={"Content-Type": "application/x-compress-zlib"})
            response = connection.getresponse()
            answer = response.read()
            elapsed = time.perf_counter() - start
            with lock:
                if response.status == 200 and b"<REPLY>" in answer:
                    latencies.append(elapsed)
                else:
                    errors.append(response.status)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {"done": len(latencies), "errors": len(errors), "per_s": round(len(latencies) / wall, 1),
            "p50_ms": round(percentile(latencies, 50) * 1000, 2), "p99_ms": round(percentile(latencies, 99) * 1000, 2),
            "wall_s": round(wall, 1)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--devices", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--json")
    args = ap.parse_args()
    keel = os.environ.get("KEEL_BIN")
    if not keel or not os.access(keel, os.X_OK):
        print("set KEEL_BIN to a release keel binary", file=sys.stderr)
        return 2
    bodies = documents(args.devices)
    print(f"{len(bodies)} documents, {sum(map(len, bodies)) // len(bodies)} bytes compressed each, "
          f"{os.path.getsize(FIXTURE)} bytes of XML")
    work = tempfile.mkdtemp(prefix="keel-inventory-bench-")
    port = free_port()
    env = dict(os.environ, KEEL_DATA_DIR=work, KEEL_PORT=str(port), KEEL_LOG_LEVEL="warning",
               KEEL_DEMO_PASSWORD="bench-password-2026", KEEL_LANG="en", KEEL_MAX_BODY_BYTES=str(16 << 20))
    log = open(os.path.join(work, "keel.log"), "wb")
    server = subprocess.Popen([keel, "serve", "--demo"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/session", method="POST",
                                         data=json.dumps({"email": "admin@keel.test", "password": "bench-password-2026"}).encode(),
                                         headers={"Content-Type": "application/json"})
        token = json.load(urllib.request.urlopen(request))["token"]
        auth = {"Authorization": f"Bearer {token}"}
        orgs = json.load(urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/organizations", headers=auth)))
        org = orgs["items"][0]["id"]
        detail = json.load(urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/organizations/{org}", headers=auth)))
        key = detail["inventoryEnrolmentKey"]
        deadline = time.monotonic() + args.timeout
        cpu = cpu_seconds(server.pid)
        first = run(port, key, bodies, args.clients, deadline)
        first["keel_cpu_s"] = round(cpu_seconds(server.pid) - cpu, 1)
        cpu = cpu_seconds(server.pid)
        again = run(port, key, bodies, args.clients, deadline)
        again["keel_cpu_s"] = round(cpu_seconds(server.pid) - cpu, 1)
        result = {"devices": args.devices, "clients": args.clients, "first_inventory": first, "unchanged_reinventory": again,
                  "keel_peak_rss": proc_status(server.pid, "VmHWM")}
        print(json.dumps(result, indent=1))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(result, f, indent=1)
        return 0 if first["errors"] == 0 and again["errors"] == 0 else 1
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
