"""Lists: cursor pagination, filters (agency, year, status, changed-since), a bounded number of queries."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chiso.plans import actions as plans
from chiso.plans.models import Task
from chiso.tracking.actions import UpdateData, do_confirm_update, do_post_update

from .helpers import bearer, token_for


def _many_tasks(world, n):
    units = [world.civil]
    for i in range(n):
        plans.do_save_task(world.people.office, Task(plan=world.plan, ref=f"x{i}", title=f"Việc {i}",
                                                     due=date(2027, 1, 1)), units, [world.laws])


def test_cursor_pages_cover_every_task_once(world, client):
    _many_tasks(world, 23)
    raw = token_for(world.people.leader, "tasks:read")
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 10, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/tasks", params, **bearer(raw)).json()
        seen += [t["id"] for t in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 25
    assert seen == sorted(seen)


def test_status_year_and_changed_since_filters(world, client):
    raw = token_for(world.people.leader, "tasks:read")
    before = timezone.now() - timedelta(seconds=1)
    update = do_post_update(world.people.staff, world.civil_task, UpdateData(narrative="Xong", percent=100,
                            proposed_status="done", done_on=date(2026, 3, 1)), today=date(2026, 3, 2))
    do_confirm_update(world.people.office, update, today=date(2026, 3, 2))

    def ids(**params):
        response = client.get("/api/v1/tasks", params, **bearer(raw))
        assert response.status_code == 200, response.content
        return {t["id"] for t in response.json()["items"]}

    assert ids(status="done") == {world.civil_task.pk}
    expected = "overdue" if timezone.localdate() > world.laws_task.due else "not_started"
    assert ids(status=expected) == {world.laws_task.pk}
    assert ids(year=2026) == {world.civil_task.pk, world.laws_task.pk} and ids(year=2025) == set()
    assert ids(changed_since=timezone.now().isoformat()) == set()
    Task.objects.filter(pk=world.laws_task.pk).update(updated_at=before - timedelta(days=1))
    Task.objects.filter(pk=world.civil_task.pk).update(updated_at=before - timedelta(days=1))
    # the confirmation happened after `before`: the task counts as changed though its row did not move
    assert ids(changed_since=before.isoformat()) == {world.civil_task.pk}
    assert ids(agency="STP", plan=world.plan.pk, unit=world.civil.pk) == {world.civil_task.pk}
    bad = client.get("/api/v1/tasks", {"status": "finished"}, **bearer(raw))
    assert bad.status_code == 400 and "not_started" in bad.json()["error"]["message"]


def test_a_page_of_tasks_runs_a_fixed_number_of_queries(world, client):
    raw = token_for(world.people.leader, "tasks:read")
    _many_tasks(world, 5)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/tasks", **bearer(raw)).status_code == 200
    _many_tasks(world, 60)
    with CaptureQueriesContext(connection) as many:
        body = client.get("/api/v1/tasks", **bearer(raw)).json()
    assert len(body["items"]) == 67
    assert len(many) == len(few) <= 9  # 5 reads; the call log: BEGIN, UPDATE, INSERT, COMMIT on SQLite


def test_vietnamese_errors_for_bad_parameters(world, client):
    raw = token_for(world.people.leader, "*:read")
    for params, field in (({"limit": "abc"}, "limit"), ({"year": "hai nghìn"}, "year"),
                          ({"changed_since": "hôm qua"}, "changed_since")):
        response = client.get("/api/v1/tasks", params, **bearer(raw))
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid" and error["details"][0]["field"] == field
        assert error["message"].startswith("Dữ liệu gửi lên không hợp lệ")
    unknown = client.get("/api/v1/khong-co", **bearer(raw))
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    wrong = client.put("/api/v1/tasks", **bearer(raw))  # a known path, a method it has no operation for
    assert wrong.status_code == 405 and wrong["Allow"] == "GET" and wrong["Content-Type"] == "application/json"
    assert wrong.json()["error"]["code"] == "method_not_allowed" and "PUT" in wrong.json()["error"]["message"]


def test_times_written_ahead_match_the_encoder():
    import json
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from ninja.responses import NinjaJSONEncoder

    from chiso.api.core import json_time

    for value in (datetime(2026, 3, 1, 8, 30, tzinfo=UTC), datetime(2026, 3, 1, 8, 30, 5, 123456, tzinfo=UTC),
                  datetime(2026, 3, 1, 8, 30, 5, 999, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), None):
        assert json_time(value) == json.loads(json.dumps(value, cls=NinjaJSONEncoder))
