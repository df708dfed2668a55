"""GET never writes: every page a person opens reads the database and changes nothing in it."""

import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db

WRITES = ("insert", "update", "delete", "create", "alter", "drop")


class WriteSpy:
    def __init__(self):
        self.writes: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        words = sql.lstrip().split(None, 1)
        if words and words[0].lower() in WRITES:
            self.writes.append(sql[:120])
        return execute(sql, params, many, context)


def _pages(world):
    task = world.laws_task
    return [reverse("home"), reverse("plan_list"), reverse("plan_detail", args=[world.plan.pk]),
            reverse("plan_history", args=[world.plan.pk]), reverse("task_detail", args=[task.pk]),
            reverse("tracking_panel", args=[task.pk]), reverse("my_tasks"),
            reverse("agency_dashboard", args=[world.home.code]), reverse("notification_list"),
            reverse("agency_list"), reverse("agency_detail", args=[world.home.code]),
            reverse("reports:index"), reverse("reports:calendar", args=[world.home.code]),
            reverse("reports:period", args=[world.home.code, "2026-Q1"]),
            reverse("reports:unit_report", args=[world.home.code, "2026-Q1", world.laws.pk]),
            reverse("plan_list_export"), reverse("plan_tasks_export", args=[world.plan.pk])]


def test_no_page_writes(world, login):
    from chiso.tracking.models import Period

    task = world.laws_task
    task.recurrence = "quarterly"  # a recurring task with no check-in period stored yet
    task.save()
    client = login(world.people.office)
    client.get(reverse("home"))  # the session exists before we watch
    spy = WriteSpy()
    with connection.execute_wrapper(spy):
        for url in _pages(world):
            assert client.get(url).status_code in (200, 302), url
    assert spy.writes == []
    assert not Period.objects.filter(task=task).exists()
    body = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert "Quý I/2026" in body and "Quý IV/2026" in body  # shown from the recurrence, not stored by the page


def test_the_remind_loop_stores_the_periods_of_new_tasks(world):
    from chiso.tracking.actions import ensure_new_task_periods
    from chiso.tracking.models import Period

    task = world.laws_task
    task.recurrence = "quarterly"
    task.save()
    made = ensure_new_task_periods()
    assert set(Period.objects.filter(task=task).values_list("label", flat=True)) == {
        "Quý I/2026", "Quý II/2026", "Quý III/2026", "Quý IV/2026"}
    assert made == Period.objects.count()  # the once task got its "Cả kỳ kế hoạch" too
    assert ensure_new_task_periods() == 0  # nothing twice
