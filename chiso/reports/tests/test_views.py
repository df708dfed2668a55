"""Report pages: who may do what, the office's overview, compile and downloads; the outsider is refused."""

import io
from datetime import date

import pytest
from docx import Document

from chiso.jobs.api import run_pending
from chiso.periods.calendar import resolve
from chiso.reports import actions
from chiso.reports.models import AgencyReport, UnitReport

from .helpers import confirmed_done, scan, sent

CODE = "2026-Y"


@pytest.fixture
def drafted(world):
    confirmed_done(world, world.civil_task, done_on=date(2026, 6, 20))
    period = resolve(world.home, CODE)
    unit = actions.do_draft_unit_report(world.people.staff, world.home, world.civil, period)
    agency = actions.do_compile_agency_report(world.people.office, world.home, period)
    return unit, agency


def urls(world, drafted):
    unit, agency = drafted
    home = world.home.code
    return [f"/bao-cao/{home}/", f"/bao-cao/{home}/{CODE}/", f"/bao-cao/{home}/{CODE}/don-vi/{world.civil.pk}/",
            f"/bao-cao/van-ban/{agency.pk}/", f"/bao-cao/van-ban/{agency.pk}/tai/docx/",
            f"/bao-cao/van-ban/{agency.pk}/tai/xlsx/"]


def test_it_refuses_the_outsider_everywhere(world, login, drafted):
    client = login(world.people.outsider)
    for url in urls(world, drafted):
        assert client.get(url).status_code == 403, url
    for url in [f"/bao-cao/{world.home.code}/{CODE}/tong-hop/",
                f"/bao-cao/{world.home.code}/{CODE}/don-vi/{world.civil.pk}/",
                f"/bao-cao/van-ban/{drafted[1].pk}/"]:
        assert client.post(url, {"action": "submit"}).status_code == 403, url
    assert client.get(f"/bao-cao/toan-tinh/{CODE}/").status_code == 403
    assert client.get("/bao-cao/toan-tinh/").status_code == 403


def test_it_sends_anonymous_people_to_sign_in(client, world, drafted):
    for url in urls(world, drafted):
        assert client.get(url).status_code == 302


def test_it_lets_members_read_and_the_office_compile(world, login, drafted):
    for person in (world.people.viewer, world.people.leader, world.people.staff, world.people.coordinator):
        client = login(person)
        for url in urls(world, drafted):
            assert client.get(url).status_code == 200, (person, url)
    client = login(world.people.staff)
    assert client.post(f"/bao-cao/{world.home.code}/{CODE}/tong-hop/").status_code == 403
    # a unit cannot submit another unit's report
    client = login(world.people.laws_staff)
    r = client.post(f"/bao-cao/{world.home.code}/{CODE}/don-vi/{world.civil.pk}/", {"action": "submit"})
    assert r.status_code == 403


def test_unit_submits_office_sees_rates(world, login, drafted):
    client = login(world.people.staff)
    url = f"/bao-cao/{world.home.code}/{CODE}/don-vi/{world.civil.pk}/"
    page = client.get(url).content.decode()
    assert "Giải quyết hồ sơ đúng hạn đạt 98%" in page and "Số 15/BC-PHCTP" in page
    r = client.post(url, {"action": "submit", "results": "Đã hoàn thành nhiệm vụ được giao.",
                          "difficulties": "Không có.", "next_steps": "", "proposals": "Đề nghị tập huấn."})
    assert r.status_code == 302
    report = UnitReport.objects.get(unit=world.civil, period_code=CODE)
    assert report.state == "submitted" and report.on_time and report.proposals == "Đề nghị tập huấn."
    office = login(world.people.office)
    page = office.get(f"/bao-cao/{world.home.code}/{CODE}/").content.decode()
    assert 'data-testid="submitted">1/2<' in page and 'data-testid="completeness">50,0%<' in page
    assert world.people.office.notifications.filter(kind="report_unit_submitted").count() == 1
    # the office compiles: the unit's proposal reaches the agency report
    r = office.post(f"/bao-cao/{world.home.code}/{CODE}/tong-hop/", {"redraft": "1"})
    agency = AgencyReport.objects.get(agency=world.home, period_code=CODE)
    assert r.url == f"/bao-cao/van-ban/{agency.pk}/"
    assert "Đề nghị tập huấn." in agency.proposals
    doc = Document(io.BytesIO(office.get(f"/bao-cao/van-ban/{agency.pk}/tai/docx/").content))
    assert any("Đề nghị tập huấn." in p.text for p in doc.paragraphs)
    # the PDF is made by a background job (issue 14), then downloaded from storage
    assert office.get(f"/bao-cao/van-ban/{agency.pk}/tai/pdf/").url == f"/bao-cao/van-ban/{agency.pk}/tai/pdf/tao/"
    office.post(f"/bao-cao/van-ban/{agency.pk}/tai/pdf/tao/")
    assert [job.state for job in run_pending()] == ["done"]
    pdf = office.get(f"/bao-cao/van-ban/{agency.pk}/tai/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert office.get(f"/bao-cao/van-ban/{agency.pk}/tai/exe/").status_code == 404


def test_one_click_no_longer_issues_a_numbered_report(world, login, drafted):
    """Issue 10: the old "Ban hành (cấp số)" button numbered and sent a draft with no sign-off."""
    _unit, agency = drafted
    office = login(world.people.office)
    form = {k: getattr(agency, k) for k in actions.AGENCY_TEXT}
    office.post(f"/bao-cao/van-ban/{agency.pk}/", {**form, "action": "issue"})
    agency.refresh_from_db()
    assert agency.state == "draft" and agency.number is None
    r = office.post(f"/bao-cao/van-ban/{agency.pk}/buoc/cap-so/", follow=True)
    assert "thao tác này không còn thực hiện được" in r.content.decode()
    agency.refresh_from_db()
    assert agency.number is None  # not approved: the step is refused


def test_the_sign_off_through_its_pages(world, login, drafted):
    from chiso.audit.models import AuditEntry
    from chiso.notifications.models import Notification

    unit, agency = drafted
    actions.do_submit_unit_report(world.people.staff, unit, date(2026, 12, 10))
    office = login(world.people.office)
    base = f"/bao-cao/van-ban/{agency.pk}/"
    # each step asks first: the GET shows the question and the units that have not reported, writes nothing
    page = office.get(base + "buoc/trinh/").content.decode()
    assert "Trình báo cáo này để lãnh đạo duyệt?" in page
    assert "1 đơn vị chưa gửi báo cáo" in page and "Phòng Xây dựng và kiểm tra văn bản" in page
    agency.refresh_from_db()
    assert agency.state == "draft"
    assert office.post(base + "buoc/trinh/").status_code == 302
    agency.refresh_from_db()
    assert agency.state == "submitted" and agency.submitted_by == world.people.office
    note = Notification.objects.get(user=world.people.leader, kind="report_for_approval")
    assert "Chưa gửi báo cáo (1 đơn vị): Phòng Xây dựng và kiểm tra văn bản" in note.text
    # only the leader decides; a return needs a comment
    assert office.post(base + "buoc/duyet/").status_code == 403
    leader = login(world.people.leader)
    r = leader.post(base + "buoc/tra-lai/", {"comment": ""})
    assert "Hãy ghi ý kiến" in r.content.decode()
    leader.post(base + "buoc/tra-lai/", {"comment": "Bổ sung nguyên nhân chậm hạn."})
    agency.refresh_from_db()
    assert agency.state == "draft" and agency.leader_comment == "Bổ sung nguyên nhân chậm hạn."
    assert Notification.objects.filter(user=world.people.office, kind="report_decided",
                                       text__contains="Bổ sung nguyên nhân").exists()
    office = login(world.people.office)
    office.post(base + "buoc/trinh/")
    leader = login(world.people.leader)
    leader.post(base + "buoc/duyet/", {"comment": "Đồng ý."})
    agency.refresh_from_db()
    assert agency.state == "approved" and agency.approved_by == world.people.leader
    office = login(world.people.office)
    assert office.post(base + "buoc/gui/").status_code == 302  # refused: no number, no scan yet
    agency.refresh_from_db()
    assert agency.state == "approved"
    office.post(base + "buoc/cap-so/")
    agency.refresh_from_db()
    assert agency.state == "issued" and agency.number == 1 and agency.on_time is None  # not sent yet
    r = office.post(base + "buoc/ban-ky/", {"scan": scan("bc.docx", b"PK\x03\x04 not a pdf")})
    assert r.status_code == 200 and "không" in r.content.decode()
    office.post(base + "buoc/ban-ky/", {"scan": scan()})
    agency.refresh_from_db()
    assert agency.state == "signed" and agency.signed_copy.original_name == "bao-cao-da-ky.pdf"
    office.post(base + "buoc/gui/")
    agency.refresh_from_db()
    assert agency.state == "sent" and agency.sent_on is not None
    note = Notification.objects.get(user=world.people.coordinator, kind="report_sent")
    assert "Sở Tư pháp đã gửi báo cáo số 01/BC-STP" in note.text and note.url == base
    summaries = list(AuditEntry.objects.filter(model="reports.agencyreport", object_id=str(agency.pk))
                     .order_by("pk").values_list("object_repr", flat=True))
    assert [x.split(" ")[0] for x in summaries][-7:] == ["Trình", "Lãnh", "Trình", "Lãnh", "Cấp", "Đính", "Gửi"]
    # the coordinator opens it, and its signed scan, from the roll-up
    coordinator = login(world.people.coordinator)
    rollup = coordinator.get(f"/bao-cao/toan-tinh/{CODE}/").content.decode()
    assert f'href="{base}"' in rollup and f'href="{base}ban-ky/"' in rollup
    assert coordinator.get(base).status_code == 200
    pdf = coordinator.get(base + "ban-ky/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # withdrawing asks for a reason and keeps both versions
    office = login(world.people.office)
    r = office.post(base + "buoc/rut/", {"reason": "  "})
    assert "Hãy ghi lý do rút báo cáo." in r.content.decode()
    r = office.post(base + "buoc/rut/", {"reason": "Số liệu quý IV chưa đủ."})
    new = AgencyReport.objects.get(agency=world.home, period_code=CODE, version=2)
    assert r.url == f"/bao-cao/van-ban/{new.pk}/" and new.state == "draft" and new.supersedes == agency
    agency.refresh_from_db()
    assert agency.state == "withdrawn" and agency.withdrawn_reason == "Số liệu quý IV chưa đủ."
    assert agency.number == 1 and agency.signed_copy  # the withdrawn version is kept whole
    assert Notification.objects.filter(user=world.people.coordinator, kind="report_withdrawn").exists()


def test_calendar_page_shows_deadlines_and_obligations(world, login):
    from chiso.plans.models import ReportingObligation

    ReportingObligation.objects.create(plan=world.plan, from_party="Các phòng", to_party="Văn phòng Sở",
                                       frequency="quarterly", due_text="trước ngày 15 tháng cuối quý")
    page = login(world.people.staff).get(f"/bao-cao/{world.home.code}/?nam=2026").content.decode()
    assert "15/12/2025 – 14/03/2026" in page and "18/03/2026" in page
    assert "trước ngày 15 tháng cuối quý" in page


def test_unknown_period_is_404(world, login):
    assert login(world.people.office).get(f"/bao-cao/{world.home.code}/2026-Q7/").status_code == 404


def test_rollup_for_the_coordinator(world, login, drafted):
    _unit, agency = drafted
    sent(world, agency, date(2026, 12, 17))
    client = login(world.people.coordinator)
    page = client.get(f"/bao-cao/toan-tinh/{CODE}/").content.decode()
    assert "Sở Tư pháp" in page and "Sở Xây dựng" in page
    assert "Gửi đúng hạn 1, chậm hạn 0, chưa gửi 1" in page
    assert '<th class="num">PAR INDEX</th>' in page and 'data-label="PAR INDEX">50,0%' in page
    assert '<details class="card" data-code="STP"><summary>Sở Tư pháp: 1</summary>' in page
    assert "Rà soát văn bản quy phạm pháp luật" in page
    # the files are made by a background job (test_rollup_file.py); an old link leads to the page that makes one
    assert client.get(f"/bao-cao/toan-tinh/{CODE}/?tai=docx")["Location"] == f"/bao-cao/toan-tinh/{CODE}/tai/docx/"
    assert 'href="/bao-cao/toan-tinh/2026-Y/tai/xlsx/"' in page
    assert login(world.people.office).get(f"/bao-cao/toan-tinh/{CODE}/").status_code == 403


def test_office_edits_the_calendar_and_adds_an_ad_hoc_report(world, login):
    from chiso.periods.models import AdHocPeriod, ReportingRule

    url = f"/bao-cao/{world.home.code}/lich/q3/"
    assert login(world.people.staff).get(url).status_code == 403
    assert login(world.people.outsider).get(url).status_code == 403
    office = login(world.people.office)
    form = {"start_months_before": 3, "start_day": 15, "end_day": 10, "unit_day": 11, "office_day": 12,
            "agency_day": 13, "province_day": 20, "draft_days_before": 4}
    assert office.post(url, {**form, "unit_day": 19}).status_code == 200  # unit after office: refused
    assert office.post(url, form).status_code == 302
    assert resolve(world.home, "2026-Q3").agency_due == date(2026, 9, 13)
    assert resolve(world.other, "2026-Q3").agency_due == date(2026, 9, 18)  # the default is untouched
    office.post(url, {"action": "reset"})
    assert not ReportingRule.objects.filter(agency=world.home).exists()
    r = office.post(f"/bao-cao/{world.home.code}/dot-xuat/", {
        "title": "về kết quả thực hiện Đề án 06", "start": "2026-01-01", "end": "2026-10-31",
        "unit_due": "2026-11-03", "agency_due": "2026-11-05"})
    assert r.status_code == 302 and r.url == f"/bao-cao/{world.home.code}/2026-DX1/"
    assert AdHocPeriod.objects.get(agency=world.home).number == 1
    assert office.get(r.url).status_code == 200
    assert login(world.people.outsider).get(f"/bao-cao/{world.home.code}/dot-xuat/").status_code == 403


def test_pages_run_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    from chiso.plans import actions as plans
    from chiso.plans.models import Task

    office = login(world.people.office)
    period = resolve(world.home, CODE)

    def hit():
        report = actions.do_compile_agency_report(world.people.office, world.home, period)
        for url in (f"/bao-cao/{world.home.code}/?nam=2026", f"/bao-cao/{world.home.code}/{CODE}/",
                    f"/bao-cao/van-ban/{report.pk}/"):
            assert office.get(url).status_code == 200

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        hit()
    for i in range(30):
        plans.do_save_task(world.people.office, Task(plan=world.plan, index="PAR_INDEX", field_name="Cải cách thể chế",
                                                     ref=str(10 + i), title=f"Nhiệm vụ {i}"), [world.laws], [])
    with django_assert_max_num_queries(len(few.captured_queries)):
        hit()


def test_a_stale_report_form_does_not_overwrite_a_newer_edit(world, login, drafted):
    """Issue 9: two people open the agency report's draft; the second save, from the older page, is refused
    with who changed it, keeps what was typed, and a deliberate second save goes through."""
    _unit, agency = drafted
    url = f"/bao-cao/van-ban/{agency.pk}/"
    first, second = login(world.people.office), login(world.people.office)
    page = second.get(url)
    opened = page.context["form"]["opened"].value()
    assert opened
    data = {k: getattr(agency, k) for k in actions.AGENCY_TEXT}
    newer = first.get(url).context["form"]["opened"].value()
    assert first.post(url, {**data, "strengths": "Bản của người thứ nhất", "opened": newer}).status_code == 302
    r = second.post(url, {**data, "strengths": "Bản cũ của người thứ hai", "opened": opened})
    body = r.content.decode()
    assert r.status_code == 200 and "sau khi anh/chị mở trang" in body and "Bản cũ của người thứ hai" in body
    agency.refresh_from_db()
    assert agency.strengths == "Bản của người thứ nhất"
    again = r.context["form"]["opened"].value()
    assert again != opened
    assert second.post(url, {**data, "strengths": "Bản cũ của người thứ hai", "opened": again}).status_code == 302
    agency.refresh_from_db()
    assert agency.strengths == "Bản cũ của người thứ hai"


def test_a_stale_unit_report_form_is_refused(world, login, drafted):
    unit_report, _agency = drafted
    url = f"/bao-cao/{world.home.code}/{CODE}/don-vi/{world.civil.pk}/"
    client = login(world.people.staff)
    opened = client.get(url).context["form"]["opened"].value()
    actions.do_save_unit_report(world.people.head if hasattr(world.people, "head") else world.people.staff,
                                unit_report, {"results": "Sửa ở trang khác"})
    r = client.post(url, {"results": "Bản cũ", "difficulties": "", "next_steps": "", "proposals": "",
                          "opened": opened, "action": "save"})
    assert r.status_code == 200 and "sau khi anh/chị mở trang" in r.content.decode()
    unit_report.refresh_from_db()
    assert unit_report.results == "Sửa ở trang khác"
