"""Search, filters and sorting on a plan's tasks and on "Việc của tôi", with the state in the URL (issue 10)."""

from datetime import date, timedelta
from urllib.parse import parse_qs

import pytest
from django.http import QueryDict

from chiso.plans import actions, queries
from chiso.plans.models import Task
from chiso.plans.status import with_status
from chiso.plans.task_list import TaskQuery

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


@pytest.fixture
def plan_tasks(world):
    actions.do_save_task(world.people.office, Task(
        plan=world.plan, index="SIPAS", field_name="Tiếp cận dịch vụ", ref="3", title="Khảo sát sự hài lòng",
        due=TODAY + timedelta(days=5)), [world.laws], [world.civil])
    actions.do_save_task(world.people.office, Task(
        plan=world.plan, index="PAR_INDEX", field_name="Cải cách thể chế", ref="4", title="Tập huấn nghiệp vụ",
        due=None), [world.civil], [])
    return with_status(queries.plan_tasks(world.plan), TODAY)


def ask(**params) -> TaskQuery:
    q = QueryDict(mutable=True)
    q.update(params)
    return TaskQuery.from_params(q)


def titles(tasks):
    return [t.title for t in tasks]


def test_search_ignores_accents_and_case(plan_tasks):
    assert titles(ask(q="ra soat VAN BAN").apply(plan_tasks, TODAY)) == ["Rà soát văn bản quy phạm pháp luật"]
    assert titles(ask(q="hanh chinh tu phap").apply(plan_tasks, TODAY)) == [  # a unit's name matches too
        "Giải quyết hồ sơ đúng hạn đạt 98%", "Khảo sát sự hài lòng", "Tập huấn nghiệp vụ"]


def test_each_filter(world, plan_tasks):
    assert titles(ask(**{"chi-so": "SIPAS"}).apply(plan_tasks, TODAY)) == ["Khảo sát sự hài lòng"]
    assert titles(ask(**{"linh-vuc": "Cải cách thể chế"}).apply(plan_tasks, TODAY)) == [
        "Rà soát văn bản quy phạm pháp luật", "Tập huấn nghiệp vụ"]
    assert titles(ask(**{"don-vi": str(world.laws.pk)}).apply(plan_tasks, TODAY)) == [
        "Giải quyết hồ sơ đúng hạn đạt 98%", "Rà soát văn bản quy phạm pháp luật", "Khảo sát sự hài lòng"]
    assert titles(ask(han="7").apply(plan_tasks, TODAY)) == ["Khảo sát sự hài lòng"]
    assert titles(ask(han="30").apply(plan_tasks, TODAY)) == ["Giải quyết hồ sơ đúng hạn đạt 98%",
                                                            "Khảo sát sự hài lòng"]
    assert titles(ask(han="khong").apply(plan_tasks, TODAY)) == ["Tập huấn nghiệp vụ"]
    assert titles(ask(han="qua").apply(plan_tasks, date(2026, 7, 1))) == ["Giải quyết hồ sơ đúng hạn đạt 98%",
                                                                         "Khảo sát sự hài lòng"]
    assert titles(ask(**{"trang-thai": "overdue"}).apply(plan_tasks, TODAY)) == []
    assert len(ask(**{"trang-thai": "not_started"}).apply(plan_tasks, TODAY)) == 4


def test_sorting_both_ways_and_bad_values_ignored(plan_tasks):
    by_due = titles(ask(**{"sap-xep": "han"}).apply(plan_tasks, TODAY))
    assert by_due == ["Khảo sát sự hài lòng", "Giải quyết hồ sơ đúng hạn đạt 98%",
                      "Rà soát văn bản quy phạm pháp luật", "Tập huấn nghiệp vụ"]  # no date last
    assert titles(ask(**{"sap-xep": "ten"}).apply(plan_tasks, TODAY))[0] == "Giải quyết hồ sơ đúng hạn đạt 98%"
    assert titles(ask(**{"sap-xep": "-ten"}).apply(plan_tasks, TODAY))[0] == "Tập huấn nghiệp vụ"
    bad = ask(**{"sap-xep": "drop table", "trang-thai": "x", "don-vi": "abc", "han": "9999"})
    assert not bad.active and len(bad.apply(plan_tasks, TODAY)) == 4


def test_the_state_round_trips_through_the_url():
    tq = ask(q="hồ sơ", **{"trang-thai": "overdue", "han": "30", "sap-xep": "-han"})
    again = TaskQuery.from_params(QueryDict(tq.querystring()))
    assert again == tq
    links = tq.sort_links()
    assert links["han"]["arrow"] == "▼" and parse_qs(links["han"]["qs"])["sap-xep"] == ["han"]
    assert parse_qs(links["ten"]["qs"])["sap-xep"] == ["ten"] and parse_qs(links["ten"]["qs"])["q"] == ["hồ sơ"]


def test_the_plan_page_filters_and_sorts_from_the_url(world, login, plan_tasks):
    client = login(world.people.viewer)
    url = f"/ke-hoach/{world.plan.pk}/"
    page = client.get(url, {"q": "khao sat", "sap-xep": "han"}).content.decode()
    assert "1/4 nhiệm vụ" in page and "Khảo sát sự hài lòng" in page
    assert "Tập huấn nghiệp vụ" not in page.split('id="task-results"')[1]
    assert 'value="khao sat"' in page and 'aria-sort="ascending"' in page
    empty = client.get(url, {"q": "khong co gi"}).content.decode()
    assert "Không có nhiệm vụ nào khớp với bộ lọc." in empty
    plain = client.get(url).content.decode()
    assert 'class="index-group"' in plain and 'id="task-filters"' in plain


def test_my_tasks_filters_sorts_and_exports_the_same_rows(world, login, plan_tasks):
    from io import BytesIO

    from openpyxl import load_workbook

    client = login(world.people.staff)
    page = client.get("/theo-doi/viec-cua-toi/", {"q": "TAP HUAN"}).content.decode()
    assert "Tập huấn nghiệp vụ" in page and "Giải quyết hồ sơ" not in page.split('id="task-results"')[1]
    assert "1/3 nhiệm vụ" in page  # civil leads two tasks and supports one
    assert "q=TAP+HUAN&amp;xuat=xlsx" in page
    sheet = load_workbook(BytesIO(client.get("/theo-doi/viec-cua-toi/", {"q": "TAP HUAN", "xuat": "xlsx"}).content)
                          ).active
    assert sheet.max_row == 2 and sheet.cell(2, 4).value == "Tập huấn nghiệp vụ"
    sorted_page = client.get("/theo-doi/viec-cua-toi/", {"sap-xep": "-ten"}).content.decode()
    body = sorted_page.split('id="task-results"')[1]
    assert body.index("Tập huấn nghiệp vụ") < body.index("Khảo sát sự hài lòng") < body.index("Giải quyết hồ sơ")
