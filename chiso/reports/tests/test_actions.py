"""Unit and agency reports through the actions: drafting, submission, frozen figures, corrected versions."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from chiso.audit.models import AuditEntry
from chiso.periods.calendar import resolve
from chiso.reports import actions
from chiso.reports.documents import render
from chiso.reports.models import AgencyReport, UnitReport

from .helpers import confirmed_done, issued, late_with_cause, sent

DAY = date(2026, 12, 16)


@pytest.fixture
def year(world):
    return resolve(world.home, "2026-Y")


def test_unit_draft_lists_done_in_progress_late_and_evidence(world, year):
    confirmed_done(world, world.civil_task, done_on=date(2026, 6, 20))
    late_with_cause(world, world.laws_task, day=date(2026, 9, 25))
    civil = actions.do_draft_unit_report(world.people.staff, world.home, world.civil, year, DAY)
    assert [r["ref"] for r in civil.figures["done"]] == ["1"]
    assert civil.figures["evidence"][0]["text"] == "Số 15/BC-PHCTP ngày 20/06/2026: Báo cáo kết quả"
    assert "Các nhiệm vụ đã hoàn thành:\n- Giải quyết hồ sơ đúng hạn đạt 98%: Đã giải quyết" in civil.results
    laws = actions.do_draft_unit_report(world.people.laws_staff, world.home, world.laws, year, DAY)
    assert [r["ref"] for r in laws.figures["late"]] == ["2"]
    assert "Nguyên nhân: Thiếu cán bộ chuyên trách" in laws.difficulties
    # drafting again returns the same report
    assert actions.do_draft_unit_report(world.people.staff, world.home, world.civil, year, DAY) == civil
    assert AuditEntry.objects.filter(model="reports.unitreport", object_id=str(civil.pk)).exists()


def test_updates_outside_the_window_do_not_count(world):
    confirmed_done(world, world.civil_task, done_on=date(2026, 6, 20))
    q1 = resolve(world.home, "2026-Q1")  # 15/12/2025 – 14/03/2026: the task was finished later
    fig = actions.do_draft_unit_report(world.people.staff, world.home, world.civil, q1, DAY).figures
    assert fig["done"] == [] and fig["tasks"][0]["status"] == "not_started" and fig["evidence"] == []
    assert fig["tasks"][0]["percent"] == 0  # the 100% came later


def test_submitted_unit_report_is_frozen(world, year):
    report = actions.do_draft_unit_report(world.people.staff, world.home, world.civil, year, DAY)
    report = actions.do_submit_unit_report(world.people.staff, report, date(2026, 12, 20))
    assert report.state == "submitted" and report.on_time is False  # after the 15/12 deadline
    before = dict(report.figures)
    confirmed_done(world, world.civil_task, done_on=date(2026, 6, 20))
    report.refresh_from_db()
    assert report.figures == before
    with pytest.raises(ValidationError):
        actions.do_save_unit_report(world.people.staff, report, {"results": "khác"})
    new = actions.do_correct_unit_report(world.people.staff, report)
    assert new.version == 2 and new.state == "draft" and new.supersedes == report
    new = actions.do_submit_unit_report(world.people.staff, new, date(2026, 12, 21))
    report.refresh_from_db()
    assert report.state == "superseded" and report.figures == before
    assert new.figures["counts"]["completed"] == 1
    assert new.on_time is False  # timeliness is the first submission's
    assert UnitReport.objects.filter(unit=world.civil, period_code="2026-Y").count() == 2


def test_issued_agency_report_does_not_change_when_tasks_change(world, year):
    late_with_cause(world, world.laws_task, day=date(2026, 9, 25))
    report = actions.do_compile_agency_report(world.people.office, world.home, year, DAY)
    report = sent(world, report, date(2026, 12, 17))
    assert report.number == 1 and report.on_time
    frozen = Document(io.BytesIO(render("docx", report)))
    frozen_text = [p.text for p in frozen.paragraphs]
    assert any("đã hoàn thành 0 (0,0%)" in t for t in frozen_text)
    confirmed_done(world, world.civil_task, done_on=date(2026, 6, 20))
    # compiling again leaves the issued report as it was
    assert actions.do_compile_agency_report(world.people.office, world.home, year, DAY) == report
    report.refresh_from_db()
    again = [p.text for p in Document(io.BytesIO(render("docx", report))).paragraphs]
    assert again == frozen_text
    with pytest.raises(ValidationError):
        actions.do_save_agency_report(world.people.office, report, {"direction": "khác"})
    # a corrected version with today's figures; both are kept
    v2 = actions.do_correct_agency_report(world.people.office, report, DAY)
    assert v2.version == 2 and v2.supersedes == report and v2.direction == report.direction
    assert v2.figures["counts"]["completed"] == 1
    v2 = sent(world, v2, date(2026, 12, 19))
    report.refresh_from_db()
    assert report.state == "superseded" and report.figures["counts"]["completed"] == 0
    assert v2.number == 2 and v2.number_symbol == "02/BC-STP"
    assert AgencyReport.objects.filter(agency=world.home, period_code="2026-Y").count() == 2


def test_numbers_restart_every_year(world):
    a = actions.do_compile_agency_report(world.people.office, world.home, resolve(world.home, "2025-Y"), DAY)
    a = issued(world, a, date(2025, 12, 17))
    b = actions.do_compile_agency_report(world.people.office, world.home, resolve(world.home, "2026-Q1"), DAY)
    b = issued(world, b, date(2026, 3, 17))
    assert (a.number, b.number) == (1, 1)


def test_saving_keeps_lu_vt_vp_and_the_signing_conventions(world, year):
    report = actions.do_compile_agency_report(world.people.office, world.home, year, DAY)
    actions.do_save_agency_report(world.people.office, report, {
        "authority": "TM.", "head_title": "Ủy ban nhân dân", "signer_title": "Chủ tịch", "signer_name": "Nguyễn Văn A",
        "recipients": "- UBND tỉnh;\n- Lưu: VT."})
    doc = Document(io.BytesIO(render("docx", report)))
    nn, signer = doc.tables[1].rows[0].cells
    assert [p.text for p in nn.paragraphs] == ["Nơi nhận:", "- UBND tỉnh;", "- Lưu: VT, VP."]
    signs = [p.text for p in signer.paragraphs if p.text]
    assert signs == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn A"]


def test_generated_sentences_read_as_an_office_writes_them(world, year):
    """Issue 10: no "- 1. Ban hành…" bullets, no "- Tiếp tục thực hiện: 5. …" on every line, no "0/0"."""
    import re

    from chiso.plans.models import PlanTarget
    from chiso.reports.documents.common import outline

    confirmed_done(world, world.civil_task, done_on=date(2026, 6, 20))
    late_with_cause(world, world.laws_task, day=date(2026, 9, 25))
    PlanTarget.objects.create(plan=world.plan, index="SIPAS", field_name="Tiếp cận dịch vụ", target_op=">=",
                              target_score=80)
    laws = actions.do_draft_unit_report(world.people.laws_staff, world.home, world.laws, year, DAY)
    assert laws.difficulties == ("- Rà soát văn bản quy phạm pháp luật (quá hạn, hạn 30/09/2026). Nguyên nhân: Thiếu "
                                 "cán bộ chuyên trách. Giải pháp: Bổ sung nhân lực.")
    assert laws.next_steps == "Tiếp tục thực hiện các nhiệm vụ:\n- Rà soát văn bản quy phạm pháp luật (hạn 30/09/2026)."
    report = actions.do_compile_agency_report(world.people.office, world.home, year, DAY)
    assert report.weaknesses.startswith("Còn 1 nhiệm vụ quá hạn chưa hoàn thành:\n- Rà soát văn bản")
    assert report.strengths == "Hoàn thành đúng hạn 1 nhiệm vụ."
    text = "\n".join(p for s in outline(report).sections for p in s.paras) + "\n" + "\n".join(
        getattr(laws, k) for k in ("results", "difficulties", "next_steps"))
    assert not re.search(r"^- \d+\.", text, re.M), text
    assert "Tiếp tục thực hiện:" not in text and not re.search(r"\b0/0\b(?!/)", text)
    assert "- SIPAS — Tiếp cận dịch vụ: mục tiêu ≥ 80; kết quả chưa được công bố; kế hoạch không có nhiệm vụ của " \
        "lĩnh vực trong kỳ." in text
    for line in text.splitlines():
        assert line.rstrip()[-1] in ".:;", line
