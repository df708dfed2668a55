"""The `chiso` console command: demo, agencies, and one stderr line on failure."""

import pytest
from django.apps import apps

from chiso.cli import main
from chiso.demo.load import load_demo

pytestmark = pytest.mark.django_db


def _counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in
            {"accounts", "org", "frameworks", "plans", "audit"}}


def test_demo_loads_once_and_a_second_run_changes_nothing(capsys):
    assert main(["demo"]) == 0
    first = _counts()
    out = capsys.readouterr().out
    assert "Đã nạp dữ liệu mẫu" in out and "stp.vanphong" in out and "chiso2025" in out
    assert main(["demo"]) == 0
    assert "không thay đổi gì" in capsys.readouterr().out
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


def test_agencies_prints_code_then_name(world, capsys):
    assert main(["agencies"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "STP\tSở Tư pháp" in lines and "SXD\tSở Xây dựng" in lines
    assert lines == sorted(lines)
