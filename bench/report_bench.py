"""Benchmark: the agency report for 500 tasks (10 units; a third done with evidence, some late with
causes, unit reports submitted) on SQLite (a temporary file): compile (figures from the data) and write
the DOCX, and separately the XLSX annex and the PDF. Target (issue 5): compile + DOCX under 2 s.

usage: python bench/report_bench.py
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
TASKS, UNITS, RUNS = 500, 10, 5


def build():
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from chiso.accounts.models import Role, RoleGrant, User
    from chiso.org.models import Agency, Province, Unit
    from chiso.plans.models import Plan, Task, TaskState
    from chiso.tracking.models import Evidence, ProgressUpdate

    province = Province.objects.create(code="bench", name="Tỉnh An Phú")
    agency = Agency.objects.create(province=province, code="STP", name="Sở Tư pháp", parent_body="UBND TỈNH AN PHÚ")
    Agency.objects.create(province=province, code="SNV", name="Sở Nội vụ", is_coordinator=True)
    units = Unit.objects.bulk_create(Unit(agency=agency, name=f"Phòng chuyên môn số {j}") for j in range(UNITS))
    office = User.objects.create(username="office", unit=units[0], password="!")
    RoleGrant.objects.create(user=office, role=Role.OFFICE, agency=agency)
    plan = Plan.objects.create(agency=agency, title="Kế hoạch cải cách hành chính năm 2026", year=2026,
                               status=Plan.Status.IN_FORCE)
    fields = ["Cải cách thể chế", "Cải cách thủ tục hành chính", "Cải cách tổ chức bộ máy",
              "Cải cách chế độ công vụ", "Cải cách tài chính công", "Chính quyền điện tử, chính quyền số"]
    tasks = Task.objects.bulk_create(Task(
        plan=plan, index="PAR_INDEX" if i % 4 else "SIPAS", field_name=fields[i % len(fields)], ref=str(i + 1),
        title=f"Nhiệm vụ số {i + 1}: rà soát, đơn giản hóa thủ tục hành chính và công bố kết quả", order=i,
        due=date(2026, 1, 1) + timedelta(days=(i * 7) % 340)) for i in range(TASKS))
    Task.lead_units.through.objects.bulk_create(
        Task.lead_units.through(task_id=t.pk, unit_id=units[i % UNITS].pk) for i, t in enumerate(tasks))
    stamp = timezone.make_aware(datetime(2026, 9, 1, 9))
    updates, states = [], []
    for i, t in enumerate(tasks):
        done = i % 3 == 0
        updates.append(ProgressUpdate(task=t, unit=units[i % UNITS], narrative="Đã triển khai theo kế hoạch.",
                                      percent=100 if done else 50, proposed_status="done" if done else "in_progress",
                                      done_on=t.due if done else None, review="confirmed",
                                      cause="" if done else "Thiếu kinh phí"))
        states.append(TaskState(task=t, progress=100 if done else 50, reported="done" if done else "",
                                done_on=t.due if done else None, has_updates=True))
    ProgressUpdate.objects.bulk_create(updates)
    ProgressUpdate.objects.update(created_at=stamp)
    TaskState.objects.bulk_create(states)
    Evidence.objects.bulk_create(Evidence(update=u, doc_number=f"{k}/BC-STP", doc_date=date(2026, 8, 30),
                                          doc_summary="Báo cáo kết quả thực hiện")
                                 for k, u in enumerate(updates) if u.proposed_status == "done")
    return agency, office, units


def main():
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='chiso-bench-')}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    import django

    django.setup()
    from chiso.periods.calendar import resolve
    from chiso.reports import actions
    from chiso.reports.documents import render

    agency, office, units = build()
    period = resolve(agency, "2026-Q3")
    for unit in units:
        report = actions.do_draft_unit_report(office, agency, unit, period, date(2026, 9, 20))
        actions.do_submit_unit_report(office, report, date(2026, 9, 14))
    times = {"compile + DOCX": [], "XLSX": [], "PDF": []}
    size = 0
    for _i in range(RUNS):
        start = time.perf_counter()
        report = actions.do_compile_agency_report(office, agency, period, date(2026, 9, 20))
        data = render("docx", report)
        times["compile + DOCX"].append(time.perf_counter() - start)
        size = len(data)
        start = time.perf_counter()
        render("xlsx", report)
        times["XLSX"].append(time.perf_counter() - start)
    start = time.perf_counter()
    render("pdf", report)
    times["PDF"].append(time.perf_counter() - start)
    counts = report.figures["counts"]
    print(f"agency report, {counts['total']} tasks ({counts['completed']} done, {counts['overdue']} overdue), "
          f"{UNITS} unit reports, SQLite")
    for name, values in times.items():
        print(f"  {name:<15} median {statistics.median(values):.3f} s over {len(values)} run(s)")
    print(f"  DOCX size {size // 1024} KiB; target: compile + DOCX < 2 s")
    return 0 if statistics.median(times["compile + DOCX"]) < 2 else 3  # 3: missed (scripts/run_benchmarks.py)


if __name__ == "__main__":
    sys.exit(main())
