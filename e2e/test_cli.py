"""The `keel` command line: migrations, people, the audit chain, backup and restore, and the
demo server's greeting. Every subcommand reads the same settings as `keel serve`
(KEEL_DATA_DIR, DATABASE_URL)."""

from __future__ import annotations

import re
import shutil
import subprocess
import time

import pytest

from conftest import ADMIN_EMAIL, DEMO_PASSWORD, describe, on_postgres

GOOD_PASSWORD = "correct horse battery staple 9"
OTHER_PASSWORD = "another long passphrase 42"


def ok(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, describe(proc)
    return proc


def output(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout + proc.stderr


def add_admin(keel, email: str, name: str = "CLI Admin") -> None:
    ok(keel.run_keel(["migrate"]))
    ok(keel.run_keel(["user", "add", "--email", email, "--name", name,
                      "--role", "provider_admin", "--password-stdin"],
                     input=GOOD_PASSWORD + "\n"))


def test_migrate_succeeds_on_a_fresh_data_dir(keel_env):
    ok(keel_env.run_keel(["migrate"]))
    # Running it again is a no-op, not an error.
    ok(keel_env.run_keel(["migrate"]))


def test_user_add_list_and_passwd(keel_env):
    email = "ops.lead@keel.test"
    add_admin(keel_env, email, name="Ops Lead")
    listed = ok(keel_env.run_keel(["user", "list"]))
    assert any(email in line for line in listed.stdout.splitlines()), describe(listed)
    ok(keel_env.run_keel(["user", "passwd", "--email", email, "--password-stdin"],
                         input=OTHER_PASSWORD + "\n"))


def test_short_passwords_are_refused(keel_env):
    ok(keel_env.run_keel(["migrate"]))
    email = "short.pw@keel.test"
    proc = keel_env.run_keel(["user", "add", "--email", email, "--name", "Short",
                              "--role", "provider_admin", "--password-stdin"],
                             input="tooshort1\n")
    assert proc.returncode != 0, describe(proc)
    assert "too short" in proc.stderr, "the refusal should say why on stderr\n" + describe(proc)
    # In Chinese for a Chinese locale.
    proc = keel_env.run_keel(["user", "add", "--email", email, "--name", "Short",
                              "--role", "provider_admin", "--password-stdin"],
                             input="tooshort1\n", env_extra={"KEEL_LANG": "", "LANG": "zh_CN.UTF-8"})
    assert proc.returncode != 0, describe(proc)
    assert "密码太短" in proc.stderr, describe(proc)
    listed = ok(keel_env.run_keel(["user", "list"]))
    assert email not in listed.stdout, "a refused user must not be created"

    add_admin(keel_env, "long.pw@keel.test")
    proc = keel_env.run_keel(["user", "passwd", "--email", "long.pw@keel.test",
                              "--password-stdin"], input="short\n")
    assert proc.returncode != 0, describe(proc)
    assert proc.stderr.strip(), describe(proc)


def test_audit_verify_passes_then_reports_the_tampered_row(keel_env):
    add_admin(keel_env, "auditor@keel.test")
    verified = ok(keel_env.run_keel(["audit", "verify"]))
    assert re.search(r"\bok\b", output(verified), re.IGNORECASE), describe(verified)

    first = keel_env.sql("SELECT MIN(seq) FROM audit_events").strip()
    assert first and first.isdigit(), f"expected audit rows after `user add`, MIN(seq) = {first!r}"
    keel_env.sql(f"UPDATE audit_events SET action='tampered' WHERE seq={first}")

    broken = keel_env.run_keel(["audit", "verify"])
    assert broken.returncode != 0, "a tampered chain must fail\n" + describe(broken)
    text = output(broken)
    assert "tampered" in text, describe(broken)
    assert re.search(rf"(?<!\d){first}(?!\d)", text), \
        f"the output should name row {first}\n" + describe(broken)


@pytest.mark.skipif(on_postgres(), reason="SQLite backup; on PostgreSQL keel defers to pg_dump")
def test_backup_and_restore_round_trip_on_sqlite(keel_env, make_keel_env, tmp_path):
    if shutil.which("sqlite3") is None:
        pytest.fail("sqlite3 is needed (Debian: sqlite3)")
    email = "backup.owner@keel.test"
    add_admin(keel_env, email, name="Backup Owner")
    backup = tmp_path / "keel-backup.sqlite"
    ok(keel_env.run_keel(["backup", "--to", backup]))
    assert backup.is_file() and backup.stat().st_size > 0
    check = subprocess.run(["sqlite3", str(backup), "PRAGMA integrity_check"],
                           capture_output=True, text=True, timeout=60)
    assert check.stdout.strip() == "ok", describe(check)

    restored = make_keel_env()
    ok(restored.run_keel(["restore", "--from", backup]))
    listed = ok(restored.run_keel(["user", "list"]))
    assert email in listed.stdout, describe(listed)


@pytest.mark.skipif(not on_postgres(), reason="only on PostgreSQL")
def test_backup_on_postgresql_points_to_pg_dump(keel_env, tmp_path):
    ok(keel_env.run_keel(["migrate"]))
    proc = keel_env.run_keel(["backup", "--to", tmp_path / "keel-backup"])
    assert proc.returncode != 0, describe(proc)
    assert "pg_dump" in output(proc), describe(proc)


def test_demo_server_prints_its_address_and_credentials(keel_server):
    expected = [f"http://127.0.0.1:{keel_server.port}", ADMIN_EMAIL, DEMO_PASSWORD]
    # The greeting may reach the log file a moment after /healthz answers.
    deadline = time.monotonic() + 15
    while True:
        log = keel_server.log_text()
        if all(any(s in line for line in log.splitlines()) for s in expected):
            break
        if time.monotonic() > deadline:
            missing = [s for s in expected if s not in log]
            pytest.fail(f"demo greeting lacks {missing} (even at KEEL_LOG_LEVEL=warning; "
                        f"is stdout flushed?)\n--- log ---\n{keel_server.log_tail()}")
        time.sleep(0.2)
