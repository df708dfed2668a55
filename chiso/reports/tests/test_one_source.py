"""Issue 10, items 1 and 4: one source for figures, and drafts stay drafts.

A plan with tasks in every status: the agency dashboard (page and XLSX), the province dashboard (page and
XLSX), the unit report, the agency report (its figures, DOCX text and PDF text, XLSX annex) and the province
roll-up all say the same numbers, because they count through one query (plans.figures.count_statuses).
A draft plan's overdue task appears in no work list, dashboard, reminder or report."""

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from chiso.periods.calendar import resolve
from chiso.plans import actions as plan_actions
from chiso.plans.models import Plan, Task
from chiso.plans.status import Status
from chiso.reports import actions
from chiso.reports import queries as report_queries
from chiso.reports.documents import render
from chiso.tracking import actions as tracking
from chiso.tracking.actions import UpdateData
from chiso.tracking.reminders import wanted_reminders

from .helpers import backdate
from .test_documents import pdf_text, texts

pytestmark = pytest.mark.django_db

DAY = date(2026, 10, 15)  # inside the 2026 year report (15/12/2025 – 14/12/2026)
# world's own two tasks (due 30/06 and 30/09, no report) are the overdue ones on DAY
EXPECTED = {Status.NOT_STARTED: 1, Status.IN_PROGRESS: 1, Status.DONE: 1, Status.DONE_LATE: 1,
            Status.OVERDUE: 2, Status.FAILED: 1}
# the civil unit leads all but world's laws task
EXPECTED_CIVIL = {**EXPECTED, Status.OVERDUE: 1}


@pytest.fixture
def on_day(monkeypatch):
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda value=None, tz=None: real(value, tz) if value else DAY)


def _report(world, task, day, **data):
    update = tracking.do_post_update(world.people.staff, task, UpdateData(narrative="Đã thực hiện.", **data),
                                     today=day)
    tracking.do_confirm_update(world.people.office, update, today=day)
    backdate(update, day)


def _task(world, title, due):
    return plan_actions.do_save_task(world.people.office, Task(
        plan=world.plan, index="PAR_INDEX", field_name="Cải cách thủ tục hành chính", title=title, due=due),
        [world.civil], [])


@pytest.fixture
def every_status(world, on_day):
    _task(world, "Chưa làm", date(2026, 11, 30))
    _report(world, _task(world, "Đang làm", date(2026, 11, 30)), date(2026, 10, 1), percent=40)
    _report(world, _task(world, "Xong đúng hạn", date(2026, 10, 30)), date(2026, 9, 1), percent=100,
            proposed_status="done", done_on=date(2026, 9, 1))
    _report(world, _task(world, "Xong muộn", date(2026, 8, 31)), date(2026, 9, 10), percent=100,
            proposed_status="done", done_on=date(2026, 9, 10), cause="Chậm phê duyệt", remedy="Đôn đốc")
    _report(world, _task(world, "Không làm được", date(2026, 11, 30)), date(2026, 10, 2), percent=10,
            proposed_status="failed", cause="Hết kinh phí", remedy="Đề nghị bổ sung")
    # a draft plan with an overdue task led by the same unit: counted nowhere
    draft = plan_actions.do_create_plan(world.people.office, Plan(
        agency=world.home, title="Dự thảo kế hoạch", number="99/KH-STP", year=2026))
    plan_actions.do_save_task(world.people.office, Task(plan=draft, index="PAR_INDEX", title="Việc của dự thảo",
                                                        due=date(2026, 1, 31)), [world.civil], [])
    return world


def _numbers(counts) -> dict:
    return {str(s): counts[str(s)] for s in EXPECTED}


def _sheet(body: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_figure_agrees(every_status, login, tmp_path):
    world = every_status
    labels = dict(Status.choices)
    expected_sentence = ("đã hoàn thành 2 (28,6%), trong đó đúng hạn 1, quá hạn 1; đang thực hiện 1; "
                         "chưa thực hiện 1; quá hạn chưa hoàn thành 2; không thực hiện được 1.")

    # the agency dashboard, its page and its XLSX by field
    client = login(world.people.leader)
    url = reverse("agency_dashboard", args=[world.home.code])
    body = client.get(url).content.decode()
    for s, n in EXPECTED.items():
        assert f'data-testid="count-{s}">{n}<' in body, s
    assert 'data-testid="count-total">7<' in body
    rows = _sheet(client.get(url + "?xuat=linh-vuc").content)
    header = [str(h) for h in rows[0]]
    for s, n in EXPECTED.items():
        col = header.index(str(labels[s]))
        assert sum(r[col] for r in rows[1:]) == n, s

    # the province dashboard and its XLSX
    coordinator = login(world.people.coordinator)
    response = coordinator.get(reverse("province_dashboard"))
    line = next(ln for ln in response.context["lines"] if ln["agency"] == world.home)
    assert _numbers(line["counts"]) == EXPECTED
    rows = _sheet(coordinator.get(reverse("province_dashboard") + "?xuat=xlsx").content)
    header = [str(h) for h in rows[0]]
    mine = next(r for r in rows if r[0] == world.home.name)
    assert {s: mine[header.index(str(labels[s]))] for s in EXPECTED} == EXPECTED

    # the unit report of the civil unit
    period = resolve(world.home, "2026-Y")
    unit_report = actions.do_draft_unit_report(world.people.staff, world.home, world.civil, period, DAY)
    assert _numbers(unit_report.figures["counts"]) == EXPECTED_CIVIL
    assert "đang thực hiện 1; chưa thực hiện 1; quá hạn chưa hoàn thành 1" in unit_report.results

    # the agency report: figures, DOCX, PDF, XLSX annex
    report = actions.do_compile_agency_report(world.people.office, world.home, period, DAY)
    assert _numbers(report.figures["counts"]) == EXPECTED
    assert sum(f["total"] for f in report.figures["by_field"]) == 7
    assert expected_sentence in report.results_intro
    docx_text = _flat(" ".join(texts(Document(io.BytesIO(render("docx", report))))))
    assert expected_sentence in docx_text
    assert _flat(expected_sentence) in _flat(pdf_text(render("pdf", report), tmp_path))
    rows = _sheet(render("xlsx", report))
    assert sum(1 for r in rows if r and any(str(c) == str(labels[Status.OVERDUE]) for c in r)) == 2

    # the province roll-up, page and data
    data = report_queries.province_rollup(world.province, "2026-Y", DAY)
    line = next(a for a in data["agencies"] if a["code"] == world.home.code)
    assert _numbers(line["counts"]) == EXPECTED and len(line["overdue"]) == 2
    page = coordinator.get(reverse("reports:rollup", args=["2026-Y"])).content.decode()
    assert "28,6%" in page or "28.6%" in page  # 2/7, rounded half-up


def test_drafts_stay_drafts(every_status, login):
    world = every_status
    draft_task = Task.objects.get(title="Việc của dự thảo")
    # "Việc của tôi" and the home page of the unit's staff
    client = login(world.people.staff)
    mine = client.get(reverse("my_tasks"))
    assert draft_task.pk not in {t.pk for t in mine.context["rows"]}
    assert mine.context["counts"]["total"] == 6
    home = client.get(reverse("home"))
    assert draft_task.pk not in {t.pk for t in home.context["my_tasks"]}
    assert home.context["my_counts"] == {"total": 6, "past": 1}
    # the leader's home: upcoming and overdue
    home = login(world.people.leader).get(reverse("home"))
    assert draft_task.pk not in {t.pk for t in home.context["upcoming"]}
    # the coordinator's home counts
    home = login(world.people.coordinator).get(reverse("home"))
    row = next(a for a in home.context["agency_rows"] if a.pk == world.home.pk)
    assert (row.task_count, row.past_count) == (7, 2)
    # reminders
    assert draft_task.pk not in {r.task_id for r in wanted_reminders(DAY)}
    # reports
    period = resolve(world.home, "2026-Y")
    fig = report_queries.agency_figures(world.home, period, DAY)
    assert draft_task.pk not in {r["id"] for r in fig["tasks"]} and fig["counts"]["total"] == 7
