"""Two (three) copies of `chiso remind` at once against one SQLite file: each reminder once, one mail per person."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .smtp import SmtpServer

ROOT = Path(__file__).resolve().parents[3]
CHISO = [sys.executable, "-m", "chiso.cli"]
SETUP = """
import django
django.setup()
from datetime import date
from conftest import make_world
from chiso.plans import actions
from chiso.plans.models import Task
w = make_world()
for n in range(40):
    actions.do_save_task(w.people.office, Task(plan=w.plan, ref=f"c{n}", title=f"Việc {n}", due=date(2026, 6, 30)),
                         [w.civil], [w.laws])
"""


def _postgres_url() -> str | None:
    """A scratch database beside the one the suite runs on, when the suite runs on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    import psycopg

    base, name = url.rsplit("/", 1)
    scratch = f"{name.split('?')[0]}_remind_race"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        conn.execute(f'CREATE DATABASE "{scratch}"')
    return f"{base}/{scratch}"


def _counts(database_url: str, tmp_path: Path):
    queries = ("select count(*), count(distinct task_id || '-' || person_id) from tracking_reminder",
               "select count(*) from tracking_notification where kind like 'reminder%'")
    if database_url.startswith("sqlite"):
        db = sqlite3.connect(tmp_path / "chiso.sqlite3")
        try:
            return [db.execute(q).fetchone() for q in queries]
        finally:
            db.close()
    import psycopg

    with psycopg.connect(database_url) as conn:
        return [tuple(conn.execute(q.replace("task_id || '-' || person_id", "(task_id, person_id)")).fetchone())
                for q in queries]


def _world(tmp_path: Path, backend: str) -> dict:
    """The environment of a fresh migrated database holding the test world and 40 more tasks."""
    database_url = f"sqlite:///{tmp_path / 'chiso.sqlite3'}" if backend == "sqlite" else _postgres_url()
    if database_url is None:
        pytest.skip("the suite is not running on PostgreSQL (DATABASE_URL)")
    env = {**os.environ, "DATABASE_URL": database_url, "CHISO_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "chiso.settings", "PYTHONPATH": str(ROOT)}
    subprocess.run([*CHISO, "migrate", "-v0"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def _race(env: dict, now: str) -> list:
    """Three `chiso remind` at once, then one more; the mails the SMTP server received."""
    with SmtpServer() as smtp:
        env.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp.port))
        command = [*CHISO, "remind", "--now", now]
        procs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(3)]
        outputs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0], outputs
        again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        assert "0 thông báo mới, 0 thư đã gửi" in again.stdout
        return list(smtp.inbox.messages)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_concurrent_runs_deliver_each_reminder_once(tmp_path, backend):
    env = _world(tmp_path, backend)
    database_url = env["DATABASE_URL"]
    messages = _race(env, "2026-06-29T08:00:00+07:00")
    assert sorted(m["To"] for m in messages) == ["head@example.test", "staff@example.test"]
    reminders, notifications = _counts(database_url, tmp_path)
    assert reminders == (82, 82) and notifications == (82,)  # 41 tasks x (head, staff)
    for m in messages:
        assert m.get_body(("plain",)).get_content().count("Việc ") >= 40


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_concurrent_runs_mail_report_notices_once_with_the_reminders(tmp_path, backend):
    env = _world(tmp_path, backend)
    messages = _race(env, "2026-12-10T08:00:00+07:00")  # 2026-Y drafts are made from 10/12; tasks are late
    assert sorted(m["To"] for m in messages) == ["head@example.test", "laws_staff@example.test",
                                                 "leader@example.test", "office@example.test",
                                                 "staff@example.test"]
    bodies = {m["To"]: m.get_body(("plain",)).get_content() for m in messages}
    assert "Đã tự lập dự thảo báo cáo năm 2026 của cơ quan" in bodies["office@example.test"]
    for person in ("staff", "head", "laws_staff"):
        assert "Báo cáo định kỳ" in bodies[f"{person}@example.test"]
        assert bodies[f"{person}@example.test"].count("Đã lập sẵn dự thảo báo cáo năm 2026") == 1
    assert "Báo cáo định kỳ" not in bodies["leader@example.test"]


def test_the_loop_runs_until_terminated(tmp_path):
    import signal

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'chiso.sqlite3'}", "CHISO_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "chiso.settings", "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    subprocess.run([*CHISO, "migrate", "-v0"], cwd=ROOT, env=env, check=True, capture_output=True)
    proc = subprocess.Popen([*CHISO, "remind", "--loop", "--interval", "1", "--no-email"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        rounds = []
        while len(rounds) < 2:  # two rounds (other lines, e.g. scheduled reports, are skipped)
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            if line.startswith("nhắc việc:"):
                rounds.append(line)
        assert all(line.startswith("nhắc việc: 0 cần nhắc") for line in rounds), rounds
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    assert proc.returncode == 0
