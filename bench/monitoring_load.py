#!/usr/bin/env python3
"""Monitoring throughput (issue 6): active HTTP checks, push pings and Alertmanager alerts against a
Keel started here for each part (release build, demo data, SQLite in a temp dir). Python 3 stdlib only.

    KEEL_BIN=/path/to/release/keel python3 bench/monitoring_load.py                      # all three parts
    KEEL_BIN=… python3 bench/monitoring_load.py --only checks --checks 10000 --minutes 3
    KEEL_BIN=… python3 bench/monitoring_load.py --only pings --push-checks 200 --clients 8 --seconds 20
    KEEL_BIN=… python3 bench/monitoring_load.py --only alerts --alerts 300 --alert-clients 4

checks: a local asyncio HTTP target (`--target-procs` processes sharing the port) answers 200 "ok"
  on /t/{i}; N http checks (interval 60 s) are created through POST /api/v1/checks; Keel runs for
  --minutes after the last one is created, and everything after --warmup seconds (the first interval
  spreads first runs over 60 s by design) is measured: checks per minute at the target and in
  `check_results`, and the scheduling delay (due time to probe start) p50/p99/max — from the
  `check_results.delay_ms` column when the binary writes it, always also from the check's grid
  (due slots are `k × interval + offset`, the offset read from `monitor_checks.next_check_at`), and
  as jitter at the target (consecutive hits of one path minus the interval).
pings: push checks (period 60 s, grace 60 s) created through the API, their /ping/{key} URLs hit by
  --clients keep-alive connections (one process each) for --seconds; accepted/s, p50/p99, non-200s,
  and the `heartbeat_runs` rows compared with the pings accepted (lost pings).
alerts: an integration token; Alertmanager v4 webhooks, one new firing alert (unique fingerprint)
  each, first sequentially then from --alert-clients clients; p50/p99 of the response (the ticket is
  created before it), then the tickets are found through GET /api/v1/tickets?q=<run tag> and counted
  (channel monitoring), and the database count of monitoring tickets is compared.

Each part reports Keel's CPU seconds, its peak memory (VmHWM) and error lines in its log. Bounded in
time: creation stops after --create-timeout seconds, every request has a timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import http.client
import json
import multiprocessing
import os
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

PASSWORD = os.environ.get("KEEL_BENCH_PASSWORD", "bench-password-2026")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def summary_ms(values_ms, digits=1):
    if not values_ms:
        return {"n": 0}
    return {"n": len(values_ms), "p50_ms": round(percentile(values_ms, 50), digits), "p99_ms": round(percentile(values_ms, 99), digits),
            "max_ms": round(max(values_ms), digits)}


def proc_status(pid: int, field: str) -> str:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def own_cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


# --------------------------------------------------------------------------------------------- Keel

class Keel:
    """A Keel on a fresh data directory with demo data; `api` calls it as the demo admin."""

    def __init__(self, binary: str, label: str, keep: bool):
        self.work = tempfile.mkdtemp(prefix=f"keel-monitoring-bench-{label}-")
        self.port = free_port()
        self.keep = keep
        env = dict(os.environ, KEEL_DATA_DIR=self.work, KEEL_PORT=str(self.port), KEEL_LOG_LEVEL="warning",
                   KEEL_DEMO_PASSWORD=PASSWORD, KEEL_LANG="en")
        self.log_path = os.path.join(self.work, "keel.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen([binary, "serve", "--demo"], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"Keel did not start; see {self.log_path}")
                time.sleep(0.2)
        self.token = self.api("POST", "/api/v1/session", {"email": "admin@keel.test", "password": PASSWORD}, auth=False)[1]["token"]
        orgs = self.api("GET", "/api/v1/organizations")[1]["items"]
        self.org = next((o for o in orgs if o["name"].startswith("Green")), orgs[0])["id"]

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def database(self) -> str:
        return os.path.join(self.work, "keel.sqlite")

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30)

    def api(self, method, path, body=None, auth=True, token=None):
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {token or self.token}"
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method, headers=headers,
                                         data=json.dumps(body).encode() if body is not None else None)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def log_errors(self) -> dict:
        if not self.log.closed:
            self.log.flush()
        lines = [line for line in open(self.log_path, encoding="utf-8", errors="replace") if "[ ERROR ]" in line or "[ CRITICAL ]" in line
                 or " error" in line.lower()]
        return {"count": len(lines), "first": [line.strip()[:300] for line in lines[:5]]}

    def stats(self) -> dict:
        return {"keel_peak_rss": proc_status(self.pid, "VmHWM"), "keel_rss": proc_status(self.pid, "VmRSS"),
                "keel_threads": proc_status(self.pid, "Threads"), "log_errors": self.log_errors()}

    def stop(self) -> dict:
        """Stops Keel with SIGTERM (as a service manager would) and answers how that went: a clean
        exit is code 0 with no crash report in the log."""
        errors_before = self.log_errors()["count"]
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        text = open(self.log_path, encoding="utf-8", errors="replace").read()
        crash = next((line.strip() for line in text.splitlines() if "runtime failure" in line or "Fatal error" in line), None)
        after = self.log_errors()["count"] - errors_before
        info = {"exit_code": self.process.returncode, "error_lines_during_shutdown": after, "crash": crash}
        if crash or self.process.returncode not in (0, -signal.SIGTERM):
            info["log"] = self.log_path if self.keep else "(removed; rerun with --keep)"
            print(f"  Keel did not stop cleanly: exit {self.process.returncode}, {crash or ''}")
        if self.keep:
            print(f"  kept {self.work}")
        else:
            shutil.rmtree(self.work, ignore_errors=True)
        return info


def create_many(keel: Keel, bodies: list[dict], threads: int, timeout: float):
    """POSTs /api/v1/checks for every body with `threads` keep-alive clients; answers (created, errors, seconds)."""
    created, errors, lock = [None] * len(bodies), [], threading.Lock()
    deadline = time.monotonic() + timeout
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {keel.token}"}

    def worker(index: int) -> None:
        connection = keel.connection()
        for i in range(index, len(bodies), threads):
            if time.monotonic() > deadline:
                return
            try:
                connection.request("POST", "/api/v1/checks", body=json.dumps(bodies[i]), headers=headers)
                response = connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    errors.append(repr(e))
                connection.close()
                connection = keel.connection()
                continue
            if response.status == 201:
                created[i] = json.loads(data)
            else:
                with lock:
                    errors.append(f"{response.status} {data[:200]!r}")

    started = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return [c for c in created if c], errors, time.perf_counter() - started


# ------------------------------------------------------------------------------------ HTTP target

async def _target_main(port: int, out: str) -> None:
    hits: list[tuple[str, float]] = []
    answer = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                now = time.time()
                lines = head.split(b"\r\n")
                path = lines[0].split(b" ")[1].decode()
                length, close = 0, False
                for line in lines[1:]:
                    name, _, value = line.partition(b":")
                    name = name.strip().lower()
                    if name == b"content-length":
                        length = int(value)
                    elif name == b"connection" and value.strip().lower() == b"close":
                        close = True
                if length:
                    await reader.readexactly(length)
                hits.append((path, now))
                writer.write(answer)
                await writer.drain()
                if close:
                    break
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.CancelledError, ConnectionError, IndexError, ValueError):
            pass
        finally:
            writer.close()

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    server = await asyncio.start_server(handle, sock=sock, backlog=1024)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with server:
        await stop.wait()
    with open(out, "w") as f:
        f.writelines(f"{path} {at:.6f}\n" for path, at in hits)


def target_process(port: int, out: str) -> None:
    asyncio.run(_target_main(port, out))


# ------------------------------------------------------------------------------------- checks part

def part_checks(binary: str, args) -> dict:
    work = tempfile.mkdtemp(prefix="keel-monitoring-target-")
    port = free_port()
    interval = args.interval
    context = multiprocessing.get_context("fork")
    targets = [context.Process(target=target_process, args=(port, os.path.join(work, f"hits-{n}.txt")), daemon=True)
               for n in range(args.target_procs)]
    for p in targets:
        p.start()
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/t/ready", timeout=2).read()
            break
        except OSError:
            time.sleep(0.1)
    keel = Keel(binary, "checks", args.keep)
    result: dict = {}
    try:
        bodies = [{"organizationId": keel.org, "name": f"bench {i}", "type": "http", "target": f"http://127.0.0.1:{port}/t/{i}",
                   "intervalSeconds": interval, "timeoutSeconds": 10} for i in range(args.checks)]
        cpu0 = cpu_seconds(keel.pid)
        created, errors, seconds = create_many(keel, bodies, args.creators, args.create_timeout)
        creation = {"created": len(created), "errors": len(errors), "first_errors": errors[:3], "seconds": round(seconds, 1),
                    "per_s": round(len(created) / seconds, 1), "keel_cpu_s": round(cpu_seconds(keel.pid) - cpu0, 1)}
        print(f"checks: created {len(created)} in {seconds:.1f} s ({creation['per_s']}/s), {len(errors)} errors")
        created_at = time.time()
        window_start = created_at + args.warmup
        end = created_at + args.minutes * 60
        cpu_at_window, gen_at_window = None, None
        last_report = time.time()
        while time.time() < end:
            time.sleep(min(1.0, max(0.0, end - time.time())))
            now = time.time()
            if cpu_at_window is None and now >= window_start:
                cpu_at_window, gen_at_window, window_started = cpu_seconds(keel.pid), own_cpu(), now
                target_cpu_at_window = sum(cpu_seconds(p.pid) for p in targets)
            if now - last_report >= 30:
                last_report = now
                with keel.db() as db:
                    done = db.execute("SELECT count(*) FROM check_results WHERE at >= ?", (now - 60,)).fetchone()[0]
                print(f"  t+{now - created_at:4.0f} s: {done} results in the last 60 s, Keel CPU {cpu_seconds(keel.pid):.0f} s, "
                      f"RSS {proc_status(keel.pid, 'VmRSS')}")
        window_end = time.time()
        if cpu_at_window is None:
            cpu_at_window, gen_at_window, window_started = cpu_seconds(keel.pid), own_cpu(), window_start
            target_cpu_at_window = sum(cpu_seconds(p.pid) for p in targets)
        window_minutes = (window_end - window_started) / 60
        keel_cpu = cpu_seconds(keel.pid) - cpu_at_window
        target_cpu = sum(cpu_seconds(p.pid) for p in targets) - target_cpu_at_window
        stats = keel.stats()
        # Server side: results, the delay column when present, the delay from each check's grid.
        with keel.db() as db:
            columns = {row[1] for row in db.execute("PRAGMA table_info(check_results)")}
            has_delay = "delay_ms" in columns
            phase = {}
            for check_id, next_at in db.execute("SELECT id, next_check_at FROM monitor_checks WHERE type = 'http' AND name LIKE 'bench %'"):
                if next_at is not None:
                    phase[check_id] = round(float(next_at) * 1000) % (interval * 1000)
            rows = db.execute("SELECT check_id, at, up" + (", delay_ms" if has_delay else "") +
                              " FROM check_results WHERE at >= ? AND at < ?", (window_started, window_end)).fetchall()
            pending = db.execute("SELECT count(*) FROM monitor_checks WHERE type = 'http' AND next_check_at < ?",
                                 (window_end - 5,)).fetchone()[0]
            leased = db.execute("SELECT count(*) FROM monitor_checks WHERE type = 'http' AND lease_until IS NOT NULL").fetchone()[0]
        rows = [r for r in rows if r[0] in phase]
        grid_delays, column_delays, per_check = [], [], {}
        for row in rows:
            at_ms = int(float(row[1]) * 1000)
            grid_delays.append((at_ms - phase[row[0]]) % (interval * 1000))
            if has_delay and row[3] is not None:
                column_delays.append(float(row[3]))
            per_check[row[0]] = per_check.get(row[0], 0) + 1
        down = sum(1 for r in rows if not r[2])
        # Target side.
        for p in targets:
            p.terminate()
        for p in targets:
            p.join(timeout=30)
        hits: dict[str, list[float]] = {}
        for n in range(args.target_procs):
            try:
                for line in open(os.path.join(work, f"hits-{n}.txt")):
                    path, at = line.split()
                    hits.setdefault(path, []).append(float(at))
            except OSError:
                pass
        hits.pop("/t/ready", None)
        in_window = sum(1 for times in hits.values() for at in times if window_started <= at < window_end)
        minute_buckets = {}
        for times in hits.values():
            for at in times:
                if window_started <= at < window_end:
                    minute = int((at - window_started) // 60)
                    minute_buckets[minute] = minute_buckets.get(minute, 0) + 1
        jitter = []
        for times in hits.values():
            times.sort()
            for a, b in zip(times, times[1:]):
                if b >= window_started:
                    jitter.append(abs((b - a) - interval) * 1000)
        result.update({
            "checks": args.checks, "interval_s": interval, "minutes": args.minutes, "warmup_s": args.warmup,
            "creation": creation,
            "window_minutes": round(window_minutes, 2),
            "target_hits_per_min": round(in_window / window_minutes, 1) if window_minutes > 0 else None,
            "target_hits_by_full_minute": [minute_buckets.get(m, 0) for m in range(int(window_minutes))],
            "results_per_min": round(len(rows) / window_minutes, 1) if window_minutes > 0 else None,
            "results_down": down,
            "checks_without_result_in_window": len(phase) - len(per_check) if window_minutes * 60 >= interval else None,
            "checks_overdue_at_end": pending, "checks_leased_at_end": leased,
            "delay_column": summary_ms(column_delays) if has_delay else "absent (binary without check_results.delay_ms)",
            "delay_from_grid": summary_ms(grid_delays),
            "delay_over_1s": sum(1 for d in (column_delays if has_delay else grid_delays) if d > 1000),
            "target_jitter": summary_ms(jitter),
            "keel_cpu_s": round(keel_cpu, 1), "keel_cpu_pct": round(100 * keel_cpu / max(1e-9, window_minutes * 60), 1),
            "target_cpu_s": round(target_cpu, 1), "generator_cpu_s": round(own_cpu() - gen_at_window, 1),
            **stats,
        })
        delay = result["delay_column"] if has_delay else result["delay_from_grid"]
        print(f"checks: {result['target_hits_per_min']}/min at the target, {result['results_per_min']}/min in check_results over "
              f"{window_minutes:.1f} min; scheduling delay p50 {delay.get('p50_ms')} ms, p99 {delay.get('p99_ms')} ms, "
              f"max {delay.get('max_ms')} ms ({'delay_ms column' if has_delay else 'from the grid'}); "
              f"target jitter p99 {result['target_jitter'].get('p99_ms')} ms; Keel {result['keel_cpu_pct']} % CPU, "
              f"peak {stats['keel_peak_rss']}")
        result["meets_target"] = bool(result["target_hits_per_min"] and result["target_hits_per_min"] >= 0.99 * args.checks * 60 / interval
                                      and delay.get("p99_ms", 1e9) <= 1000)
        return result
    finally:
        for p in targets:
            if p.is_alive():
                p.kill()
        result["shutdown"] = keel.stop()
        shutil.rmtree(work, ignore_errors=True)


# -------------------------------------------------------------------------------------- pings part

def ping_worker(port: int, paths: list[str], offset: int, seconds: float, start_at: float, pipe) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, statuses, exceptions, per_second = [], {}, 0, {}
    while time.time() < start_at:
        time.sleep(0.001)
    end = time.perf_counter() + seconds
    i = offset
    while True:
        started = time.perf_counter()
        if started >= end:
            break
        try:
            connection.request("GET", paths[i % len(paths)])
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            exceptions += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        finally:
            i += 1
        elapsed = time.perf_counter() - started
        if response.status == 200:
            latencies.append(elapsed * 1000)
            second = int(started + seconds - end)
            per_second[second] = per_second.get(second, 0) + 1
        else:
            statuses[response.status] = statuses.get(response.status, 0) + 1
    pipe.send((latencies, statuses, exceptions, per_second))
    pipe.close()


def part_pings(binary: str, args) -> dict:
    keel = Keel(binary, "pings", args.keep)
    result: dict = {}
    try:
        bodies = [{"organizationId": keel.org, "name": f"bench push {i}", "type": "push", "periodSeconds": 60, "graceSeconds": 60}
                  for i in range(args.push_checks)]
        created, errors, seconds = create_many(keel, bodies, 4, args.create_timeout)
        paths = [urllib.parse.urlparse(c["pingUrl"]).path for c in created]
        print(f"pings: created {len(created)} push checks in {seconds:.1f} s, {len(errors)} errors")
        # One untimed ping per check: the first ping moves each job from new to up.
        warm = keel.connection()
        warm_ok = 0
        for path in paths:
            warm.request("GET", path)
            response = warm.getresponse()
            response.read()
            warm_ok += response.status == 200
        if args.generator == "wrk":
            return result | wrk_pings(keel, paths, warm_ok, args)
        context = multiprocessing.get_context("fork")
        pipes, workers = [], []
        start_at = time.time() + 0.5
        for n in range(args.clients):
            parent, child = context.Pipe(duplex=False)
            p = context.Process(target=ping_worker, args=(keel.port, paths, n * max(1, len(paths) // args.clients), args.seconds,
                                                          start_at, child))
            p.start()
            pipes.append(parent)
            workers.append(p)
        cpu0, gen0 = cpu_seconds(keel.pid), own_cpu()
        outputs = [pipe.recv() for pipe in pipes]
        for p in workers:
            p.join()
        keel_cpu = cpu_seconds(keel.pid) - cpu0
        latencies = [ms for out in outputs for ms in out[0]]
        statuses, exceptions, per_second = {}, sum(out[2] for out in outputs), {}
        for out in outputs:
            for status, count in out[1].items():
                statuses[status] = statuses.get(status, 0) + count
            for second, count in out[3].items():
                per_second[second] = per_second.get(second, 0) + count
        time.sleep(1)
        with keel.db() as db:
            runs = db.execute("SELECT count(*) FROM heartbeat_runs").fetchone()[0]
            by_status = dict(db.execute("SELECT status, count(*) FROM monitor_checks WHERE type = 'push' GROUP BY status").fetchall())
        stats = keel.stats()
        accepted = len(latencies)
        result.update({"push_checks": len(paths), "clients": args.clients, "seconds": args.seconds, "accepted": accepted,
                  "accepted_per_s": round(accepted / args.seconds, 1), **summary_ms(latencies, 2),
                  "per_second": [per_second.get(s, 0) for s in range(int(args.seconds))],
                  "non_200": statuses, "exceptions": exceptions,
                  "heartbeat_runs": runs, "lost": warm_ok + accepted - runs, "check_status": by_status,
                  "keel_cpu_s": round(keel_cpu, 1), "keel_cpu_pct": round(100 * keel_cpu / args.seconds, 1),
                  "generator_cpu_s": round(own_cpu() - gen0, 1), **stats})
        result["meets_target"] = result["accepted_per_s"] >= 5000 and not statuses and result["lost"] == 0
        print(f"pings: {result['accepted_per_s']}/s accepted with {args.clients} clients, p50 {result.get('p50_ms')} ms, "
              f"p99 {result.get('p99_ms')} ms, {sum(statuses.values())} non-200, {exceptions} exceptions, "
              f"{result['lost']} lost (runs stored {runs}); Keel {result['keel_cpu_pct']} % CPU")
        return result
    finally:
        result["shutdown"] = keel.stop()


WRK_SCRIPT = """
local paths = {%s}
local i = 0
init = function(args) i = math.random(#paths) end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("WRKJSON {\\"requests\\": %%d, \\"non2xx\\": %%d, \\"connect\\": %%d, \\"read\\": %%d, \\"write\\": %%d, "
    .. "\\"timeout\\": %%d, \\"p50_ms\\": %%.2f, \\"p99_ms\\": %%.2f, \\"max_ms\\": %%.2f}\\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def wrk_pings(keel, paths: list[str], warm_ok: int, args) -> dict:
    """The same pings from `wrk` (C, two threads, --clients connections): a generator that takes
    far less of the shared two cores than the Python one; otherwise measured the same way."""
    script = os.path.join(keel.work, "pings.lua")
    with open(script, "w") as f:
        f.write(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
    cpu0 = cpu_seconds(keel.pid)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(["wrk", "-t2", f"-c{args.clients}", f"-d{int(args.seconds)}s", "--timeout", "10s", "-s", script,
                          f"http://127.0.0.1:{keel.port}/"], capture_output=True, text=True, timeout=args.seconds + 60).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    keel_cpu = cpu_seconds(keel.pid) - cpu0
    summary = json.loads(out.split("WRKJSON ", 1)[1].splitlines()[0])
    time.sleep(1)
    with keel.db() as db:
        runs = db.execute("SELECT count(*) FROM heartbeat_runs").fetchone()[0]
        by_status = dict(db.execute("SELECT status, count(*) FROM monitor_checks WHERE type = 'push' GROUP BY status").fetchall())
    accepted = summary["requests"] - summary["non2xx"]
    errors = summary["connect"] + summary["read"] + summary["write"] + summary["timeout"]
    result = {"generator": "wrk", "push_checks": len(paths), "clients": args.clients, "seconds": args.seconds, "accepted": accepted,
              "accepted_per_s": round(accepted / args.seconds, 1), "p50_ms": summary["p50_ms"], "p99_ms": summary["p99_ms"],
              "max_ms": summary["max_ms"], "non_200": summary["non2xx"], "socket_errors": errors,
              # wrk counts only the answers read before it stops; a ping in flight then is stored but not counted.
              "heartbeat_runs": runs, "lost": max(0, warm_ok + accepted - runs), "check_status": by_status,
              "keel_cpu_s": round(keel_cpu, 1), "keel_cpu_pct": round(100 * keel_cpu / args.seconds, 1),
              "generator_cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1), **keel.stats()}
    result["meets_target"] = result["accepted_per_s"] >= 5000 and not summary["non2xx"] and result["lost"] == 0
    print(f"pings (wrk): {result['accepted_per_s']}/s accepted with {args.clients} connections, p50 {result['p50_ms']} ms, "
          f"p99 {result['p99_ms']} ms, {summary['non2xx']} non-200, {errors} socket errors, {result['lost']} lost "
          f"(runs stored {runs}); Keel {result['keel_cpu_pct']} % CPU, wrk {result['generator_cpu_s']} CPU s")
    return result


# ------------------------------------------------------------------------------------- alerts part

def webhook(tag: str, index: int) -> bytes:
    fingerprint = hashlib.sha1(f"{tag}-{index}".encode()).hexdigest()[:16]
    instance = f"srv-{tag}-{index}"
    labels = {"alertname": "BenchDiskFull", "instance": instance, "severity": "critical" if index % 2 else "warning", "bench": tag}
    alert = {"status": "firing", "labels": labels, "annotations": {"summary": f"Disk almost full on {instance} {tag}"},
             "startsAt": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()), "endsAt": "0001-01-01T00:00:00Z",
             "generatorURL": "http://prom.example/graph", "fingerprint": fingerprint}
    body = {"version": "4", "groupKey": f'{{}}:{{alertname="BenchDiskFull",instance="{instance}"}}', "truncatedAlerts": 0,
            "status": "firing", "receiver": "keel", "groupLabels": {"alertname": "BenchDiskFull", "instance": instance},
            "commonLabels": labels, "commonAnnotations": alert["annotations"], "externalURL": "http://am.example:9093",
            "alerts": [alert]}
    return json.dumps(body).encode()


def post_alerts(keel: Keel, token: str, tag: str, indexes: list[int], clients: int) -> dict:
    latencies, failures, lock = [], [], threading.Lock()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def worker(n: int) -> None:
        connection = keel.connection()
        for i in indexes[n::clients]:
            body = webhook(tag, i)
            started = time.perf_counter()
            try:
                connection.request("POST", "/api/v1/integrations/alertmanager", body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    failures.append(repr(e))
                connection = keel.connection()
                continue
            elapsed = (time.perf_counter() - started) * 1000
            opened = response.status == 200 and json.loads(data).get("opened") == 1
            with lock:
                if opened:
                    latencies.append(elapsed)
                else:
                    failures.append(f"{response.status} {data[:200]!r}")

    cpu0 = cpu_seconds(keel.pid)
    started = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    wall = time.perf_counter() - started
    return {"clients": clients, "sent": len(indexes), "opened": len(latencies), "failures": len(failures), "first_failures": failures[:3],
            "per_s": round(len(latencies) / wall, 1), **summary_ms(latencies, 2), "keel_cpu_s": round(cpu_seconds(keel.pid) - cpu0, 1)}


def part_alerts(binary: str, args) -> dict:
    keel = Keel(binary, "alerts", args.keep)
    result: dict = {}
    try:
        status, created = keel.api("POST", "/api/v1/tokens", {"name": "bench alertmanager", "organizationId": keel.org})
        if status != 201:
            raise RuntimeError(f"integration token: {status} {created}")
        token = created["token"]
        tag = "bn" + secrets.token_hex(4)
        with keel.db() as db:
            before = db.execute("SELECT count(*) FROM tickets WHERE channel = 'monitoring'").fetchone()[0]
        sequential = post_alerts(keel, token, tag, list(range(args.alerts)), 1)
        concurrent = post_alerts(keel, token, tag, list(range(args.alerts, 2 * args.alerts)), args.alert_clients)
        sent = 2 * args.alerts
        # The tickets through the API: the run tag is in every title.
        found, cursor, pages = 0, None, 0
        while pages < 1000:
            query = urllib.parse.urlencode({"q": tag, "limit": 500, **({"cursor": cursor} if cursor else {})})
            status, page = keel.api("GET", f"/api/v1/tickets?{query}")
            if status != 200:
                break
            found += sum(1 for t in page["items"] if t.get("channel") == "monitoring" and tag in t.get("title", ""))
            cursor, pages = page.get("nextCursor"), pages + 1
            if not cursor:
                break
        with keel.db() as db:
            after = db.execute("SELECT count(*) FROM tickets WHERE channel = 'monitoring'").fetchone()[0]
        stats = keel.stats()
        result.update({"alerts_sent": sent, "sequential": sequential, "concurrent": concurrent, "tickets_found_via_api": found,
                       "monitoring_tickets_added_in_db": after - before, **stats})
        result["meets_target"] = (max(sequential.get("p99_ms", 1e9), concurrent.get("p99_ms", 1e9)) <= 100 and found == sent
                                  and not sequential["failures"] and not concurrent["failures"])
        for name, r in (("sequential", sequential), (f"{args.alert_clients} clients", concurrent)):
            print(f"alerts ({name}): {r['opened']}/{r['sent']} opened, {r['per_s']}/s, p50 {r.get('p50_ms')} ms, "
                  f"p99 {r.get('p99_ms')} ms, max {r.get('max_ms')} ms, {r['failures']} failures")
        print(f"alerts: {found} of {sent} tickets found via GET /api/v1/tickets?q={tag}; {after - before} monitoring tickets added")
        return result
    finally:
        result["shutdown"] = keel.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="checks,pings,alerts", help="comma-separated: checks, pings, alerts")
    ap.add_argument("--checks", type=int, default=10_000, help="http checks (checks part)")
    ap.add_argument("--interval", type=int, default=60, help="check interval, seconds")
    ap.add_argument("--minutes", type=float, default=3, help="run time after the last check is created, minutes")
    ap.add_argument("--warmup", type=float, default=65, help="seconds after creation not measured (first runs spread over one interval)")
    ap.add_argument("--creators", type=int, default=4, help="clients creating checks")
    ap.add_argument("--target-procs", type=int, default=1, help="processes serving the HTTP target")
    ap.add_argument("--create-timeout", type=float, default=900)
    ap.add_argument("--push-checks", type=int, default=200)
    ap.add_argument("--clients", type=int, default=8, help="ping clients (one process each)")
    ap.add_argument("--seconds", type=float, default=20, help="ping duration")
    ap.add_argument("--generator", choices=["python", "wrk"], default="python",
                    help="ping load generator: python processes, or Debian's wrk (apt-get install wrk)")
    ap.add_argument("--alerts", type=int, default=300, help="webhooks per phase (sequential, then concurrent)")
    ap.add_argument("--alert-clients", type=int, default=4)
    ap.add_argument("--keep", action="store_true", help="keep Keel's data directories (and logs)")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    binary = os.environ.get("KEEL_BIN")
    if not binary or not os.access(binary, os.X_OK):
        print("set KEEL_BIN to a release keel binary", file=sys.stderr)
        return 2
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(parts) - {"checks", "pings", "alerts"}
    if unknown:
        ap.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    result = {"keel_bin": binary, "nproc": os.cpu_count()}
    runners = {"checks": part_checks, "pings": part_pings, "alerts": part_alerts}
    ok = True
    for part in parts:
        started = time.perf_counter()
        result[part] = runners[part](binary, args)
        result[part]["part_wall_s"] = round(time.perf_counter() - started, 1)
        ok = ok and result[part]["meets_target"]
    print(json.dumps(result, indent=1))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
