"""Plan and task pages: what each person sees, and the outsider refused."""

from datetime import date
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chiso.plans import actions, queries
from chiso.plans.models import Plan, Task

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client, world):
    r = client.get(f"/ke-hoach/{world.plan.pk}/")
    assert r.status_code == 302 and r["Location"].startswith("/dang-nhap/")


def test_plan_list_shows_only_visible_plans(world, login):
    body = login(world.people.staff).get("/ke-hoach/").content.decode()
    assert "Kế hoạch cải cách hành chính năm 2026" in body
    assert "Kế hoạch của Sở Xây dựng" not in body


def test_outsider_does_not_see_the_plan_in_the_list(world, login):
    body = login(world.people.outsider).get("/ke-hoach/").content.decode()
    assert "Kế hoạch cải cách hành chính năm 2026" not in body
    assert "Kế hoạch của Sở Xây dựng" in body


def test_coordinator_sees_every_agency_of_the_province(world, login):
    body = login(world.people.coordinator).get("/ke-hoach/").content.decode()
    assert "Kế hoạch cải cách hành chính năm 2026" in body and "Kế hoạch của Sở Xây dựng" in body


@pytest.mark.parametrize("query", ["cai cach", "CẢI CÁCH", "Cai Cach Hanh", "12/kh-stp"])
def test_search_ignores_accents_and_case(world, login, query):
    body = login(world.people.admin).get("/ke-hoach/", {"q": query}).content.decode()
    assert "Kế hoạch cải cách hành chính năm 2026" in body
    assert "Kế hoạch của Sở Xây dựng" not in body


@pytest.mark.parametrize("params,shown", [
    ({"agency": "SXD"}, False), ({"agency": "STP"}, True), ({"year": "2025"}, False),
    ({"index": "SIPAS"}, True), ({"index": "PAPI"}, False), ({"status": "in_force"}, True),
    ({"status": "draft"}, False),
])
def test_filters(world, login, params, shown):
    body = login(world.people.admin).get("/ke-hoach/", params).content.decode()
    assert ("Kế hoạch cải cách hành chính năm 2026" in body) is shown


def test_htmx_request_gets_only_the_results_fragment(world, login):
    r = login(world.people.admin).get("/ke-hoach/", {"q": "cai"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert "<html" not in body and "Kế hoạch cải cách hành chính năm 2026" in body


def test_empty_result_explains_itself(world, login):
    body = login(world.people.admin).get("/ke-hoach/", {"q": "khong co gi"}).content.decode()
    assert "Không có kế hoạch nào khớp" in body


def _add_tasks(world, plan, n):
    for i in range(n):
        actions.do_save_task(world.people.office, Task(plan=plan, title=f"Việc {i}", index="PAPI",
                                                       field_name=f"Lĩnh vực {i % 3}", due=date(2026, 3, 1)),
                             [world.civil], [world.laws])


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_plan_list_queries_do_not_grow_with_plans_and_tasks(world, login):
    client = login(world.people.office)
    small = _count_queries(client, "/ke-hoach/")
    for i in range(6):
        plan = actions.do_create_plan(world.people.office, Plan(agency=world.home, title=f"KH {i}", year=2026))
        _add_tasks(world, plan, 5)
    assert _count_queries(client, "/ke-hoach/") == small


def test_plan_detail_queries_do_not_grow_with_tasks(world, login):
    client = login(world.people.office)
    url = f"/ke-hoach/{world.plan.pk}/"
    small = _count_queries(client, url)
    _add_tasks(world, world.plan, 30)
    assert _count_queries(client, url) == small


def test_plan_detail_groups_tasks_and_shows_targets(world, login):
    from chiso.plans.models import PlanTarget

    PlanTarget.objects.create(plan=world.plan, index="PAR_INDEX", field_name="Cải cách thể chế",
                              prev_rank="01/20", prev_score="11.5", max_score=12, expected_increase="0.5",
                              target_op=">=", target_score=12)
    body = login(world.people.viewer).get(f"/ke-hoach/{world.plan.pk}/").content.decode()
    assert "Cải cách thủ tục hành chính" in body and "Giải quyết hồ sơ đúng hạn đạt 98%" in body
    assert "01/20" in body and "11,5" in body  # Vietnamese decimal comma
    assert "30/06/2026" in body  # dd/mm/yyyy
    assert "Phòng Hành chính tư pháp" in body


@pytest.mark.parametrize("who", ["outsider", "far_coordinator", "nobody"])
def test_outsiders_are_refused_the_plan_and_its_tasks(world, login, who):
    client = login(getattr(world.people, who))
    for url in (f"/ke-hoach/{world.plan.pk}/", f"/ke-hoach/{world.plan.pk}/lich-su/",
                f"/ke-hoach/nhiem-vu/{world.civil_task.pk}/", f"/ke-hoach/{world.plan.pk}/sua/",
                f"/ke-hoach/nhiem-vu/{world.civil_task.pk}/sua/", f"/ke-hoach/{world.plan.pk}/xoa/"):
        r = client.get(url)
        assert r.status_code == 403, url
        assert "Bạn không có quyền thực hiện thao tác này" in r.content.decode()


@pytest.mark.parametrize("who", ["staff", "head"])
def test_a_lead_unit_cannot_change_its_task_definition(world, login, who):
    """Issue 10: the unit reports on its task; the deadline, units and target are the office's."""
    client = login(getattr(world.people, who))
    task = world.civil_task  # led by their own unit
    assert client.get(f"/ke-hoach/nhiem-vu/{task.pk}/sua/").status_code == 403
    r = client.post(f"/ke-hoach/nhiem-vu/{task.pk}/sua/", {"title": task.title, "due": "31/12/2026"})
    assert r.status_code == 403
    task.refresh_from_db()
    assert task.due == date(2026, 6, 30)
    assert "/sua/" not in client.get(f"/ke-hoach/nhiem-vu/{task.pk}/").content.decode()


def test_the_leader_changes_a_task_definition(world, login):
    r = login(world.people.leader).get(f"/ke-hoach/nhiem-vu/{world.civil_task.pk}/sua/")
    assert r.status_code == 200


@pytest.mark.parametrize("who", ["leader", "viewer", "staff", "coordinator"])
def test_readers_cannot_delete_or_edit_the_plan(world, login, who):
    client = login(getattr(world.people, who))
    assert client.post(f"/ke-hoach/{world.plan.pk}/xoa/").status_code == 403
    assert client.get(f"/ke-hoach/{world.plan.pk}/sua/").status_code == 403
    assert client.get(f"/ke-hoach/{world.plan.pk}/nhiem-vu/them/").status_code == 403
    assert Plan.objects.filter(pk=world.plan.pk).exists()


def test_delete_asks_for_confirmation_first(world, login):
    client = login(world.people.office)
    r = client.get(f"/ke-hoach/{world.plan.pk}/xoa/")
    assert "Xác nhận xóa" in r.content.decode() and Plan.objects.filter(pk=world.plan.pk).exists()
    r = client.post(f"/ke-hoach/{world.plan.pk}/xoa/")
    assert r.status_code == 302 and not Plan.objects.filter(pk=world.plan.pk).exists()


def test_history_page_lists_task_changes_of_the_plan(world, login):
    body = login(world.people.leader).get(f"/ke-hoach/{world.plan.pk}/lich-su/").content.decode()
    assert "Lịch sử thay đổi" in body and "Giải quyết hồ sơ đúng hạn" in body and "Tạo mới" in body


def test_task_detail_shows_history(world, login):
    body = login(world.people.viewer).get(f"/ke-hoach/nhiem-vu/{world.civil_task.pk}/").content.decode()
    assert "Lịch sử" in body and "Office" in body  # created by the office person
    assert "Sửa</a>" not in body  # a viewer gets no edit button


def test_plan_pages_show_the_tracking_status_and_do_not_count_done_tasks_as_overdue(world, login):
    from chiso.plans.models import TaskState

    TaskState.objects.create(task=world.civil_task, reported="done", done_on=date(2026, 6, 20), progress=100,
                             has_updates=True)
    client = login(world.people.office)
    body = client.get(f"/ke-hoach/{world.plan.pk}/").content.decode()
    assert "tstatus-done" in body and "Hoàn thành" in body
    # Both tasks are past due in the calendar, only the unfinished one is overdue.
    today = date(2027, 1, 15)
    with mock.patch("chiso.plans.queries.today", return_value=today):
        plan = queries.filter_plans(world.people.office, {}).get(pk=world.plan.pk)
    assert plan.task_count == 2 and plan.overdue_count == 1


def _xlsx_rows(response):
    import io

    from openpyxl import load_workbook

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_plan_list_exports_what_the_filters_show(world, login):
    rows = _xlsx_rows(login(world.people.coordinator).get("/ke-hoach/xlsx/", {"agency": "STP"}))
    assert rows[0][0] == "Số, ký hiệu" and [r[0] for r in rows[1:]] == ["12/KH-STP"]


def test_plan_tasks_export_has_status_and_units(world, login):
    rows = _xlsx_rows(login(world.people.viewer).get(f"/ke-hoach/{world.plan.pk}/xlsx/"))
    titles = {r[3]: r for r in rows[1:]}
    row = titles["Giải quyết hồ sơ đúng hạn đạt 98%"]
    assert row[5] == "Phòng Hành chính tư pháp" and row[9] in {"Chưa thực hiện", "Quá hạn"}


def test_outsider_cannot_export_the_plan_tasks(world, login):
    assert login(world.people.outsider).get(f"/ke-hoach/{world.plan.pk}/xlsx/").status_code == 403
    rows = _xlsx_rows(login(world.people.outsider).get("/ke-hoach/xlsx/"))
    assert [r[0] for r in rows[1:]] == ["5/KH-SXD"]


def test_a_task_with_progress_reports_is_not_deleted_and_says_why(world, login, settings, tmp_path):
    from chiso.tracking import actions as tracking
    from chiso.tracking.tests.helpers import report

    settings.MEDIA_ROOT = tmp_path / "media"
    tracking.do_post_update(world.people.staff, world.civil_task, report(), today=date(2026, 3, 2))
    client = login(world.people.office)
    r = client.post(f"/ke-hoach/nhiem-vu/{world.civil_task.pk}/xoa/", follow=True)
    assert r.status_code == 200 and "Không xóa được nhiệm vụ: đã có báo cáo tiến độ" in r.content.decode()
    assert Task.objects.filter(pk=world.civil_task.pk).exists()
    r = client.post(f"/ke-hoach/{world.plan.pk}/xoa/", follow=True)
    assert r.status_code == 200 and "Không xóa được kế hoạch" in r.content.decode()
    assert Plan.objects.filter(pk=world.plan.pk).exists()


def test_plan_page_and_tasks_export_run_the_same_queries_however_many_tasks(world, login):
    client = login(world.people.office)
    urls = (f"/ke-hoach/{world.plan.pk}/", f"/ke-hoach/{world.plan.pk}/xlsx/")
    before = [_count_queries(client, url) for url in urls]
    _add_tasks(world, world.plan, 12)  # each with a lead and a support unit
    assert [_count_queries(client, url) for url in urls] == before
