"""The office's pages: the live index, comments, ranking, counters and posters, questionnaires; the
permission matrix including the outsider; XLSX exports; the poster command."""

import io
import os
from datetime import datetime

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from chiso.survey import actions
from chiso.survey.models import Counter, Questionnaire

from .helpers import open_survey


def _answer(world, q, counter, level, when=None, comment="", procedure=""):
    actions.do_submit(actions.Submission(
        questionnaire=q, agency=world.home, counter=counter, channel="paper",
        values={x.pk: level for x in q.questions.all()}, comment=comment, procedure=procedure,
        when=when or timezone.make_aware(datetime(2026, 3, 10, 9, 0))))


@pytest.fixture
def answered(world):
    q, (c1, c2) = open_survey(world, ("Quầy 1", "Quầy 2"))
    for _ in range(3):
        _answer(world, q, c1, 5, procedure="Cấp Phiếu lý lịch tư pháp")
    _answer(world, q, c2, 2, comment="Phải chờ quá lâu", procedure="Chứng thực")
    _answer(world, q, c2, 4, when=timezone.make_aware(datetime(2026, 5, 2, 9, 0)))
    return world, q, c1, c2


PAGES = ["dashboard", "comments", "counters", "poster", "ranking", "questionnaires"]
ALLOWED = {
    "admin": set(PAGES), "coordinator": {"dashboard", "comments", "ranking"},
    "leader": {"dashboard", "comments"}, "office": {"dashboard", "comments", "counters", "poster"},
    "head": {"dashboard", "comments"}, "staff": {"dashboard", "comments"}, "viewer": {"dashboard", "comments"},
    "outsider": set(), "far_coordinator": {"ranking"}, "nobody": set(),
}


def _url(name, world):
    if name in ("ranking", "questionnaires"):
        return reverse(f"survey_{name}")
    return reverse(f"survey_{name}", args=[world.home.code])


@pytest.mark.parametrize("who", sorted(ALLOWED))
def test_the_permission_matrix(answered, client, who):
    world = answered[0]
    client.force_login(getattr(world.people, who))
    for page in PAGES:
        code = client.get(_url(page, world) + ("?ky=2026-Y" if page != "questionnaires" else "")).status_code
        assert (code == 200) == (page in ALLOWED[who]), (who, page, code)
        assert code in (200, 403)


def test_anonymous_people_are_sent_to_sign_in(answered, client):
    world = answered[0]
    for page in PAGES:
        assert client.get(_url(page, world)).status_code == 302


def test_the_dashboard_shows_the_index_and_the_weakest(answered, login):
    world, q, c1, c2 = answered
    page = login(world.people.office).get(reverse("survey_dashboard", args=[world.home.code]) + "?ky=2026-03")
    body = page.content.decode()
    # March: 3 sheets all 5, 1 sheet all 2 -> every question 3/4 = 75 %
    assert 'data-testid="overall">75,00%' in body
    assert "Chưa đạt" in body  # target 90 %
    assert "Quầy 2 (0,00%)" in body  # the counter pulling the index down
    counter_only = login(world.people.office).get(
        reverse("survey_dashboard", args=[world.home.code]) + f"?ky=2026-03&quay={c1.pk}").content.decode()
    assert 'data-testid="overall">100,00%' in counter_only
    by_procedure = login(world.people.office).get(
        reverse("survey_dashboard", args=[world.home.code]) + "?ky=2026-03&thu-tuc=Chứng thực").content.decode()
    assert 'data-testid="overall">0,00%' in by_procedure
    assert "Cấp Phiếu lý lịch tư pháp</a></td><td class=\"num\">3</td><td class=\"num\">100,00%" in body
    year = login(world.people.office).get(reverse("survey_dashboard", args=[world.home.code]) + "?ky=2026-Y")
    assert 'data-testid="overall">80,00%' in year.content.decode()  # 4 of 5 sheets satisfied on every question


def test_a_task_target_shows_met_or_not(answered, login):
    from chiso.plans import actions as plan_actions
    from chiso.plans.models import Task

    world = answered[0]
    plan_actions.do_save_task(world.people.office, Task(
        plan=world.plan, index="SIPAS", field_name="Tác động", ref="9",
        title="Phấn đấu trên 90% cá nhân, tổ chức hài lòng với sự phục vụ"), [world.civil], [])
    plan_actions.do_save_task(world.people.office, Task(
        plan=world.plan, index="SIPAS", field_name="Tác động", ref="10",
        title="Mức độ hài lòng đạt từ 75% trở lên"), [world.civil], [])
    body = login(world.people.office).get(reverse("survey_dashboard", args=[world.home.code])).content.decode()
    # plan year 2026: 80 % measured
    assert "&gt; 90%" in body and "≥ 75%" in body
    assert body.count('data-testid="met"><span class="badge warn">Chưa đạt') == 1
    assert body.count('data-testid="met"><span class="badge ok">Đạt') == 1


def test_the_dashboard_exports_xlsx(answered, login):
    world = answered[0]
    resp = login(world.people.viewer).get(reverse("survey_dashboard", args=[world.home.code]) + "?ky=2026-Y&xuat=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "Chung" and rows[1][3] == 5 and rows[1][5] == 80.0
    assert ("Quầy", None, "Quầy 2", 2, None, 50.0) in rows


def test_comments_filter_and_export(answered, login):
    world, q, c1, c2 = answered
    client = login(world.people.office)
    base = reverse("survey_comments", args=[world.home.code]) + "?ky=2026-Y"
    assert "Phải chờ quá lâu" in client.get(base).content.decode()
    assert "Phải chờ quá lâu" not in client.get(base + f"&quay={c1.pk}").content.decode()
    assert "Phải chờ quá lâu" not in client.get(base + "&q=nhanh").content.decode()
    assert "Phải chờ quá lâu" in client.get(base + "&chua-hai-long=1").content.decode()
    wb = openpyxl.load_workbook(io.BytesIO(client.get(base + "&xuat=xlsx").content))
    assert [r[4] for r in wb.active.iter_rows(min_row=2, values_only=True)] == ["Phải chờ quá lâu"]


def test_the_coordinator_ranks_every_agency(answered, login):
    world, q, c1, c2 = answered
    actions.do_submit(actions.Submission(questionnaire=q, agency=world.other, counter=None, channel="paper",
                                         values={x.pk: 5 for x in q.questions.all()},
                                         when=timezone.make_aware(datetime(2026, 3, 1, 9))))
    body = login(world.people.coordinator).get(reverse("survey_ranking") + "?ky=2026-Y").content.decode()
    assert body.index("Sở Xây dựng") < body.index("Sở Tư pháp")  # 100 % before 80 %
    resp = login(world.people.coordinator).get(reverse("survey_ranking") + "?ky=2026-Y&xuat=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
    assert rows[1][:4] == (1, "Sở Xây dựng", 1, 100.0) and rows[2][:4] == (2, "Sở Tư pháp", 5, 80.0)


def test_counters_are_added_renamed_and_stale_forms_refused(world, login):
    client = login(world.people.office)
    url = reverse("survey_counters", args=[world.home.code])
    client.post(url, {"name": "Quầy số 1"})
    counter = Counter.objects.get(agency=world.home)
    assert counter.slug == "quay-so-1"
    client.post(url, {"pk": counter.pk, "version": counter.version, "name": "Quầy số 1 – Hộ tịch", "is_active": "1"})
    counter.refresh_from_db()
    assert counter.name == "Quầy số 1 – Hộ tịch" and counter.slug == "quay-so-1" and counter.version == 2
    stale = client.post(url, {"pk": counter.pk, "version": 1, "name": "Cũ"}, follow=True)
    assert "vừa được người khác sửa" in stale.content.decode()
    assert Counter.objects.get().name == "Quầy số 1 – Hộ tịch"
    dup = client.post(url, {"name": "Quầy số 1 – Hộ tịch"}, follow=True)
    assert Counter.objects.count() == 1 and "đã có quầy" in dup.content.decode()
    # the outsider cannot touch them
    assert login(world.people.outsider).post(url, {"name": "Lạ"}).status_code == 403


def test_the_poster_pdf_holds_the_absolute_link(answered, login, settings):
    world, q, c1, c2 = answered
    settings.CHISO_BASE_URL = "https://khaosat.example.gov.vn"
    resp = login(world.people.office).get(reverse("survey_poster", args=[world.home.code]) + f"?quay={c1.pk}")
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")
    import pypdfium2

    pdf = pypdfium2.PdfDocument(resp.content)
    text = pdf[0].get_textpage().get_text_range()
    assert len(pdf) == 1 and "https://khaosat.example.gov.vn/cong-khai/khao-sat/STP/quay-1/" in text.replace("\r\n", "")


def test_the_poster_command(answered, tmp_path, settings, capsys):
    world, q, c1, c2 = answered
    settings.CHISO_BASE_URL = "http://10.0.0.5:8000"
    out = tmp_path / "ma-qr.pdf"
    old = os.umask(0o022)
    try:
        call_command("survey", "poster", "--agency", "STP", "--counter", "quầy 2", "--out", str(out))
    finally:
        os.umask(old)
    assert out.read_bytes().startswith(b"%PDF")
    assert out.stat().st_mode & 0o777 == 0o644  # a normal file, not the temporary file's 0600
    call_command("survey", "poster", "--agency", "stp", "--out", str(tmp_path / "all.pdf"))
    import pypdfium2

    assert len(pypdfium2.PdfDocument(str(tmp_path / "all.pdf"))) == 2
    for args, message in ((["--agency", "XXX"], "Không có cơ quan"), (["--agency", "STP", "--counter", "Quầy 9"],
                                                                       "không có quầy")):
        with pytest.raises(SystemExit):
            call_command("survey", "poster", *args, "--out", str(tmp_path / "x.pdf"))
        assert message in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_the_qr_code_is_an_inline_svg_of_the_link():
    """The poster's QR code: an SVG drawn by segno from the link (error correction M), nothing fetched."""
    import segno

    from chiso.survey.poster import qr_svg

    url = "http://127.0.0.1:8000/cong-khai/khao-sat/STP/quay-1/"
    svg = qr_svg(url)
    assert svg.startswith("<svg") and "<path" in svg and "http" not in svg.split(">", 1)[1]
    assert segno.make(url, error="m", micro=False).error == "M"


def test_questionnaires_are_edited_as_drafts_and_versioned(world, login):
    client = login(world.people.admin)
    client.post(reverse("survey_questionnaires"), {"agency": ""})
    q = Questionnaire.objects.get()
    assert q.status == "draft" and q.aspects.count() == 5 and q.questions.count() == 13
    url = reverse("survey_questionnaire", args=[q.pk])
    page = client.get(url).content.decode()
    assert "A | Tiếp cận dịch vụ" in page
    data = {"name": "Phiếu 2026", "intro": "Xin chào", "thanks": "Cảm ơn", "target": "92", "ask_procedure": "on",
            "ask_comment": "on", "comment_max": "500", "scale_text": "Không hài lòng\nBình thường\nHài lòng",
            "satisfied_text": "3", "channels_text": "", "age_groups_text": "", "revision": q.revision,
            "structure_text": "A | Tiếp cận | 2\nA1 | Dễ tìm\nA2? | Có chỗ ngồi\nB | Công chức\nB1 | Lịch sự"}
    assert client.post(url, data).status_code == 302
    q.refresh_from_db()
    assert (q.name, q.scale, q.satisfied_levels, q.target, q.revision) == (
        "Phiếu 2026", ["Không hài lòng", "Bình thường", "Hài lòng"], [3], 92, 2)
    assert [(x.code, x.required, x.aspect.code) for x in q.questions.order_by("order")] == [
        ("A1", True, "A"), ("A2", False, "A"), ("B1", True, "B")]
    assert q.aspects.get(code="A").weight == 2
    # a stale form, a bad structure, a level outside the scale: refused, nothing changed
    assert "vừa được người khác sửa" in client.post(url, {**data, "revision": 1, "name": "X"}).content.decode()
    bad = client.post(url, {**data, "revision": 2, "structure_text": "A1 | mồ côi\n?? | x"}).content.decode()
    assert "Dòng 1: câu hỏi phải nằm dưới một yếu tố" in bad and "Dòng 2" in bad
    assert "nằm trong thang" in client.post(url, {**data, "revision": 2, "satisfied_text": "7"}).content.decode()
    q.refresh_from_db()
    assert q.name == "Phiếu 2026" and q.revision == 2
    # activate: the draft is in use and can no longer be edited; a new version is a draft copy
    client.post(reverse("survey_questionnaire_action", args=[q.pk, "ap-dung"]))
    q.refresh_from_db()
    assert q.status == "active"
    assert "Chỉ sửa được bản nháp" in client.post(url, {**data, "revision": 2}, follow=True).content.decode()
    client.post(reverse("survey_questionnaire_action", args=[q.pk, "phien-ban-moi"]))
    v2 = Questionnaire.objects.get(version=2)
    assert v2.status == "draft" and v2.questions.count() == 3 and v2.target == 92
    client.post(reverse("survey_questionnaire_action", args=[v2.pk, "ap-dung"]))
    q.refresh_from_db()
    assert q.status == "retired" and actions.active_questionnaire(world.home).pk == v2.pk
    from chiso.audit.models import AuditEntry

    assert AuditEntry.objects.filter(model="survey.questionnaire").count() >= 6


def test_the_agency_page_runs_a_fixed_number_of_queries(answered, login, django_assert_max_num_queries):
    """More counters, procedures and answers add rows to the groups, not queries."""
    world, q, c1, c2 = answered
    client = login(world.people.office)
    url = reverse("survey_dashboard", args=[world.home.code]) + "?ky=2026-Y"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(6):
        extra = actions.do_save_counter(world.people.office, world.home, f"Quầy thêm {i}")
        _answer(world, q, extra, 3, procedure=f"Thủ tục {i}", comment="x")
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_new_version_reaches_the_public_page_at_once(answered, client):
    world, q, c1, c2 = answered
    url = reverse("survey_counter", args=[world.home.code, c1.slug])
    assert "Tiếp cận dịch vụ" in client.get(url).content.decode()
    draft = actions.do_new_version(world.people.admin, q.pk)
    draft.aspects.filter(code="A").update(name="Đến nơi làm thủ tục")
    actions.do_activate(world.people.admin, draft.pk)
    assert "Đến nơi làm thủ tục" in client.get(url).content.decode()


def test_the_office_confirms_or_refuses_a_task_target(answered, login):
    from chiso.plans import actions as plan_actions
    from chiso.plans.models import Task
    from chiso.survey.models import SurveyTarget

    world = answered[0]
    task = plan_actions.do_save_task(world.people.office, Task(
        plan=world.plan, index="SIPAS", field_name="Tác động", ref="9",
        title="Phấn đấu trên 90% cá nhân, tổ chức hài lòng với sự phục vụ"), [world.civil], [])
    url = reverse("survey_decide_target", args=[task.pk])
    dashboard = reverse("survey_dashboard", args=[world.home.code])
    for who in ("outsider", "viewer", "leader"):
        assert login(getattr(world.people, who)).post(url, {"quyet-dinh": "confirm"}).status_code == 403
    assert login(world.people.viewer).get(url).status_code == 405  # GET never decides
    client = login(world.people.office)
    assert "tự nhận diện theo nội dung" in client.get(dashboard).content.decode()
    client.post(url, {"quyet-dinh": "confirm"})
    link = SurveyTarget.objects.get(task=task)
    assert link.confirmed and link.op == ">" and link.target == 90
    body = client.get(dashboard).content.decode()
    assert "đã xác nhận" in body and "Chưa đạt" in body  # 80 % measured against > 90 %
    client.post(url, {"quyet-dinh": "reject"})
    assert not SurveyTarget.objects.get(task=task).confirmed
    assert task.title not in client.get(dashboard).content.decode()
    from chiso.audit.models import AuditEntry

    assert AuditEntry.objects.filter(model="survey.surveytarget").count() == 2
