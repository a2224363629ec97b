"""`keel sla due`: the SLA clock on the command line. It needs no database and no KEEL_*
settings: a business calendar (a JSON file, or 24x7), a start, a target and optional pauses."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import conftest
from conftest import describe, require_keel_bin

# The London calendar of design/API.md ("A business calendar as JSON").
LONDON = {
    "name": "London office",
    "timezone": "Europe/London",
    "weekly": {
        "mon": [["09:00", "17:30"]], "tue": [["09:00", "17:30"]],
        "wed": [["09:00", "17:30"]], "thu": [["09:00", "17:30"]],
        "fri": [["09:00", "13:00"], ["14:00", "17:30"]],
        "sat": [], "sun": [],
    },
    "holidays": ["2026-12-25", "2026-12-28"],
    "workdays": ["2026-10-10"],
}

START = "2026-03-27T16:00:00+00:00"  # a Friday, 16:00 GMT; UK clocks go forward on the 29th


def sla_due(args, cwd: Path) -> subprocess.CompletedProcess:
    """Runs `keel sla due ARGS` with no KEEL_* (nor DATABASE_URL) in its environment."""
    require_keel_bin()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("KEEL_") and k != "DATABASE_URL"}
    return subprocess.run(
        [conftest.KEEL_BIN, "sla", "due", *[str(a) for a in args]],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=60,
        stdin=subprocess.DEVNULL,
    )


def last_line(proc: subprocess.CompletedProcess) -> str:
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert lines, "no output on stdout\n" + describe(proc)
    return lines[-1].strip()


def write_calendar(directory: Path, calendar: dict, name: str = "calendar.json") -> Path:
    path = directory / name
    path.write_text(json.dumps(calendar, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_business_hours_across_the_clock_change(tmp_path):
    # Friday 16:00–17:30 GMT is 1.5 h; the remaining 2.5 h run Monday 09:00–11:30 BST.
    calendar = write_calendar(tmp_path, LONDON)
    proc = sla_due(["--calendar", calendar, "--start", START, "--target", "4h"], tmp_path)
    assert proc.returncode == 0, describe(proc)
    assert last_line(proc) == "2026-03-30T11:30:00+01:00", describe(proc)


def test_minutes_target_gives_the_same_answer_as_hours(tmp_path):
    calendar = write_calendar(tmp_path, LONDON)
    proc = sla_due(["--calendar", calendar, "--start", START, "--target", "240m"], tmp_path)
    assert proc.returncode == 0, describe(proc)
    assert last_line(proc) == "2026-03-30T11:30:00+01:00", describe(proc)


def test_24x7_with_a_pause(tmp_path):
    # 90 wall-clock minutes from 16:00, standing still 16:30–17:00: due at 18:00.
    proc = sla_due(["--calendar", "24x7", "--start", START, "--target", "90m",
                    "--pause", "2026-03-27T16:30:00+00:00,2026-03-27T17:00:00+00:00"], tmp_path)
    assert proc.returncode == 0, describe(proc)
    assert last_line(proc) == "2026-03-27T18:00:00+00:00", describe(proc)


def test_a_bad_start_exits_2_naming_start(tmp_path):
    proc = sla_due(["--calendar", "24x7", "--start", "next friday at four",
                    "--target", "90m"], tmp_path)
    assert proc.returncode == 2, describe(proc)
    assert "--start" in proc.stderr, "stderr should name --start\n" + describe(proc)


def test_a_missing_target_exits_2(tmp_path):
    proc = sla_due(["--calendar", "24x7", "--start", START], tmp_path)
    assert proc.returncode == 2, describe(proc)
    assert proc.stderr.strip(), "the refusal should say why on stderr\n" + describe(proc)


def test_a_range_crossing_midnight_is_refused(tmp_path):
    night = json.loads(json.dumps(LONDON))
    night["name"] = "Night shift"
    night["weekly"]["mon"] = [["22:00", "02:00"]]
    calendar = write_calendar(tmp_path, night, "night.json")
    proc = sla_due(["--calendar", calendar, "--start", START, "--target", "4h"], tmp_path)
    assert proc.returncode == 2, describe(proc)
    assert "midnight" in proc.stderr or "22:00" in proc.stderr, (
        "the refusal should say which range is wrong\n" + describe(proc))
    assert "2026-" not in proc.stdout, "no due time for an invalid calendar\n" + describe(proc)
