"""Issue 14, item 2: the province pages run a fixed number of queries however many agencies the province
has — the province dashboard, the roll-up (page and data) and the reports index, pinned at 5 and at 50
agencies (and "Việc của tôi" however many tasks, a page at a time)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chiso.org.models import Agency, Unit
from chiso.plans.models import Plan, Task, TaskState

pytestmark = pytest.mark.django_db


def grow(world, upto: int, tasks_each: int = 12) -> None:
    """Agencies of world's province up to `upto` (besides world's own), each with a plan in force, units and
    tasks in several statuses."""
    have = Agency.objects.filter(province=world.province, code__startswith="SC").count()
    agencies = Agency.objects.bulk_create(
        Agency(province=world.province, code=f"SC{i:03d}", name=f"Sở thứ {i:03d}") for i in range(have, upto))
    units = Unit.objects.bulk_create(Unit(agency=a, name=f"Phòng {j} {a.code}") for a in agencies for j in range(3))
    plans = Plan.objects.bulk_create(Plan(agency=a, title=f"Kế hoạch {a.code}", year=2026, status="in_force")
                                     for a in agencies)
    tasks = Task.objects.bulk_create(
        Task(plan=p, index=["PAR_INDEX", "SIPAS"][k % 2], field_name=f"Lĩnh vực {k % 3}", title=f"Việc {k}",
             order=k, due=date(2026, 1, 10) + timedelta(days=30 * k)) for p in plans for k in range(tasks_each))
    TaskState.objects.bulk_create(TaskState(task=t, reported=["", "done", "failed", ""][t.order % 4],
                                            done_on=date(2026, 2, 1) if t.order % 4 == 1 else None,
                                            has_updates=t.order % 2 == 0) for t in tasks)
    unit_of = {}
    for u in units:
        unit_of.setdefault(u.agency_id, []).append(u)
    agency_of = {p.pk: p.agency_id for p in plans}
    Task.lead_units.through.objects.bulk_create(
        Task.lead_units.through(task_id=t.pk, unit_id=unit_of[agency_of[t.plan_id]][t.order % 3].pk) for t in tasks)


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


PAGES = [reverse("province_dashboard"), reverse("reports:rollup", args=["2026-Y"]),
         reverse("reports:rollup_file", args=["2026-Y", "xlsx"]), reverse("reports:index"),
         reverse("province_dashboard") + "?xuat=xlsx"]


def test_province_pages_do_not_grow_with_agencies(world, login):
    client = login(world.people.coordinator)
    grow(world, 5)
    small = {url: queries_of(client, url) for url in PAGES}
    grow(world, 50)
    assert Agency.objects.filter(province=world.province).count() >= 50
    large = {url: queries_of(client, url) for url in PAGES}
    assert large == small
    body = client.get(reverse("reports:rollup", args=["2026-Y"])).content.decode()
    assert "Sở thứ 049" in body and "Sở thứ 000" in body


def rollup_file_queries(world) -> int:
    """Queries of the roll-up's XLSX, made by its job (every overdue task of every agency)."""
    from chiso.reports.file_jobs import render_rollup
    from chiso.reports.permissions import rollup_coordinator

    with CaptureQueriesContext(connection) as ctx:
        render_rollup(rollup_coordinator(world.people.coordinator), "2026-Y", "xlsx")
    return len(ctx.captured_queries)


def test_the_rollup_file_does_not_grow_with_agencies(world):
    grow(world, 5)
    rollup_file_queries(world)  # warm: the calendar rules are cached on first use
    small = rollup_file_queries(world)
    grow(world, 50)
    assert rollup_file_queries(world) == small


def test_my_tasks_are_paged(world, login):
    from chiso.tracking.views import MY_PAGE

    plan = world.plan
    extra = Task.objects.bulk_create(Task(plan=plan, title=f"Việc thêm {k}", order=100 + k,
                                          due=date(2026, 1, 1) + timedelta(days=k)) for k in range(MY_PAGE + 5))
    Task.lead_units.through.objects.bulk_create(Task.lead_units.through(task_id=t.pk, unit_id=world.civil.pk)
                                                for t in extra)
    client = login(world.people.staff)
    first = client.get(reverse("my_tasks"))
    assert len(first.context["rows"]) == MY_PAGE and first.context["counts"]["total"] == MY_PAGE + 6
    second = client.get(reverse("my_tasks") + "?page=2")
    assert len(second.context["rows"]) == 6
    assert not {t.pk for t in first.context["rows"]} & {t.pk for t in second.context["rows"]}
    # the most urgent first: page 1 ends no later than page 2 begins
    assert first.context["rows"][-1].due <= second.context["rows"][0].due or second.context["rows"][0].due is None
    n_small = queries_of(client, reverse("my_tasks"))
    more = Task.objects.bulk_create(Task(plan=plan, title=f"Việc nữa {k}", order=300 + k) for k in range(100))
    Task.lead_units.through.objects.bulk_create(Task.lead_units.through(task_id=t.pk, unit_id=world.civil.pk)
                                                for t in more)
    assert queries_of(client, reverse("my_tasks")) == n_small


def test_the_rollup_page_lists_the_most_late_and_counts_all(world, login, monkeypatch):
    from chiso.reports import queries as report_queries
    from chiso.reports import views as report_views

    grow(world, 3)
    monkeypatch.setattr(report_views, "ROLLUP_LIST", 1)
    client = login(world.people.coordinator)
    page = client.get(reverse("reports:rollup", args=["2026-Y"]))
    full = report_queries.province_rollup(world.province, "2026-Y")
    whole = {a["code"]: a for a in full["agencies"]}
    assert page.context["data"]["overdue_total"] == full["overdue_total"] > 3
    for line in page.context["data"]["agencies"]:
        every = whole[line["code"]]["overdue"]
        assert line["counts"]["overdue"] == len(every)
        assert [r["id"] for r in line["overdue"]] == [r["id"] for r in every][:1]  # the most late one
    assert "danh sách đầy đủ trong tệp XLSX" in page.content.decode()
