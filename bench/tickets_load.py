#!/usr/bin/env python3
"""Keel ticket benchmark: bulk data loader and HTTP load generator (stdlib only).

  tickets_load.py load   --sqlite DIR/keel.sqlite | --postgres URL   [--tickets N] [--orgs 200] ...
  tickets_load.py http   --base http://127.0.0.1:PORT --password PW  [--json OUT] ...

`load` writes straight into a Keel database whose schema and demo data already exist (start
`keel serve --demo` once, stop it, then load): 200 organisations with 5 client users each, N
tickets spread over them (English and Chinese titles, realistic status/priority mix, SLA
fields filled in) with 3 comments each, and the ticket counter moved past the highest number.
Keel must not be running while it loads. SQLite rows are written the way Fluent writes them
(upper-case UUID text, dates as REAL seconds since 1970, booleans 0/1); PostgreSQL rows go
through `psql ... COPY FROM STDIN`.

`http` drives a running Keel over loopback with keep-alive connections (one per client
thread) and reports per-scenario throughput and p50/p95/p99 latency: create-ticket at 1, 4 and
16 concurrent clients, list first page with filters, and search (English, Chinese, no-match).
Every scenario is bounded both in requests and in seconds.
"""
import argparse
import http.client
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from datetime import datetime, timezone

# --------------------------------------------------------------------------------------------
# Data set
# --------------------------------------------------------------------------------------------

EN_TITLES = [
    "Printer on the {floor} floor is offline", "Printer jams on every second page",
    "Cannot print to the {room} printer", "Outlook keeps asking for my password",
    "VPN disconnects every few minutes", "Laptop will not turn on", "New starter needs a laptop and accounts",
    "Shared drive not mapped after reboot", "Wi-Fi very slow in the {room}", "Teams calls drop after ten minutes",
    "Excel crashes when opening the {doc}", "Password reset needed", "Suspicious email asking to pay an invoice",
    "Second monitor flickers", "Desk phone extension not ringing", "Cannot log in to the CRM",
    "Backup job failed last night", "Scanner sends to the wrong folder", "Please install Adobe Acrobat",
    "Keyboard missing keys", "Calendar not syncing on my phone", "MFA prompt not arriving",
    "Website down for customers", "File server disk almost full", "Projector in the {room} shows no signal",
    "Mailbox full, cannot send", "Leaver: disable accounts and collect laptop", "Licence needed for Visio",
    "Slow computer after Windows update", "Cannot open attachments from the bank", "Card reader at reception broken",
    "Request a new mobile phone", "Dictation software not recognising the headset", "Broken laptop charger",
    "Access to the finance folder", "Zoom audio echo in the {room}", "DMS search returns nothing",
    "Email signature update for the whole team", "Toner low on the {floor} floor printer", "Blue screen on start-up",
]
ZH_TITLES = [
    "打印机无法连接", "{floor}楼打印机卡纸", "共享盘打不开", "无法访问共享盘上的项目文件夹", "邮箱密码过期",
    "电脑开不了机", "VPN 连接不上", "新员工需要开通账号和电脑", "{room}投影仪没有信号", "网络很慢",
    "企业微信文件无法下载", "财务系统登录失败", "显示器闪屏", "申请安装 CAD 软件", "共享盘空间不足",
    "电话分机没有声音", "Outlook 一直提示输入密码", "扫描仪发送到错误的文件夹", "收到可疑的付款邮件",
    "笔记本电池无法充电", "会议室电视无法投屏", "离职员工账号停用", "打印机缺墨", "Excel 打开文件就崩溃",
    "服务器备份失败", "无线网络经常断开", "门禁卡读卡器故障", "申请新的手机", "日历无法同步", "系统更新后电脑很慢",
]
EN_BODY = [
    "It started this morning and affects {n} people in the {room}.",
    "We tried restarting it twice; no change. Asset tag KL-{tag}.",
    "This is urgent because a client meeting is at {hour}:00.",
    "The error message says: access denied (code {code}).",
    "It worked fine yesterday. Nothing was changed on our side as far as I know.",
    "Please call me on extension {ext} when you can.",
]
ZH_BODY = [
    "今天早上开始出现，影响{room}的 {n} 位同事。", "已经重启两次，没有变化。资产编号 KL-{tag}。",
    "下午 {hour} 点有客户会议，比较急。", "错误提示：拒绝访问（代码 {code}）。", "昨天还是正常的，我们这边没有改过任何设置。",
    "方便的话请打分机 {ext} 联系我。",
]
EN_COMMENTS = [
    "Could you send a screenshot of the message?", "I have restarted the print spooler; please try again.",
    "Thanks, that fixed it.", "Still happening after the restart.", "Remote session scheduled for {hour}:00.",
    "Replaced the cable; please confirm it works now.", "Waiting for the supplier to ship the part.",
    "Internal: check the licence pool before assigning.", "Password reset done; a temporary one was sent by SMS.",
    "The printer driver was out of date; updated to the latest version.", "Closing after your confirmation.",
    "Escalated to the network team.",
]
ZH_COMMENTS = [
    "请发一张报错截图。", "已重启打印服务，请再试一次。", "谢谢，已经好了。", "重启以后还是不行。", "已预约 {hour} 点远程协助。",
    "已更换网线，请确认是否正常。", "等待供应商发货。", "内部：分配前先检查许可证数量。", "共享盘权限已经加上，请重新登录。",
    "驱动已更新到最新版本。", "确认后关闭工单。", "已转给网络组处理。",
]
FLOORS = ["first", "second", "third", "ground", "fourth"]
ROOMS = ["board room", "reception", "finance office", "meeting room 2", "design studio", "warehouse"]
ZH_FLOORS = ["一", "二", "三", "五", "八"]
ZH_ROOMS = ["会议室", "前台", "财务部", "设计部", "仓库", "总经理办公室"]
DOCS = ["budget sheet", "timesheet", "client list", "monthly report"]
ORG_WORDS = ["Harbour", "Oak", "Maple", "Summit", "Riverside", "Northgate", "Beacon", "Kestrel", "Willow", "Granite"]
ORG_KINDS = ["Solicitors", "Dental", "Architects", "Accountants", "Florists", "Logistics", "Clinic", "Estates"]
ZH_ORG = ["华信", "东方", "远景", "长城", "明德", "新思", "宏达", "天元", "嘉和", "正泰"]
ZH_KINDS = ["设计", "贸易", "律师事务所", "会计师事务所", "科技", "物流"]

# Keel's PriorityMatrix.standard: rows impact organization/department/user, columns urgency high/medium/low.
IMPACTS = ["organization", "department", "user"]
URGENCIES = ["high", "medium", "low"]
MATRIX = [["critical", "high", "medium"], ["high", "medium", "low"], ["medium", "low", "low"]]
# Standard SLA policy, approximated in wall-clock seconds (first response, resolution).
SLA_SECONDS = {"critical": (3600, 4 * 3600), "high": (4 * 3600, 24 * 3600),
               "medium": (8 * 3600, 5 * 86400), "low": (2 * 86400, 14 * 86400)}
ACTIVE = ["new", "open", "pending_customer", "pending_third_party"]
YEAR = 365 * 86400


def sqlite_uuid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()


class Generator:
    """Deterministic ticket rows: a dict of column values per ticket plus its 3 comments."""

    def __init__(self, seed, orgs, users_by_org, staff, now, span_years, zh_share):
        self.rng = random.Random(seed)
        self.orgs = orgs                  # [(org_id, is_chinese)]
        self.users_by_org = users_by_org  # org_id -> [user ids]
        self.staff = staff                # technician / admin ids (assignees, staff commenters)
        self.now = now
        self.span = span_years * YEAR
        self.zh_share = zh_share

    def fill(self, template, zh):
        r = self.rng
        return template.format(floor=r.choice(ZH_FLOORS if zh else FLOORS), room=r.choice(ZH_ROOMS if zh else ROOMS),
                               doc=r.choice(DOCS), n=r.randint(1, 30), tag=r.randint(1000, 99999), hour=r.randint(9, 17),
                               code=r.randint(100, 999), ext=r.randint(200, 899))

    def ticket(self, index, total, number):
        r = self.rng
        org_id, zh = self.orgs[r.randrange(len(self.orgs))]
        created = self.now - self.span * (1 - (index + r.random()) / total)  # ascending with number
        age = self.now - created
        impact = IMPACTS[r.choices((0, 1, 2), (5, 25, 70))[0]]
        urgency = URGENCIES[r.choices((0, 1, 2), (15, 55, 30))[0]]
        priority = MATRIX[IMPACTS.index(impact)][URGENCIES.index(urgency)]
        first_s, resolve_s = SLA_SECONDS[priority]
        # Old tickets are done; the last few weeks hold the active queue.
        if age > 30 * 86400:
            status = "closed" if r.random() < 0.97 else "resolved"
        elif age > 3 * 86400:
            status = r.choices(["closed", "resolved", "open", "pending_customer", "pending_third_party"], (50, 20, 18, 8, 4))[0]
        else:
            status = r.choices(ACTIVE + ["resolved"], (35, 40, 12, 5, 8))[0]
        first_due = created + first_s
        resolution_due = created + resolve_s
        responded = created + r.uniform(0.05, 1.3) * first_s
        if responded > self.now:
            responded = None
        resolved_at = closed_at = None
        if status in ("resolved", "closed"):
            resolved_at = min(self.now, created + r.uniform(0.1, 1.4) * resolve_s)
            if status == "resolved" and resolved_at < self.now - 7 * 86400:
                status = "closed"  # Keel's auto-close (7 days) would have closed it already
            if status == "closed":
                closed_at = min(self.now, resolved_at + 7 * 86400)
        breached = (responded or self.now) > first_due or (resolved_at or self.now) > resolution_due
        sla_state = "breached" if breached else "ok"
        sla_check = None
        if status in ACTIVE:
            upcoming = [t for t in (first_due if responded is None else None, resolution_due) if t and t > self.now]
            sla_check = min(upcoming) if upcoming else None
        templates = ZH_TITLES if zh else EN_TITLES
        title = self.fill(r.choice(templates), zh)
        body_t = ZH_BODY if zh else EN_BODY
        body = self.fill(r.choice(body_t), zh) + (" " if not zh else "") + self.fill(r.choice(body_t), zh)
        requester = r.choice(self.users_by_org[org_id])
        assignee = r.choice(self.staff) if status != "new" else None
        updated = closed_at or resolved_at or responded or created
        comments = []
        c_templates = ZH_COMMENTS if zh else EN_COMMENTS
        t = created
        for k in range(3):
            t = t + r.uniform(60, 86400)
            staff_comment = k != 1
            internal = staff_comment and r.random() < 0.15
            author = (assignee or self.staff[0]) if staff_comment else requester
            comments.append((self.fill(r.choice(c_templates), zh), author, internal, staff_comment, min(t, self.now)))
        return dict(number=number, organization_id=org_id, title=title, body=body, status=status, impact=impact,
                    urgency=urgency, priority=priority, category=r.choice(CATEGORIES), requester_id=requester,
                    assignee_id=assignee, channel=r.choice(["portal", "email", "phone", "api"]),
                    first_responded_at=responded, resolved_at=resolved_at, closed_at=closed_at,
                    first_response_due_at=first_due, resolution_due_at=resolution_due, sla_state=sla_state,
                    sla_check_at=sla_check, created_at=created, updated_at=updated, comments=comments)


CATEGORIES = ["Hardware", "Software", "Network", "Accounts & access", "Email", "Printing", "Security", "Other", None]
TICKET_COLUMNS = ["id", "number", "organization_id", "site_id", "title", "body", "status", "impact", "urgency", "priority",
                  "category", "requester_id", "assignee_id", "channel", "merged_into_id", "first_responded_at",
                  "resolved_at", "closed_at", "first_response_due_at", "resolution_due_at", "sla_state", "sla_check_at",
                  "created_at", "updated_at", "priority_rank"]
PRIORITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
COMMENT_COLUMNS = ["id", "ticket_id", "author_id", "body", "internal", "by_staff", "created_at"]


def org_rows(rng, count, now, zh_share):
    rows = []
    for i in range(count):
        zh = i % round(1 / zh_share) == 0 if zh_share > 0 else False
        slug = f"org{i:03d}.bench.example"
        if zh:
            name = f"{ZH_ORG[i % len(ZH_ORG)]}{ZH_KINDS[i % len(ZH_KINDS)]} {i:03d}"
            lang, tz = "zh-Hans", "Asia/Shanghai"
        else:
            name = f"{ORG_WORDS[i % len(ORG_WORDS)]} {ORG_KINDS[i % len(ORG_KINDS)]} {i:03d}"
            lang, tz = "en", "Europe/London"
        rows.append(dict(id=sqlite_uuid(rng), name=name, default_language=lang, timezone=tz, email_domains=slug,
                         headcount=rng.randint(10, 250), zh=zh))
    return rows


def client_email(org_index, user_index):
    return f"user{user_index}@org{org_index:03d}.bench.example"


# --------------------------------------------------------------------------------------------
# Loaders
# --------------------------------------------------------------------------------------------

def progress(done, total, started, what):
    rate = done / max(1e-9, time.time() - started)
    print(f"  {what}: {done:,}/{total:,} ({rate:,.0f}/s)", file=sys.stderr, flush=True)


# Keel writes search documents in batches (migration 026, TicketSearchIndex): a ticket past
# indexed_through waits for one. The loader indexes each batch it loads, as Keel would.
INDEX_SQL = """
INSERT INTO ticket_search(rowid, open_text, internal_text)
SELECT t.rowid, t.title || char(10) || t.body || coalesce((SELECT char(10) || group_concat(c.body, char(10))
          FROM ticket_comments c WHERE c.ticket_id = t.id AND c.internal = 0), ''),
       coalesce((SELECT group_concat(c.body, char(10)) FROM ticket_comments c WHERE c.ticket_id = t.id AND c.internal = 1), '')
FROM tickets t WHERE t.rowid > (SELECT indexed_through FROM ticket_search_state)
"""


def load_sqlite(args):
    db = sqlite3.connect(args.sqlite, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")
    db.execute(f"PRAGMA cache_size=-{1024 * 1024}")  # 1 GiB page cache while loading
    db.execute("PRAGMA temp_store=MEMORY")
    (admin_hash,) = db.execute("SELECT password_hash FROM users WHERE email = 'admin@keel.test'").fetchone()
    staff = [row[0] for row in db.execute("SELECT id FROM users WHERE role IN ('technician', 'provider_admin') ORDER BY email")]
    (counter,) = db.execute("SELECT value FROM counters WHERE name = 'ticket'").fetchone()
    if db.execute("SELECT count(*) FROM organizations WHERE email_domains LIKE '%.bench.example'").fetchone()[0]:
        sys.exit("tickets_load: this database already holds bench data; start from a fresh data directory")
    rng = random.Random(args.seed)
    now = time.time()
    orgs = org_rows(rng, args.orgs, now, args.zh_share)
    users_by_org = {}
    db.execute("BEGIN")
    for i, org in enumerate(orgs):
        db.execute("INSERT INTO organizations (id, name, default_language, timezone, email_domains, headcount, active, created_at, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
                   (org["id"], org["name"], org["default_language"], org["timezone"], org["email_domains"], org["headcount"], now, now))
        ids = []
        for u in range(1, args.users_per_org + 1):
            uid = sqlite_uuid(rng)
            ids.append(uid)
            db.execute("INSERT INTO users (id, organization_id, email, name, role, password_hash, language, timezone, active, created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, 'client_user', ?, NULL, NULL, 1, ?, ?)",
                       (uid, org["id"], client_email(i, u), f"Bench User {i:03d}-{u}", admin_hash, now, now))
        users_by_org[org["id"]] = ids
    db.execute("COMMIT")
    gen = Generator(args.seed + 1, [(o["id"], o["zh"]) for o in orgs], users_by_org, staff, now, args.years, args.zh_share)
    t_sql = f"INSERT INTO tickets ({', '.join(TICKET_COLUMNS)}) VALUES ({', '.join('?' * len(TICKET_COLUMNS))})"
    c_sql = f"INSERT INTO ticket_comments ({', '.join(COMMENT_COLUMNS)}) VALUES ({', '.join('?' * len(COMMENT_COLUMNS))})"
    started = time.time()
    batch = args.batch
    for offset in range(0, args.tickets, batch):
        tickets, comments = [], []
        for index in range(offset, min(args.tickets, offset + batch)):
            t = gen.ticket(index, args.tickets, counter + 1 + index)
            tid = sqlite_uuid(gen.rng)
            tickets.append((tid, t["number"], t["organization_id"], None, t["title"], t["body"], t["status"], t["impact"],
                            t["urgency"], t["priority"], t["category"], t["requester_id"], t["assignee_id"], t["channel"],
                            None, t["first_responded_at"], t["resolved_at"], t["closed_at"], t["first_response_due_at"],
                            t["resolution_due_at"], t["sla_state"], t["sla_check_at"], t["created_at"], t["updated_at"],
                            PRIORITY_RANK[t["priority"]]))
            for body, author, internal, by_staff, at in t["comments"]:
                comments.append((sqlite_uuid(gen.rng), tid, author, body, int(internal), int(by_staff), at))
        db.execute("BEGIN")
        db.executemany(t_sql, tickets)
        db.executemany(c_sql, comments)
        db.execute(INDEX_SQL)
        db.execute("UPDATE ticket_search_state SET indexed_through = (SELECT max(rowid) FROM tickets)")
        db.execute("COMMIT")
        done = min(args.tickets, offset + batch)
        if done % (batch * 10) == 0 or done == args.tickets:
            progress(done, args.tickets, started, "tickets (+3 comments each)")
    db.execute("UPDATE counters SET value = ? WHERE name = 'ticket'", (counter + args.tickets,))
    # Keel merges the index's segments itself, in steps (FTS5's automerge is off): merge
    # what the load piled up now, not during the benchmark.
    while True:
        before = db.total_changes
        db.execute("INSERT INTO ticket_search(ticket_search, rank) VALUES ('merge', 1000)")
        if db.total_changes - before <= 1:
            break
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return time.time() - started


def pg_value(v):
    if v is None:
        return "\\N"
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, float):
        return datetime.fromtimestamp(v, timezone.utc).isoformat()
    return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def load_postgres(args):
    def psql(sql, stdin=None):
        return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", args.postgres, "-c", sql],
                              input=stdin, capture_output=True, text=True, check=True).stdout

    admin_hash = psql("SELECT password_hash FROM users WHERE email = 'admin@keel.test'").strip()
    staff = psql("SELECT id FROM users WHERE role IN ('technician', 'provider_admin') ORDER BY email").split()
    counter = int(psql("SELECT value FROM counters WHERE name = 'ticket'").strip())
    if int(psql("SELECT count(*) FROM organizations WHERE email_domains LIKE '%.bench.example'").strip()):
        sys.exit("tickets_load: this database already holds bench data; start from a fresh database")
    rng = random.Random(args.seed)
    now = time.time()
    orgs = org_rows(rng, args.orgs, now, args.zh_share)
    users_by_org, org_lines, user_lines = {}, [], []
    for i, org in enumerate(orgs):
        org_lines.append("\t".join(pg_value(v) for v in (org["id"], org["name"], org["default_language"], org["timezone"],
                                                          org["email_domains"], org["headcount"], True, now, now)))
        ids = []
        for u in range(1, args.users_per_org + 1):
            uid = sqlite_uuid(rng)
            ids.append(uid)
            user_lines.append("\t".join(pg_value(v) for v in (uid, org["id"], client_email(i, u), f"Bench User {i:03d}-{u}",
                                                              "client_user", admin_hash, None, None, True, now, now)))
        users_by_org[org["id"]] = ids
    psql("COPY organizations (id, name, default_language, timezone, email_domains, headcount, active, created_at, updated_at) FROM STDIN",
         "\n".join(org_lines) + "\n")
    psql("COPY users (id, organization_id, email, name, role, password_hash, language, timezone, active, created_at, updated_at) FROM STDIN",
         "\n".join(user_lines) + "\n")
    gen = Generator(args.seed + 1, [(o["id"], o["zh"]) for o in orgs], users_by_org, staff, now, args.years, args.zh_share)
    started = time.time()
    # One psql per table chunk keeps memory flat; each COPY is its own transaction.
    chunk = args.batch * 10
    for offset in range(0, args.tickets, chunk):
        tickets, comments = [], []
        for index in range(offset, min(args.tickets, offset + chunk)):
            t = gen.ticket(index, args.tickets, counter + 1 + index)
            tid = sqlite_uuid(gen.rng)
            row = (tid, t["number"], t["organization_id"], None, t["title"], t["body"], t["status"], t["impact"],
                   t["urgency"], t["priority"], t["category"], t["requester_id"], t["assignee_id"], t["channel"],
                   None, t["first_responded_at"], t["resolved_at"], t["closed_at"], t["first_response_due_at"],
                   t["resolution_due_at"], t["sla_state"], t["sla_check_at"], t["created_at"], t["updated_at"],
                   PRIORITY_RANK[t["priority"]])
            tickets.append("\t".join(pg_value(v) for v in row))
            for body, author, internal, by_staff, at in t["comments"]:
                comments.append("\t".join(pg_value(v) for v in (sqlite_uuid(gen.rng), tid, author, body, internal, by_staff, at)))
        psql(f"COPY tickets ({', '.join(TICKET_COLUMNS)}) FROM STDIN", "\n".join(tickets) + "\n")
        psql(f"COPY ticket_comments ({', '.join(COMMENT_COLUMNS)}) FROM STDIN", "\n".join(comments) + "\n")
        progress(min(args.tickets, offset + chunk), args.tickets, started, "tickets (+3 comments each)")
    psql(f"UPDATE counters SET value = {counter + args.tickets} WHERE name = 'ticket'")
    psql("VACUUM ANALYZE")
    return time.time() - started


# --------------------------------------------------------------------------------------------
# HTTP load generator
# --------------------------------------------------------------------------------------------

class Client:
    def __init__(self, base, token=None):
        u = urllib.parse.urlsplit(base)
        if u.hostname not in ("127.0.0.1", "localhost", "::1"):
            sys.exit("tickets_load: loopback targets only")
        self.host, self.port = u.hostname, u.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        self.token = token

    def request(self, method, path, body=None):
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (0, 1):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                payload = resp.read()
                return resp.status, payload
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt:
                    raise

    def close(self):
        self.conn.close()


def login(base, email, password):
    c = Client(base)
    status, payload = c.request("POST", "/api/v1/session", {"email": email, "password": password})
    c.close()
    if status != 200 and status != 201:
        sys.exit(f"tickets_load: login as {email} failed: {status} {payload[:200]!r}")
    return json.loads(payload)["token"]


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def proc_cpu(pid):
    """User+system CPU seconds of a process (Linux /proc), or None."""
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None


def run_scenario(name, clients, make_request, tokens, base, max_requests, max_seconds, server_pid, expect):
    """`clients` threads, each with its own keep-alive connection, share a request budget."""
    lock = threading.Lock()
    issued = [0]
    latencies, errors = [], []
    deadline = [0.0]
    barrier = threading.Barrier(clients + 1)

    def worker(n):
        c = Client(base, tokens[n % len(tokens)])
        # One untimed warm-up request opens the connection.
        make_request(c, n, -1)
        barrier.wait()
        mine = []
        while True:
            with lock:
                if issued[0] >= max_requests or time.perf_counter() > deadline[0]:
                    break
                issued[0] += 1
                i = issued[0]
            t0 = time.perf_counter()
            status, payload = make_request(c, n, i)
            mine.append(time.perf_counter() - t0)
            if status != expect:
                with lock:
                    errors.append((status, payload[:200]))
        c.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    deadline[0] = time.perf_counter() + max_seconds + 3600  # set properly once everyone is ready
    barrier.wait()
    cpu0, self0 = proc_cpu(server_pid), time.process_time()
    started = time.perf_counter()
    deadline[0] = started + max_seconds
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    cpu1, self1 = proc_cpu(server_pid), time.process_time()
    lat = sorted(latencies)
    result = dict(scenario=name, clients=clients, requests=len(lat), errors=len(errors), seconds=round(wall, 3),
                  throughput=round(len(lat) / wall, 1) if wall else 0,
                  p50_ms=round(percentile(lat, 50) * 1000, 2), p95_ms=round(percentile(lat, 95) * 1000, 2),
                  p99_ms=round(percentile(lat, 99) * 1000, 2), max_ms=round(lat[-1] * 1000, 2) if lat else None,
                  server_cpu_s=round(cpu1 - cpu0, 2) if cpu0 is not None and cpu1 is not None else None,
                  loadgen_cpu_s=round(self1 - self0, 2))
    if errors:
        result["first_error"] = f"{errors[0][0]} {errors[0][1]!r}"
    print(f"  {name:<44} c={clients:<3} n={result['requests']:<6} {result['throughput']:>8.1f}/s  "
          f"p50 {result['p50_ms']:>8.2f} ms  p95 {result['p95_ms']:>8.2f} ms  p99 {result['p99_ms']:>8.2f} ms  "
          f"errors {result['errors']}  server cpu {result['server_cpu_s']} s  loadgen cpu {result['loadgen_cpu_s']} s",
          flush=True)
    return result


def wrk_create(base, clients, tokens, seconds, server_pid):
    """The create scenario driven by wrk (C, one connection a client, each its own client user):
    it costs the machine far less than Python threads, so the figure is Keel's rather than the
    generator's. Same request body shape and the same closed loop (one request in flight a client)."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "create_ticket.lua")
    env = dict(os.environ, KEEL_TOKENS=",".join(tokens))
    cpu0 = proc_cpu(server_pid)
    started = time.perf_counter()
    out = subprocess.run(["wrk", "-t", str(clients), "-c", str(clients), "-d", f"{int(seconds)}s", "-s", script, base],
                         env=env, capture_output=True, text=True, check=True).stdout
    wall = time.perf_counter() - started
    cpu1 = proc_cpu(server_pid)
    line = next(l for l in out.splitlines() if l.startswith("KEEL "))
    r = json.loads(line[5:])
    result = dict(scenario="create ticket (client user, wrk)", clients=clients, requests=r["requests"],
                  errors=r["errors"] + r["socket_errors"], seconds=r["seconds"],
                  throughput=round(r["requests"] / r["seconds"], 1), p50_ms=r["p50_ms"], p95_ms=r["p95_ms"], p99_ms=r["p99_ms"],
                  max_ms=r["max_ms"], server_cpu_s=round(cpu1 - cpu0, 2) if cpu0 is not None and cpu1 is not None else None,
                  wall_s=round(wall, 2))
    if r["first_error"]:
        result["first_error"] = r["first_error"]
    print(f"  {result['scenario']:<44} c={clients:<3} n={result['requests']:<6} {result['throughput']:>8.1f}/s  "
          f"p50 {result['p50_ms']:>8.2f} ms  p95 {result['p95_ms']:>8.2f} ms  p99 {result['p99_ms']:>8.2f} ms  "
          f"errors {result['errors']}  server cpu {result['server_cpu_s']} s", flush=True)
    return result


def http_bench(args):
    base = args.base
    admin = login(base, "admin@keel.test", args.password)
    # Client users of different bench organisations, one per create client.
    client_tokens = [login(base, client_email(i * 7 % args.orgs, 1), args.password) for i in range(max(args.create_clients))]
    results = []
    rng = random.Random(7)
    titles = EN_TITLES + ZH_TITLES

    def create(c, n, i):
        t = rng.choice(titles).format(floor="second", room="reception", doc="timesheet")
        return c.request("POST", "/api/v1/tickets", {"title": t, "body": f"Benchmark ticket {n}-{i}: it stopped working this morning.",
                                                     "impact": "user", "urgency": "medium"})

    if "create" in args.only:
        for clients in args.create_clients:
            if args.create_with == "wrk":
                results.append(wrk_create(base, clients, client_tokens[:clients], args.create_seconds, args.server_pid))
                continue
            results.append(run_scenario("create ticket (client user)", clients, create, client_tokens[:clients], base,
                                        args.create_requests, args.create_seconds, args.server_pid, 201))

    def get(path):
        return lambda c, n, i: c.request("GET", path)

    # An organisation id for the "one organisation" list, from the admin's view.
    status, payload = Client(base, admin).request("GET", "/api/v1/tickets?limit=1")
    org_id = json.loads(payload)["items"][0]["organizationId"] if status == 200 else None
    reads = []
    if "list" in args.only:
        reads += [
            ("list status=active&priority=high (admin, all orgs)", admin, "/api/v1/tickets?status=active&priority=high&limit=50"),
            ("list status=active (admin, all orgs)", admin, "/api/v1/tickets?status=active&limit=50"),
            ("list status=active&priority=high (admin, one org)", admin,
             f"/api/v1/tickets?status=active&priority=high&organizationId={org_id}&limit=50"),
            ("list priority=critical&status=closed (admin)", admin, "/api/v1/tickets?status=closed&priority=critical&limit=50"),
            ("list status=active (client user)", client_tokens[0], "/api/v1/tickets?status=active&limit=50"),
        ]
    if "search" in args.only:
        for term in args.terms:
            q = urllib.parse.quote(term)
            reads.append((f"search q={term} (admin)", admin, f"/api/v1/tickets?q={q}&limit=50"))
            reads.append((f"search q={term} (client user)", client_tokens[0], f"/api/v1/tickets?q={q}&limit=50"))
        # Filters that leave few of the newest matches, other orders, a two-character Chinese word.
        first = urllib.parse.quote(args.terms[0])
        reads += [
            (f"search q={args.terms[0]}&status=active&priority=critical (admin)", admin,
             f"/api/v1/tickets?q={first}&status=active&priority=critical&limit=50"),
            (f"search q={args.terms[0]}&organizationId=… (admin)", admin, f"/api/v1/tickets?q={first}&organizationId={org_id}&limit=50"),
            (f"search q={args.terms[0]}&sort=oldest (admin)", admin, f"/api/v1/tickets?q={first}&sort=oldest&limit=50"),
            ("search q=打印&status=active (admin)", admin, f"/api/v1/tickets?q={urllib.parse.quote('打印')}&status=active&limit=50"),
        ]
    for name, token, path in reads:
        for clients in args.read_clients:
            results.append(run_scenario(name, clients, get(path), [token], base, args.read_requests, args.read_seconds,
                                        args.server_pid, 200))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, ensure_ascii=False, indent=1)
    return results


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="bulk-load organisations, users, tickets and comments")
    target = load.add_mutually_exclusive_group(required=True)
    target.add_argument("--sqlite", help="path of keel.sqlite (Keel stopped)")
    target.add_argument("--postgres", help="postgres:// URL for psql (Keel stopped)")
    load.add_argument("--tickets", type=int, default=100_000)
    load.add_argument("--orgs", type=int, default=200)
    load.add_argument("--users-per-org", type=int, default=5)
    load.add_argument("--years", type=float, default=3.0, help="tickets are spread over this many years up to now")
    load.add_argument("--zh-share", type=float, default=0.25, help="share of organisations writing in Chinese")
    load.add_argument("--batch", type=int, default=10_000, help="tickets per transaction (SQLite)")
    load.add_argument("--seed", type=int, default=2026)
    h = sub.add_parser("http", help="HTTP load against a running Keel")
    h.add_argument("--base", default="http://127.0.0.1:8080")
    h.add_argument("--password", required=True, help="the demo password (bench users share the admin's hash)")
    h.add_argument("--orgs", type=int, default=200)
    h.add_argument("--create-clients", type=lambda s: [int(x) for x in s.split(",")], default=[1, 4, 16])
    h.add_argument("--create-requests", type=int, default=20_000, help="per concurrency level")
    h.add_argument("--create-seconds", type=float, default=20)
    h.add_argument("--create-with", choices=["python", "wrk"], default="python",
                   help="load generator for the create scenario (wrk: Debian's wrk, far cheaper than Python threads)")
    h.add_argument("--read-clients", type=lambda s: [int(x) for x in s.split(",")], default=[1])
    h.add_argument("--read-requests", type=int, default=300)
    h.add_argument("--read-seconds", type=float, default=20)
    h.add_argument("--terms", type=lambda s: s.split(","), default=["printer", "共享盘", "zebra"])
    h.add_argument("--only", type=lambda s: s.split(","), default=["create", "list", "search"])
    h.add_argument("--server-pid", type=int, help="Keel's pid, to report its CPU time per scenario")
    h.add_argument("--json", help="write the results here")
    args = p.parse_args()
    if args.command == "load":
        started = time.time()
        seconds = load_sqlite(args) if args.sqlite else load_postgres(args)
        print(f"loaded {args.tickets:,} tickets, {3 * args.tickets:,} comments, {args.orgs} organisations in "
              f"{seconds:.1f} s (total {time.time() - started:.1f} s)", flush=True)
    else:
        http_bench(args)


if __name__ == "__main__":
    main()
