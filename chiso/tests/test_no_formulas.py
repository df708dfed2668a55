"""Formula injection (issue 9): every XLSX the app can produce, made from data whose text starts with
= + - @, a tab or a carriage return, holds no formula; such text is a text cell with the quote-prefix mark,
and numbers stay numbers. A guard keeps every module that builds a workbook on the shared cell writer."""

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from chiso.exports.xlsx import FORMULA_START

pytestmark = pytest.mark.django_db

EVIL = {
    "agency": "=cmd|' /C calc'!A0",
    "unit": "=1+1",
    "plan": "+SUM(1;2) kế hoạch",
    "task": '=HYPERLINK("http://evil.example","Bấm vào đây")',
    "field": "-2+3 lĩnh vực",
    "output": "@SUM(A1:A9)",
    "timeframe": "\t=1+1",
    "target": "= 100%",
    "cr": "\r=2+2",
}


@pytest.fixture
def evil_world(world, tmp_path, settings):
    from chiso.dossiers.actions import do_import_dossiers
    from chiso.dossiers.tests.conftest import dossier_row, write_rows
    from chiso.notifications.service import notify
    from chiso.plans import actions as plans
    from chiso.plans.models import Task
    from chiso.tracking import actions as tracking
    from chiso.tracking.tests.helpers import report

    settings.MEDIA_ROOT = tmp_path / "media"
    world.home.name = EVIL["agency"]
    world.home.save()
    world.civil.name = EVIL["unit"]
    world.civil.save()
    world.plan.title = EVIL["plan"]
    world.plan.save()
    task = plans.do_save_task(world.people.office, Task(
        plan=world.plan, index="PAR_INDEX", field_name=EVIL["field"], ref="=3", title=EVIL["task"],
        output=EVIL["output"], timeframe=EVIL["timeframe"], notes=EVIL["cr"], due=date(2026, 3, 1),
        measure_op=">=", measure_value=100, measure_unit="%"), [world.civil], [world.laws])
    world.civil_task.title = EVIL["target"]
    world.civil_task.save()
    update = tracking.do_post_update(world.people.staff, task, report(40, narrative=EVIL["task"], cause="=1",
                                     remedy="-1"), today=date(2026, 3, 20))
    tracking.do_confirm_update(world.people.office, update, today=date(2026, 3, 20))
    notify([world.people.office], "comment", EVIL["task"], "/")
    do_import_dossiers(world.people.office, write_rows(tmp_path / "v.csv", [
        dossier_row("V1", unit=EVIL["unit"], received="2025-03-03", promised="2025-03-07", finished="2025-03-10",
                    applicant=EVIL["task"]),
        dossier_row("V2", unit=EVIL["unit"], received="2025-03-03", promised="2025-03-10",
                    finished="2025-03-07")]))
    return world


def scan(content: bytes) -> tuple[list[str], list, int]:
    """(problems, every text value, how many numeric cells) of one workbook."""
    problems, texts, numbers = [], [], 0
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and re.search(rb"<(\w+:)?f[ >]", zf.read(name)):
                problems.append(f"{name}: a formula element")
    wb = load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    problems.append(f"{ws.title}!{c.coordinate}: formula {c.value!r}")
                elif isinstance(c.value, str):
                    texts.append(c.value)
                    if c.value.startswith(FORMULA_START) and not c.quotePrefix:
                        problems.append(f"{ws.title}!{c.coordinate}: unmarked {c.value!r}")
                elif isinstance(c.value, int | float) and not isinstance(c.value, bool):
                    numbers += 1
    return problems, texts, numbers


def test_every_xlsx_holds_no_formula(evil_world, client):
    from chiso.frameworks.models import Framework
    from chiso.periods.calendar import resolve
    from chiso.reports import actions as reports
    from chiso.reports.documents import render

    w, p = evil_world, evil_world.people
    period = resolve(w.home, "2026-Q1")
    agency_report = reports.do_compile_agency_report(p.office, w.home, period, date(2026, 3, 20))
    produced: dict[str, bytes] = {"báo cáo cơ quan (chiso report --out .xlsx)": render("xlsx", agency_report)}
    from chiso.reports.file_jobs import render_rollup
    from chiso.reports.permissions import rollup_coordinator

    produced["tổng hợp toàn tỉnh (job rollup_file)"] = render_rollup(rollup_coordinator(p.coordinator), "2026-Q1",
                                                                     "xlsx")
    framework = Framework.objects.order_by("pk").first()
    pages = [
        (p.office, "/ke-hoach/xlsx/"),
        (p.office, f"/ke-hoach/{w.plan.pk}/xlsx/"),
        (p.staff, "/theo-doi/viec-cua-toi/?xuat=xlsx"),
        *[(p.office, f"/theo-doi/co-quan/STP/?xuat={k}") for k in
          ("nhiem-vu", "qua-han", "sap-den-han", "don-vi", "linh-vuc")],
        (p.admin, "/theo-doi/toan-tinh/?xuat=xlsx"),
        (p.office, "/theo-doi/thong-bao/?xuat=xlsx"),
        (p.office, f"/bo-chi-so/{framework.pk}/xlsx/"),
        (p.office, f"/bao-cao/van-ban/{agency_report.pk}/tai/xlsx/"),
        (p.office, "/chi-so-phuc-vu/co-quan/STP/?ky=2025-03&xuat=xlsx"),
        (p.admin, "/chi-so-phuc-vu/xep-hang/?ky=2025-03&xuat=xlsx"),
        (p.office, "/chi-so-phuc-vu/co-quan/STP/ho-so/?ky=2025-03&chi-so=2.1&loai=den&xuat=xlsx"),
    ]
    for user, url in pages:
        client.force_login(user)
        r = client.get(url)
        assert r.status_code == 200 and r["Content-Type"].endswith("spreadsheetml.sheet"), (url, r.status_code)
        produced[url] = r.content
    found, bad = set(), []
    for name, content in produced.items():
        problems, texts, numbers = scan(content)
        bad += [f"{name}: {x}" for x in problems]
        found |= {v for v in EVIL.values() if any(v in t for t in texts)}
        print(f"{name}: {len(texts)} text cells, {numbers} numbers, {len(problems)} formulas")
    print(f"{len(produced)} workbooks, {len(bad)} formulas")
    assert bad == []
    assert found >= {EVIL["agency"], EVIL["unit"], EVIL["plan"], EVIL["task"], EVIL["target"], EVIL["field"]}


def test_the_cell_writer_keeps_numbers_and_marks_risky_text():
    from openpyxl import Workbook

    from chiso.exports.xlsx import put, workbook_bytes

    content = workbook_bytes(["a", "b", "c", "d", "e"], [[5, -3.5, "-3.5", "= 100%", "bình thường\x07"]])
    wb = load_workbook(io.BytesIO(content))
    row = [c for c in wb.active[2]]
    assert [c.value for c in row] == [5, -3.5, "-3.5", "= 100%", "bình thường"]
    assert [c.data_type for c in row] == ["n", "n", "s", "s", "s"]
    assert [bool(c.quotePrefix) for c in row] == [False, False, True, True, False]
    ws = Workbook().active
    assert put(ws, 1, 1, "=1+1").data_type == "s" and put(ws, 1, 2, 7).data_type == "n"


ROOT = Path(__file__).resolve().parents[1]


def test_every_module_that_builds_a_workbook_writes_through_the_shared_writer():
    """A new XLSX writer must put its cells through chiso.exports.xlsx (cell / put / append)."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or rel.startswith(("exports/", "importing/")):
            continue
        source = path.read_text(encoding="utf-8")
        if "Workbook(" not in source:
            continue
        if "chiso.exports.xlsx import" not in source or re.search(r"\bws\.append\(|\.cell\([^)]*value=", source):
            offenders.append(rel)
    assert offenders == []
