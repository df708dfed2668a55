"""Near-due and overdue alerts: each dossier announced once however often the command runs; overdue
ones go to the unit head."""

from datetime import datetime, timedelta, timezone

from chiso.dossiers import alerts, store
from chiso.dossiers.actions import do_import_dossiers
from chiso.dossiers.models import AlertPolicy, AlertRun
from chiso.notifications.models import Notification

from .conftest import dossier_row, write_rows

NOW = datetime(2025, 6, 2, 8, 0, tzinfo=timezone(timedelta(hours=7)))  # a Monday


def test_alerts_once_and_escalated(world, tmp_path):
    rows = [
        dossier_row("N1", received="2025-05-26", promised="2025-06-03"),  # 1 working day left: near due
        dossier_row("N2", received="2025-05-26", promised="2025-06-20"),  # far away: nothing
        dossier_row("N3", received="2025-05-12", promised="2025-05-30"),  # overdue
        dossier_row("N4", received="2025-05-12", promised="2025-06-03", finished="2025-05-20"),  # finished
        dossier_row("N5", unit="Phòng Xây dựng và kiểm tra văn bản", received="2025-05-26", promised="2025-06-04"),
    ]
    do_import_dossiers(None, write_rows(tmp_path / "a.csv", rows))
    first = alerts.run(NOW)
    assert first.open_dossiers == 4 and first.claimed == 3
    con = store.connect()
    assert set(con.execute("SELECT code, kind FROM read_parquet(?)", [alerts.state_file()]).fetchall()) == {
        ("N1", "near_due"), ("N3", "overdue"), ("N5", "near_due")}
    to_head = Notification.objects.filter(kind="dossier_overdue").values_list("user__username", flat=True)
    assert list(to_head) == ["head"]
    near = set(Notification.objects.filter(kind="dossier_near_due").values_list("user__username", flat=True))
    assert near == {"head", "staff", "laws_staff"}
    assert alerts.run(NOW).claimed == 0 and alerts.run(NOW + timedelta(hours=5)).claimed == 0
    assert Notification.objects.count() == 4
    # a longer warning period for the agency brings N2 in, once
    AlertPolicy.objects.create(agency=world.home, days_before=15)
    assert alerts.run(NOW).claimed == 1
    link = Notification.objects.filter(kind="dossier_near_due").latest("pk").url
    assert link.startswith("/chi-so-phuc-vu/co-quan/STP/ho-so/?canh-bao=near_due")


def test_alert_links_list_the_dossiers(world, tmp_path, login):
    do_import_dossiers(None, write_rows(tmp_path / "a.csv", [
        dossier_row("N1", received="2025-05-26", promised="2025-06-03")]))
    alerts.run(NOW)
    page = login(world.people.staff).get(Notification.objects.filter(user=world.people.staff).first().url)
    assert 'data-code="N1"' in page.content.decode()


def test_a_run_that_died_before_publishing_is_adopted(world, tmp_path, monkeypatch):
    """Notifications committed, manifest not swapped (the process died): the next run announces nothing."""
    do_import_dossiers(None, write_rows(tmp_path / "a.csv", [
        dossier_row("N1", received="2025-05-26", promised="2025-06-03")]))
    real_commit = store.Transaction.commit
    calls = {"n": 0}

    def dying_commit(self):
        calls["n"] += 1
        raise SystemExit("killed")

    monkeypatch.setattr(store.Transaction, "commit", dying_commit)
    try:
        alerts.run(NOW)
    except SystemExit:
        pass
    monkeypatch.setattr(store.Transaction, "commit", real_commit)
    assert calls["n"] == 1 and AlertRun.objects.count() == 1 and alerts.state_file() is None
    assert Notification.objects.count() == 2
    assert alerts.run(NOW).claimed == 0 and Notification.objects.count() == 2
