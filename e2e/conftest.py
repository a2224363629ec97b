"""Fixtures for Keel's end-to-end tests: a real `keel` binary, real sockets, real clients.

Environment:
  KEEL_BIN               the keel executable (default: .build/debug/keel in the repo)
  KEEL_E2E_DATABASE_URL  a PostgreSQL URL (Keel's form, e.g. `postgres://postgres@127.0.0.1:5432/
                         keel_e2e?tlsmode=disable`). When set, every server and every CLI test gets
                         a fresh database `keel_e2e_<random>` created through it; else SQLite in
                         a fresh data directory. `scripts/test` runs the suite both ways.
  KEEL_E2E_CHROMIUM      the browser binary (default /usr/bin/chromium)
  KEEL_E2E_CHROMEDRIVER  the driver (default /usr/bin/chromedriver); Selenium never downloads one.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

# Selenium must never try to fetch a driver or browser (there is no internet in CI).
os.environ.setdefault("SE_OFFLINE", "true")

REPO = Path(__file__).resolve().parent.parent
KEEL_BIN = os.environ.get("KEEL_BIN") or str(REPO / ".build" / "debug" / "keel")
E2E_DATABASE_URL = os.environ.get("KEEL_E2E_DATABASE_URL") or None
CHROMIUM = os.environ.get("KEEL_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("KEEL_E2E_CHROMEDRIVER", "/usr/bin/chromedriver")

DEMO_PASSWORD = "demo-password-2026"
ADMIN_EMAIL = "admin@keel.test"
STARTUP_TIMEOUT = 120.0
LOG_TAIL_LINES = 80

# Settings of the caller's shell that must not leak into the Keel processes under test.
_SCRUBBED_PREFIXES = ("KEEL_",)
_SCRUBBED_NAMES = {"DATABASE_URL"}


def on_postgres() -> bool:
    return E2E_DATABASE_URL is not None


def wait_until_true(what: str, check, timeout: float = 30.0, every: float = 0.25):
    """Polls `check()` until it returns something truthy, and returns it; fails naming `what`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")


def bearer_for(server, email: str) -> dict:
    """An Authorization header for `email` from POST /api/v1/session (the demo password)."""
    r = requests.post(server.url("/api/v1/session"), json={"email": email, "password": server.password}, timeout=30)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        return f"(no log: {e})"
    return "\n".join(text.splitlines()[-lines:])


# --- PostgreSQL ------------------------------------------------------------------------------

def psql_url(url: str) -> str:
    """Keel's URL (`postgres://…?tlsmode=disable`) as libpq understands it."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(("postgresql", parts.netloc, parts.path, "sslmode=disable", ""))


def with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def psql(url: str, sql: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Runs SQL through psql against a Keel-style URL; raises with psql's stderr on failure."""
    exe = shutil.which("psql")
    if exe is None:
        pytest.fail("psql is needed for the PostgreSQL e2e run (Debian: postgresql-client-15)")
    proc = subprocess.run(
        [exe, psql_url(url), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True, text=True, timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"psql failed ({proc.returncode}) for {sql!r}: {proc.stderr.strip()}")
    return proc


_created_databases: list[str] = []


def fresh_database_url(prefix: str = "keel_e2e") -> str | None:
    """A new empty PostgreSQL database when running on PostgreSQL; None on SQLite."""
    if E2E_DATABASE_URL is None:
        return None
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    psql(E2E_DATABASE_URL, f'CREATE DATABASE "{name}"')
    _created_databases.append(name)
    return with_database(E2E_DATABASE_URL, name)


def pytest_sessionfinish(session, exitstatus):
    # The cluster is throwaway, but a developer may point this at a longer-lived one.
    if E2E_DATABASE_URL is None:
        return
    for name in _created_databases:
        try:
            psql(E2E_DATABASE_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception:  # noqa: BLE001 - cleanup is best effort
            pass


def pytest_report_header(config):
    backend = "postgresql (fresh database per server/test)" if on_postgres() else "sqlite"
    return [f"keel: {KEEL_BIN}", f"keel database: {backend}"]


# --- Keel processes ---------------------------------------------------------------------------

@dataclass
class KeelEnv:
    """A data directory (and on PostgreSQL a database) that `keel` commands share."""

    data_dir: Path
    database_url: str | None
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls, root: Path) -> "KeelEnv":
        data_dir = Path(tempfile.mkdtemp(prefix="keel-data-", dir=root))
        database_url = fresh_database_url()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(_SCRUBBED_PREFIXES) and k not in _SCRUBBED_NAMES}
        env.update({
            "KEEL_DATA_DIR": str(data_dir),
            "KEEL_DEMO_PASSWORD": DEMO_PASSWORD,
            "KEEL_LOG_LEVEL": "warning",
            # The CLI speaks the locale's language; the tests read English unless they ask.
            "KEEL_LANG": "en",
        })
        if database_url is not None:
            env["DATABASE_URL"] = database_url
        return cls(data_dir=data_dir, database_url=database_url, env=env)

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "keel.sqlite"

    def run_keel(self, args, input: str | None = None, env_extra: dict | None = None,
                 timeout: float = 120, check: bool = False) -> subprocess.CompletedProcess:
        """Runs `keel ARGS` with this environment; stdout and stderr are captured as text."""
        require_keel_bin()
        env = dict(self.env)
        if env_extra:
            env.update({k: str(v) for k, v in env_extra.items()})
        proc = subprocess.run(
            [KEEL_BIN, *[str(a) for a in args]],
            input=input, capture_output=True, text=True, env=env, timeout=timeout,
            stdin=None if input is not None else subprocess.DEVNULL,
        )
        if check and proc.returncode != 0:
            pytest.fail(describe(proc))
        return proc

    def sql(self, statement: str) -> str:
        """Runs SQL directly against this environment's database (sqlite3 or psql)."""
        if self.database_url is not None:
            return psql(self.database_url, statement).stdout
        exe = shutil.which("sqlite3")
        if exe is None:
            pytest.fail("sqlite3 is needed (Debian: sqlite3)")
        proc = subprocess.run([exe, str(self.sqlite_path), statement],
                              capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            raise RuntimeError(f"sqlite3 failed for {statement!r}: {proc.stderr.strip()}")
        return proc.stdout


def describe(proc: subprocess.CompletedProcess) -> str:
    args = " ".join(str(a) for a in proc.args)
    return (f"`{args}` exited {proc.returncode}\n--- stdout ---\n{proc.stdout}"
            f"\n--- stderr ---\n{proc.stderr}")


def require_keel_bin() -> None:
    if not (os.path.isfile(KEEL_BIN) and os.access(KEEL_BIN, os.X_OK)):
        pytest.fail(f"keel binary not found at {KEEL_BIN} (build first, or set KEEL_BIN)")


@dataclass
class KeelServer:
    base_url: str
    port: int
    password: str
    data_dir: Path
    env: dict[str, str]
    log_path: Path
    keel: KeelEnv
    process: subprocess.Popen | None = None

    admin_email: str = ADMIN_EMAIL

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        return tail(self.log_path, lines)

    def run_keel(self, args, input=None, env_extra=None, **kwargs):
        """A CLI subcommand against the server's data directory and database."""
        return self.keel.run_keel(args, input=input, env_extra=env_extra, **kwargs)

    def start(self) -> None:
        require_keel_bin()
        log = open(self.log_path, "wb")
        try:
            self.process = subprocess.Popen(
                [KEEL_BIN, "serve", "--demo"], env=self.env, stdout=log,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            )
        finally:
            log.close()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                raise RuntimeError(
                    f"keel serve --demo exited with {code} before answering /healthz\n"
                    f"--- keel log (tail) ---\n{self.log_tail()}")
            try:
                r = requests.get(self.url("/healthz"), timeout=2)
                if r.status_code == 200:
                    return
                last_error = f"HTTP {r.status_code}"
            except requests.RequestException as e:
                last_error = type(e).__name__
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"keel serve --demo did not answer /healthz with 200 within {STARTUP_TIMEOUT:.0f}s "
            f"(last: {last_error})\n--- keel log (tail) ---\n{self.log_tail()}")

    def stop(self) -> None:
        p = self.process
        if p is None or p.poll() is not None:
            return
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait(timeout=15)


_running_servers: list[KeelServer] = []


@pytest.fixture(scope="session")
def e2e_tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("keel-e2e")


@pytest.fixture
def keel_env(e2e_tmp) -> KeelEnv:
    """A fresh data directory (and database on PostgreSQL) with no server: for CLI tests."""
    return KeelEnv.create(e2e_tmp)


@pytest.fixture
def make_keel_env(e2e_tmp):
    """A factory for more fresh environments in one test (e.g. to restore a backup into)."""
    return lambda: KeelEnv.create(e2e_tmp)


@pytest.fixture(scope="module")
def keel_server(e2e_tmp):
    """`keel serve --demo` on a free loopback port with fresh data, one per test module.

    One per module keeps modules independent (e.g. the login rate limiter that the API smoke
    test trips does not lock the browser tests out) at the cost of a start-up per module.
    """
    keel = KeelEnv.create(e2e_tmp)
    port = free_port()
    env = dict(keel.env)
    env.update({"KEEL_PORT": str(port), "KEEL_ADDRESS": "127.0.0.1"})
    server = KeelServer(
        base_url=f"http://127.0.0.1:{port}", port=port, password=DEMO_PASSWORD,
        data_dir=keel.data_dir, env=env, log_path=keel.data_dir.parent / f"keel-{port}.log",
        keel=keel,
    )
    keel.env = env
    try:
        server.start()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    _running_servers.append(server)
    try:
        yield server
    finally:
        _running_servers.remove(server)
        server.stop()


@pytest.fixture
def run_keel(keel_server):
    """`run_keel(args, input=None, env_extra=None)`: the CLI against the server's data."""
    return keel_server.run_keel


# --- Browser ----------------------------------------------------------------------------------

@pytest.fixture
def browser():
    """Headless Debian Chromium through Debian's chromedriver, in English."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.fail(f"{path} not found (Debian: chromium, chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--lang=en-US", "--disable-gpu",
                "--disable-extensions", "--no-first-run", "--no-default-browser-check"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    service = Service(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


# --- Reports ----------------------------------------------------------------------------------

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.passed or report.skipped:
        return
    # A failing test shows what the server logged and, for browser tests, where the page was.
    for server in list(_running_servers):
        code = server.process.poll() if server.process else None
        state = "" if code is None else f" - the server had EXITED with {code}"
        report.sections.append((f"keel server log (tail) {server.base_url}{state}",
                                server.log_tail()))
    driver = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    if driver is not None:
        try:
            body = driver.find_element("tag name", "body").text
            page = f"url: {driver.current_url}\n--- visible text ---\n{body[:3000]}"
        except Exception as e:  # noqa: BLE001 - the browser may be gone
            page = f"(page unavailable: {e})"
        report.sections.append(("browser page", page))


CJK = re.compile(r"[\u3400-\u9fff]")
