"""The pages and their permission matrix: every role × action, the outsider refused; bad input answered in
Vietnamese, never a 500."""

import re
from decimal import Decimal

import pytest

from chiso.assessment import actions
from chiso.assessment.models import Score, Submission

from .test_actions import fill_all, submitted

ROLES = ["admin", "coordinator", "leader", "office", "head", "staff", "laws_staff", "viewer", "outsider",
         "far_coordinator", "nobody"]
READERS = {"admin", "coordinator", "leader", "office", "head", "staff", "laws_staff", "viewer"}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_an_agencys_self_assessment(aw, client, role):
    client.force_login(getattr(aw.people, role))
    response = client.get(f"/danh-gia/ho-so/{aw.sub.pk}/")
    assert response.status_code == (200 if role in READERS else 403)
    if role in READERS:
        assert "Ban hành kế hoạch đúng hạn" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_who_drafts_a_sub_criterion(aw, client, role):
    """1.1.1 belongs to the civil unit's task: its head and staff, the office and administrators draft it."""
    client.force_login(getattr(aw.people, role))
    score = aw.scores["1.1.1"]
    response = client.post(f"/danh-gia/tieu-chi/{score.pk}/", {"yes": "co", "version": "0"})
    allowed = role in {"admin", "office", "head", "staff"}
    assert response.status_code == (302 if allowed else 403)
    assert Score.objects.get(pk=score.pk).self_score == (Decimal("2.000") if allowed else None)


@pytest.mark.parametrize("role", ROLES)
def test_who_submits_approves_and_reviews(aw, client, role):
    fill_all(aw)
    for code in ("1.1.1", "1.1.2", "2.1.1"):
        actions.do_add_evidence(aw.people.office, aw.scores[code], doc_number="1/BC")
    client.force_login(getattr(aw.people, role))
    response = client.post(f"/danh-gia/ho-so/{aw.sub.pk}/gui/")
    state = Submission.objects.get(pk=aw.sub.pk).state
    assert (response.status_code, state) == ((302, "awaiting") if role in {"admin", "office"} else (403, "draft"))
    Submission.objects.filter(pk=aw.sub.pk).update(state="awaiting")
    response = client.post(f"/danh-gia/ho-so/{aw.sub.pk}/duyet/")
    state = Submission.objects.get(pk=aw.sub.pk).state
    assert (response.status_code, state) == ((302, "submitted") if role in {"admin", "leader"}
                                             else (403, "awaiting"))
    Submission.objects.filter(pk=aw.sub.pk).update(state="submitted")
    score = aw.scores["1.1.3"]
    response = client.post(f"/danh-gia/tieu-chi/{score.pk}/tham-dinh/", {"decision": "accept"})
    review = Score.objects.get(pk=score.pk).review
    assert (response.status_code, review) == ((302, "accepted") if role in {"admin", "coordinator"}
                                              else (403, "pending"))
    response = client.post(f"/danh-gia/ho-so/{aw.sub.pk}/dong-y-con-lai/")
    pending = Score.objects.filter(submission=aw.sub, review="pending").count()
    assert (response.status_code, pending) == ((302, 0) if role in {"admin", "coordinator"} else (403, 5))


def test_another_agency_cannot_see_before_publication(aw, client):
    client.force_login(aw.people.office)
    assert client.get(f"/danh-gia/ho-so/{aw.other_sub.pk}/").status_code == 403
    response = client.get(f"/danh-gia/dot/{aw.round.pk}/")
    assert response.status_code == 200
    assert "Chưa công bố" in response.content.decode()


def test_bad_numbers_are_answered_in_vietnamese(aw, client):
    client.force_login(aw.people.office)
    score = aw.scores["1.1.3"]
    response = client.post(f"/danh-gia/tieu-chi/{score.pk}/", {"score": "hai", "version": "0"}, follow=True)
    assert response.status_code == 200 and "không phải là số" in response.content.decode()
    response = client.post(f"/danh-gia/tieu-chi/{score.pk}/", {"score": "2,5", "version": "0"}, follow=True)
    assert "vượt điểm tối đa 2" in response.content.decode()
    score = aw.scores["1.1.2"]
    response = client.post(f"/danh-gia/tieu-chi/{score.pk}/", {"rate": "120", "version": "0"}, follow=True)
    assert "Tỷ lệ phải từ 0 đến 100%" in response.content.decode()
    response = client.post(f"/danh-gia/tieu-chi/{score.pk}/tai-lieu/", {"doc_date": "31/02/2026",
                                                                        "doc_number": "1"}, follow=True)
    assert "dd/mm/yyyy" in response.content.decode()
    assert Score.objects.get(pk=score.pk).self_score is None


def test_the_page_flags_points_without_evidence(aw, client):
    fill_all(aw)
    client.force_login(aw.people.office)
    page = client.get(f"/danh-gia/ho-so/{aw.sub.pk}/").content.decode()
    assert 'data-testid="flags"' in page and "#tc-" in page
    response = client.post(f"/danh-gia/ho-so/{aw.sub.pk}/gui/", follow=True)
    assert "thiếu tài liệu kiểm chứng" in response.content.decode()


def test_opening_a_round_from_the_page(world, client):
    from chiso.assessment.tests.conftest import make_catalog

    catalog = make_catalog(world.province)
    client.force_login(world.people.coordinator)
    assert client.get("/danh-gia/").status_code == 200
    response = client.post("/danh-gia/dot/mo/", {"framework": catalog.pk, "self_due": "10/12/2026",
                                                 "review_due": "01/12/2026", "explain_due": "30/12/2026",
                                                 "final_due": "31/12/2026"})
    assert response.status_code == 400 and "theo thứ tự" in response.content.decode()
    response = client.post("/danh-gia/dot/mo/", {"framework": catalog.pk, "self_due": "10/12/2026",
                                                 "review_due": "20/12/2026", "explain_due": "30/12/2026",
                                                 "final_due": "31/12/2026"})
    assert response.status_code == 302
    client.force_login(world.people.office)
    assert client.post("/danh-gia/dot/mo/", {}).status_code == 403


def test_the_page_runs_a_fixed_number_of_queries(aw, client, django_assert_max_num_queries):
    submitted(aw)
    client.force_login(aw.people.coordinator)
    with django_assert_max_num_queries(30):
        assert client.get(f"/danh-gia/ho-so/{aw.sub.pk}/").status_code == 200


def test_charts_come_with_their_numbers(aw, client):
    fill_all(aw)
    client.force_login(aw.people.office)
    page = client.get(f"/danh-gia/ho-so/{aw.sub.pk}/").content.decode()
    assert '<svg class="chart"' in page and 'id="field-totals"' in page
    assert "<title>1. Chỉ đạo, điều hành: 4,5 / 6</title>" in page  # 2 + 1 + 1,5 of 6, drawn and tabled
    # served by the app (the random CSRF token can spell "cdn": it is not an address, so it is left out)
    addresses = re.sub(r'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', "", page)
    assert "cdn" not in addresses.lower() and "http://" not in page and "https://" not in page
    projection = client.get("/danh-gia/du-bao/STP/?nam=2026").content.decode()
    assert '<svg class="chart"' in projection


def test_get_writes_nothing(aw, client):
    from django.db import connection

    from chiso.web.tests.test_get_writes_nothing import WriteSpy

    submitted(aw)
    pages = ["/danh-gia/", f"/danh-gia/dot/{aw.round.pk}/", f"/danh-gia/ho-so/{aw.sub.pk}/",
             "/danh-gia/xep-hang/", "/danh-gia/xep-hang/?nam=2026&giai-doan=self&linh-vuc=1",
             "/danh-gia/du-bao/STP/", "/danh-gia/du-bao/STP/khung/?nam=2026"]
    for user in (aw.people.coordinator, aw.people.office, aw.people.staff):
        client.force_login(user)
        spy = WriteSpy()
        with connection.execute_wrapper(spy):
            for url in pages:
                assert client.get(url).status_code == 200, url
        assert spy.writes == [], (user, spy.writes)


def test_removing_evidence_from_the_row(aw, client):
    from chiso.assessment.models import ScoreEvidence

    item = actions.do_add_evidence(aw.people.office, aw.scores["1.1.1"], doc_number="9/BC")
    url = f"/danh-gia/tieu-chi/{aw.scores['1.1.1'].pk}/go-tai-lieu/"
    client.force_login(aw.people.outsider)
    assert client.post(url, {"item": item.pk}).status_code == 403
    client.force_login(aw.people.laws_staff)  # 1.1.1 is not the laws unit's
    assert client.post(url, {"item": item.pk}).status_code == 403
    client.force_login(aw.people.office)
    assert "Không tìm thấy tài liệu" in client.post(url, {"item": "x"}, follow=True).content.decode()
    assert client.post(url, {"item": item.pk}).status_code == 302
    assert not ScoreEvidence.objects.filter(pk=item.pk).exists()


def test_survey_points_imported_all_or_nothing(aw, client):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    def upload(rows):
        wb = Workbook()
        wb.active.append(["Mã cơ quan", "Điểm điều tra xã hội học"])
        for row in rows:
            wb.active.append(row)
        buf = io.BytesIO()
        wb.save(buf)
        return SimpleUploadedFile("dieu-tra.xlsx", buf.getvalue())

    url = f"/danh-gia/dot/{aw.round.pk}/dieu-tra/"
    client.force_login(aw.people.office)
    assert client.post(url, {"file": upload([["STP", 5]])}).status_code == 403
    client.force_login(aw.people.coordinator)
    page = client.post(url, {"file": upload([["STP", "7,5"], ["SKX", 5], ["SXD", 11], ["STP", 1]])},
                       follow=True).content.decode()
    for line in ("Dòng 3: cơ quan “SKX” không có trong đợt này.", "Dòng 4: điểm phải từ 0 đến 10",
                 "Dòng 5: trùng với dòng 2."):
        assert line in page
    assert not Submission.objects.filter(round=aw.round, survey_score__isnull=False).exists()
    page = client.post(url, {"file": upload([["STP", "7,5"], ["sxd", 6]])}, follow=True).content.decode()
    assert "2 cơ quan" in page
    assert dict(Submission.objects.filter(round=aw.round).values_list("agency__code", "survey_score")) == {
        "STP": Decimal("7.500"), "SXD": Decimal("6.000")}


def test_the_coordinator_accepts_every_pending_sub_criterion_at_once(aw, client):
    """After adjusting the few that need it, one click accepts the rest; each accepted score is audited."""
    from chiso.audit.models import AuditEntry

    sub = submitted(aw)
    client.force_login(aw.people.coordinator)
    page = client.get(f"/danh-gia/ho-so/{sub.pk}/").content.decode()
    assert 'data-testid="accept-pending"' in page and "Còn 5 tiêu chí chưa thẩm định." in page
    client.post(f"/danh-gia/tieu-chi/{aw.scores['1.1.1'].pk}/tham-dinh/",
                {"decision": "adjust", "reviewed_score": "1,5", "reason": "Ban hành chậm"})
    before = AuditEntry.objects.count()
    response = client.post(f"/danh-gia/ho-so/{sub.pk}/dong-y-con-lai/", follow=True)
    assert "Đã đồng ý 4 tiêu chí chưa thẩm định." in response.content.decode()
    reviews = dict(Score.objects.filter(submission=sub).values_list("node__code", "review"))
    assert reviews == {"1.1.1": "adjusted", "1.1.2": "accepted", "1.1.3": "accepted", "2.1.1": "accepted",
                       "2.1.2": "accepted"}
    assert AuditEntry.objects.count() == before + 4
    assert Score.objects.get(pk=aw.scores["1.1.1"].pk).reviewed_score == Decimal("1.5")
    assert 'data-testid="accept-pending"' not in client.get(f"/danh-gia/ho-so/{sub.pk}/").content.decode()
    client.post(f"/danh-gia/ho-so/{sub.pk}/gui-tham-dinh/")
    assert Submission.objects.get(pk=sub.pk).state == "reviewed"


def test_the_round_page_title_is_the_round_name(aw, client):
    """The survey import form once sat inside the title block: the browser tab showed its markup."""
    import re

    client.force_login(aw.people.coordinator)
    page = client.get(f"/danh-gia/dot/{aw.round.pk}/").content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "<" not in title and aw.round.name in title
    assert page.count(f'action="/danh-gia/dot/{aw.round.pk}/dieu-tra/"') == 1
