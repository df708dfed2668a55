"""The `chiso` console command: demo, agencies, and one stderr line on failure."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from chiso.demo.load import load_demo

pytestmark = pytest.mark.django_db


def _counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in
            {"accounts", "org", "frameworks", "plans", "audit"}}


def test_demo_loads_once_and_a_second_run_changes_nothing():
    # call_command, not main(): the command line closes connections, which ends a test transaction.
    out = StringIO()
    call_command("demo", stdout=out)
    first = _counts()
    assert "Đã nạp dữ liệu mẫu" in out.getvalue() and "stp.vanphong" in out.getvalue()
    assert "chiso2025" in out.getvalue()
    out = StringIO()
    call_command("demo", stdout=out)
    assert "không thay đổi gì" in out.getvalue()
    assert _counts() == first
    assert first["plans.Plan"] == 2 and first["plans.Task"] >= 60 and first["frameworks.PublishedResult"] > 0


def test_demo_has_overdue_and_near_due_tasks(db):
    from datetime import date, timedelta

    from chiso.plans.models import Task

    today = date(2026, 6, 15)
    load_demo(today=today)
    assert Task.objects.filter(due__lt=today).exists()
    assert Task.objects.filter(due__gte=today, due__lte=today + timedelta(days=7)).exists()
    assert Task.objects.filter(recurrence="continuous").exists()
    assert set(Task.objects.values_list("index", flat=True)) == {"PAR_INDEX", "SIPAS", "PAPI"}
    fields = set(Task.objects.filter(index="PAR_INDEX").values_list("field_name", flat=True))
    assert len(fields) == 7  # every department-level PAR field


def test_demo_logins_work(client, db):
    load_demo()
    assert client.login(username="stp.vanphong", password="chiso2025")


def test_agencies_prints_code_then_name(world):
    out = StringIO()
    call_command("agencies", stdout=out)
    lines = out.getvalue().splitlines()
    assert "STP\tSở Tư pháp" in lines and "SXD\tSở Xây dựng" in lines
    assert lines == sorted(lines)


def _chiso(args, tmp_path, **env):
    environ = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3", **env}
    return subprocess.run([sys.executable, "-m", "chiso.cli", *args], capture_output=True, text=True,
                          env=environ, timeout=120)


def test_the_console_command_end_to_end(tmp_path):
    done = _chiso(["demo", "--quiet-logins"], tmp_path)
    assert done.returncode == 0, done.stderr
    done = _chiso(["agencies"], tmp_path)
    assert done.returncode == 0
    assert done.stdout.splitlines()[:2] == ["SNV\tSở Nội vụ", "STP\tSở Tư pháp"]


def test_a_missing_database_gives_one_line_on_stderr(tmp_path):
    done = _chiso(["agencies"], tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/empty.sqlite3")
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "chiso migrate" in lines[0]
